import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../db/database.js';
import { recordIdentity } from '../../identity/create-record.js';
import { findAccount } from './account-repository.js';
import { auditPortal } from './auth-audit.js';
import { AUTH_MESSAGES } from './auth-messages.js';
import { hashPassword } from './password-hashing.js';
import { checkPassword } from './password-policy.js';
import type { ResolvedAuthDeps } from './portal-auth-config.js';
import { PortalAuthError } from './portal-auth-error.js';
import { queueMessage } from './queue-message.js';
import { hitRateLimit } from './rate-limit.js';
import { isWellFormedLoginId, normaliseLoginId } from './login-id.js';
import { randomToken, tokenHash } from './secrets.js';
import { revokeAllSessions } from './sessions.js';
import type { CallerInfo } from './sign-in.js';

/**
 * Asks for a password reset (issue 3 item 2): when the login id exists, a single-use link valid
 * `resetLifetimeMs` goes to the account's e-mail. The answer is the same whether it exists or not.
 */
export async function requestPasswordReset(deps: ResolvedAuthDeps, loginId: string, caller: CallerInfo): Promise<void> {
  const now = deps.now();
  await hitRateLimit(deps.services.pool, `reset:${caller.ip}`, deps.config.rateLimit, now);
  const id = normaliseLoginId(loginId);
  const account = isWellFormedLoginId(id) ? await findAccount(deps.services.pool, deps.services.masterKey, { loginId: id }) : undefined;
  if (!account) {
    await auditPortal(deps.services, { action: 'portal.password-reset-request', outcome: 'denied', rule: 'unknown-login-id', requestId: caller.requestId, details: { ip: caller.ip } });
    return;
  }
  const token = randomToken();
  const minutes = Math.round(deps.config.resetLifetimeMs / 60_000);
  const link = `${deps.config.portalBaseUrl}/mot-de-passe/nouveau#jeton=${token}`;
  await inTransaction(deps.services.pool, async (client) => {
    await client.query('UPDATE password_reset SET used_at = $2 WHERE account_id = $1 AND used_at IS NULL', [account.id, now]);
    const resetId = randomUUID();
    await client.query('INSERT INTO password_reset (id, account_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)', [
      resetId,
      account.id,
      tokenHash(token),
      now,
      new Date(now.getTime() + deps.config.resetLifetimeMs),
    ]);
    await queueMessage(client, deps, {
      channel: 'email',
      to: account.email,
      subject: AUTH_MESSAGES.reset.subject[account.language],
      body: AUTH_MESSAGES.reset.body(link, minutes, account.language),
      key: `reset:${resetId}`,
    });
  });
  deps.kick();
  await auditPortal(deps.services, { action: 'portal.password-reset-request', outcome: 'allowed', rule: 'reset-link-sent', ins: account.ins, requestId: caller.requestId, details: { ip: caller.ip } });
}

/**
 * Sets a new password with a reset link's token: once, before it expires; the new password follows
 * the same rule as at signup. Every session of the account is closed, the lockout is lifted, and
 * the owner is told by e-mail.
 */
export async function confirmPasswordReset(deps: ResolvedAuthDeps, token: string, password: string, caller: CallerInfo): Promise<void> {
  const now = deps.now();
  await hitRateLimit(deps.services.pool, `reset:${caller.ip}`, deps.config.rateLimit, now);
  const found = await deps.services.pool.query<{ id: string; account_id: string }>(
    'SELECT id, account_id FROM password_reset WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2',
    [tokenHash(token), now],
  );
  const reset = found.rows[0];
  const account = reset ? await findAccount(deps.services.pool, deps.services.masterKey, { id: reset.account_id }) : undefined;
  if (!reset || !account) {
    await auditPortal(deps.services, { action: 'portal.password-reset', outcome: 'denied', rule: 'invalid-token', requestId: caller.requestId, details: { ip: caller.ip } });
    throw new PortalAuthError('reset-invalid');
  }
  const record = await deps.services.pool.query<{ identity: Buffer }>('SELECT identity FROM patient_record WHERE ins = $1', [account.ins]);
  const identity = record.rows[0] ? recordIdentity(deps.services, account.ins, record.rows[0].identity) : undefined;
  const verdict = checkPassword(password, {
    loginId: account.loginId,
    names: identity ? [identity.birthName, ...(identity.usedName ? [identity.usedName] : []), ...identity.givenNames] : [],
    ...(identity ? { birthDate: identity.birthDate } : {}),
    email: account.email,
  });
  if (!verdict.ok) throw PortalAuthError.weakPassword(verdict.reason, caller.language);
  const passwordHash = await hashPassword(password);
  const done = await inTransaction(deps.services.pool, async (client) => {
    const used = await client.query('UPDATE password_reset SET used_at = $2 WHERE id = $1 AND used_at IS NULL', [reset.id, now]);
    if (used.rowCount !== 1) return false;
    await client.query('UPDATE portal_account SET password_hash = $2, failed_attempts = 0, lockouts = 0, locked_until = NULL WHERE id = $1', [account.id, passwordHash]);
    await revokeAllSessions(client, account.id, now);
    await queueMessage(client, deps, {
      channel: 'email',
      to: account.email,
      subject: AUTH_MESSAGES.passwordChanged.subject[account.language],
      body: AUTH_MESSAGES.passwordChanged.body(account.language),
      key: `password-changed:${reset.id}`,
    });
    return true;
  });
  if (!done) throw new PortalAuthError('reset-invalid');
  deps.kick();
  await auditPortal(deps.services, { action: 'portal.password-reset', outcome: 'allowed', rule: 'reset-link', ins: account.ins, requestId: caller.requestId, details: { ip: caller.ip } });
}
