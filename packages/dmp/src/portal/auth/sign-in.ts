import { randomUUID } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import { inTransaction } from '../../db/database.js';
import { openValue } from '../../records/content-crypto.js';
import type { Language, LoginChallenge } from '../api-contract.js';
import { findAccount, secondFactorOf, type PortalAccount } from './account-repository.js';
import { auditPortal } from './auth-audit.js';
import { AUTH_MESSAGES, maskDestination } from './auth-messages.js';
import { isWellFormedLoginId, normaliseLoginId } from './login-id.js';
import { verifyPassword } from './password-hashing.js';
import type { ResolvedAuthDeps } from './portal-auth-config.js';
import { PortalAuthError } from './portal-auth-error.js';
import { queueMessage } from './queue-message.js';
import { hitRateLimit } from './rate-limit.js';
import { codeHash, randomDigits, sameHash } from './secrets.js';
import { createSession, revokeSession } from './sessions.js';

/** Who is calling, as the sign-in audits it. */
export interface CallerInfo {
  readonly ip: string;
  readonly requestId: string;
  readonly language: Language;
}

/**
 * First factor (issue 3 item 2): login id and password. On success, sends a 6-digit one-time code
 * by the account's channel (or asks for the authenticator app's code) and answers the challenge.
 * Every failure answers the same `invalid-credentials`, whether the login id exists, the password
 * is wrong or the account is locked, in about the same time (a dummy hash is checked for unknown
 * ids); the owner learns of a lockout by e-mail. `maxFailedPasswords` wrong passwords in a row lock
 * the account for `lockoutMs`, doubling at each new lockout. Requests per IP are rate-limited.
 */
export async function startLogin(deps: ResolvedAuthDeps, loginId: string, password: string, caller: CallerInfo): Promise<LoginChallenge> {
  const { services, config } = deps;
  await hitRateLimit(services.pool, `login:${caller.ip}`, config.rateLimit, deps.now());
  const id = normaliseLoginId(loginId);
  const account = isWellFormedLoginId(id) ? await findAccount(services.pool, services.masterKey, { loginId: id }) : undefined;
  const passwordOk = await verifyPassword(account?.passwordHash, password);
  const details = { ip: caller.ip };
  if (!account) {
    await auditPortal(services, { action: 'portal.sign-in', outcome: 'denied', rule: 'unknown-login-id', requestId: caller.requestId, details });
    throw new PortalAuthError('invalid-credentials');
  }
  const audit = { ins: account.ins, requestId: caller.requestId };
  const now = deps.now();
  if (account.lockedUntil && account.lockedUntil > now) {
    await auditPortal(services, { ...audit, action: 'portal.sign-in', outcome: 'denied', rule: 'account-locked', details: { ...details, lockedUntil: account.lockedUntil.toISOString() } });
    throw new PortalAuthError('invalid-credentials');
  }
  if (!passwordOk) {
    await recordWrongPassword(deps, account, caller);
    throw new PortalAuthError('invalid-credentials');
  }
  const challenge = await inTransaction(services.pool, async (client) => {
    await client.query('UPDATE portal_account SET failed_attempts = 0 WHERE id = $1', [account.id]);
    const issued = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM otp_challenge WHERE account_id = $1 AND purpose = 'login' AND created_at > $2`, [
      account.id,
      new Date(now.getTime() - config.otpIssueWindowMs),
    ]);
    if ((issued.rows[0]?.n ?? 0) >= config.otpMaxIssued) return undefined;
    // A new code replaces the codes sent before.
    await client.query(`UPDATE otp_challenge SET used_at = $2 WHERE account_id = $1 AND purpose = 'login' AND used_at IS NULL`, [account.id, now]);
    const challengeId = randomUUID();
    const expiresAt = new Date(now.getTime() + config.otpLifetimeMs);
    const channel = secondFactorOf(account);
    let hashed: Buffer | null = null;
    if (channel !== 'totp') {
      const code = randomDigits(6);
      hashed = codeHash(deps.codeKey, `otp:${challengeId}`, code);
      const minutes = Math.round(config.otpLifetimeMs / 60_000);
      await queueMessage(client, deps, {
        channel,
        to: channel === 'sms' ? account.phone! : account.email,
        subject: AUTH_MESSAGES.otp.subject[account.language],
        body: AUTH_MESSAGES.otp.body(code, minutes, account.language),
        key: `otp:${challengeId}`,
      });
    }
    await client.query(
      `INSERT INTO otp_challenge (id, account_id, purpose, channel, code_hash, created_at, expires_at) VALUES ($1, $2, 'login', $3, $4, $5, $6)`,
      [challengeId, account.id, channel, hashed, now, expiresAt],
    );
    const destination = channel === 'totp' ? '' : maskDestination(channel, channel === 'sms' ? account.phone! : account.email);
    return { challengeId, channel, maskedDestination: destination, expiresAt: expiresAt.toISOString() } satisfies LoginChallenge;
  });
  if (!challenge) {
    await auditPortal(services, { ...audit, action: 'portal.sign-in', outcome: 'denied', rule: 'too-many-codes', details });
    throw new PortalAuthError('rate-limited');
  }
  deps.kick();
  await auditPortal(services, { ...audit, action: 'portal.password', outcome: 'allowed', rule: 'password-verified', details: { ...details, channel: challenge.channel } });
  return challenge;
}

async function recordWrongPassword(deps: ResolvedAuthDeps, account: PortalAccount, caller: CallerInfo): Promise<void> {
  const { services, config } = deps;
  const now = deps.now();
  const lockedUntil = await inTransaction(services.pool, async (client) => {
    const updated = await client.query<{ failed_attempts: number; lockouts: number }>(
      'UPDATE portal_account SET failed_attempts = failed_attempts + 1 WHERE id = $1 RETURNING failed_attempts, lockouts',
      [account.id],
    );
    const row = updated.rows[0]!;
    if (row.failed_attempts < config.maxFailedPasswords) return undefined;
    const until = new Date(now.getTime() + Math.min(config.lockoutMs * 2 ** row.lockouts, 24 * 3_600_000));
    await client.query('UPDATE portal_account SET failed_attempts = 0, lockouts = lockouts + 1, locked_until = $2 WHERE id = $1', [account.id, until]);
    await queueMessage(client, deps, {
      channel: 'email',
      to: account.email,
      subject: AUTH_MESSAGES.lockout.subject[account.language],
      body: AUTH_MESSAGES.lockout.body(until, account.language),
      key: `lockout:${account.id}:${now.getTime()}`,
    });
    return until;
  });
  const audit = { ins: account.ins, requestId: caller.requestId };
  await auditPortal(services, { ...audit, action: 'portal.sign-in', outcome: 'denied', rule: 'wrong-password', details: { ip: caller.ip } });
  if (lockedUntil) {
    deps.kick();
    await auditPortal(services, { ...audit, action: 'portal.lockout', outcome: 'denied', rule: 'too-many-wrong-passwords', details: { ip: caller.ip, lockedUntil: lockedUntil.toISOString() } });
  }
}

/** What the second factor gives: a new session. */
export interface SignedIn {
  readonly account: PortalAccount;
  readonly token: string;
  readonly csrfToken: string;
  readonly idleExpiresAt: Date;
  readonly absoluteExpiresAt: Date;
}

type OtpOutcome = { ok: true; account: PortalAccount } | { ok: false; rule: string; ins?: string };

/**
 * Second factor: the one-time code of a challenge (or the authenticator app's code). A code works
 * once, for `otpLifetimeMs`, and a challenge allows `otpMaxAttempts` tries; codes are compared as
 * keyed hashes in constant time. Success opens a new session (the session the browser presented
 * before, if any, is revoked: session fixation) and resets the lockout count.
 */
export async function completeLogin(deps: ResolvedAuthDeps, challengeId: string, code: string, presentedToken: string | undefined, caller: CallerInfo): Promise<SignedIn> {
  const { services, config } = deps;
  const now = deps.now();
  await hitRateLimit(services.pool, `otp:${caller.ip}`, config.rateLimit, now);
  if (!/^[0-9a-f-]{36}$/.test(challengeId) || !/^\d{6}$/.test(code)) {
    await auditPortal(services, { action: 'portal.otp', outcome: 'denied', rule: 'malformed', requestId: caller.requestId, details: { ip: caller.ip } });
    throw new PortalAuthError('otp-invalid');
  }
  const outcome = await inTransaction<OtpOutcome>(services.pool, async (client) => {
    const found = await client.query<{ account_id: string; channel: string; code_hash: Buffer | null; expires_at: Date; attempts: number; used_at: Date | null }>(
      `SELECT account_id, channel, code_hash, expires_at, attempts, used_at FROM otp_challenge WHERE id = $1 AND purpose = 'login' FOR UPDATE`,
      [challengeId],
    );
    const challenge = found.rows[0];
    if (!challenge) return { ok: false, rule: 'unknown-challenge' };
    const account = (await findAccount(client, services.masterKey, { id: challenge.account_id }, true))!;
    if (challenge.used_at) return { ok: false, rule: 'code-already-used', ins: account.ins };
    if (challenge.expires_at <= now) return { ok: false, rule: 'code-expired', ins: account.ins };
    if (challenge.attempts >= config.otpMaxAttempts) return { ok: false, rule: 'too-many-attempts', ins: account.ins };
    await client.query('UPDATE otp_challenge SET attempts = attempts + 1 WHERE id = $1', [challengeId]);
    const right =
      challenge.channel === 'totp'
        ? account.totpSecret !== null && verifyTotp(deps, account, account.totpSecret, code, now)
        : challenge.code_hash !== null && sameHash(challenge.code_hash, codeHash(deps.codeKey, `otp:${challengeId}`, code));
    if (!right) return { ok: false, rule: 'wrong-code', ins: account.ins };
    await client.query('UPDATE otp_challenge SET used_at = $2 WHERE id = $1', [challengeId, now]);
    await client.query('UPDATE portal_account SET failed_attempts = 0, lockouts = 0, locked_until = NULL WHERE id = $1', [account.id]);
    return { ok: true, account };
  });
  if (!outcome.ok) {
    await auditPortal(services, { action: 'portal.otp', outcome: 'denied', rule: outcome.rule, requestId: caller.requestId, ...(outcome.ins ? { ins: outcome.ins } : {}), details: { ip: caller.ip } });
    throw new PortalAuthError('otp-invalid');
  }
  const account = outcome.account;
  const session = await inTransaction(services.pool, async (client) => {
    if (presentedToken) await revokeSession(client, presentedToken, now);
    return createSession(client, account.id, now, config);
  });
  await auditPortal(services, { action: 'portal.sign-in', outcome: 'allowed', rule: 'password-and-one-time-code', ins: account.ins, requestId: caller.requestId, details: { ip: caller.ip } });
  return { account, ...session };
}

/** The TOTP instance of an account's (sealed) secret. */
export function totpOf(deps: ResolvedAuthDeps, account: PortalAccount, sealed: Buffer): OTPAuth.TOTP {
  const secret = openValue(sealed, deps.services.masterKey, `totp:${account.id}`).toString('utf8');
  return new OTPAuth.TOTP({ issuer: 'DMP', label: account.loginId, algorithm: 'SHA1', digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(secret) });
}

function verifyTotp(deps: ResolvedAuthDeps, account: PortalAccount, sealed: Buffer, code: string, now: Date): boolean {
  return totpOf(deps, account, sealed).validate({ token: code, timestamp: now.getTime(), window: 1 }) !== null;
}
