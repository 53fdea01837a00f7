import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { InsIdentity } from '@dmp/national';
import type { Language } from '../api-contract.js';
import type { AuditActor } from '../../audit/audit-entry.js';
import type { HostServices, RequestContext } from '../../context.js';
import { inTransaction } from '../../db/database.js';
import { FhirError } from '../../fhir/fhir-error.js';
import { createRecordFromCarteVitale } from '../../identity/create-record.js';
import { enqueueMessage } from '../../messaging/index.js';
import { loadRecord } from '../../records/record-repository.js';
import { findAccount, sealContact } from './account-repository.js';
import { auditPortal } from './auth-audit.js';
import { activationLetter, AUTH_MESSAGES, maskDestination } from './auth-messages.js';
import { generateLoginId } from './login-id.js';
import { hashPassword } from './password-hashing.js';
import { checkPassword } from './password-policy.js';
import { DEFAULT_PORTAL_AUTH_CONFIG, type ResolvedAuthDeps } from './portal-auth-config.js';
import { PortalAuthError } from './portal-auth-error.js';
import { queueMessage } from './queue-message.js';
import { hitRateLimit } from './rate-limit.js';
import { codeHash, codeKey, normaliseActivationCode, randomActivationCode, sameHash } from './secrets.js';
import type { CallerInfo } from './sign-in.js';
import type { SignupInput } from './signup-input.js';

/**
 * Creates a patient's record and account online from Carte Vitale data (issue 3 item 2). Only the
 * holder signs up for themself: rank 1 on the card, an adult; INSi gives the INS and the record is
 * created with the patient as actor (`createRecordFromCarteVitale`, which asks `decide('record.create')`).
 * A record a professional created is not taken over this way: it needs the activation code
 * (`activateAccount`). The login id is answered and also sent by e-mail.
 */
export async function signUp(deps: ResolvedAuthDeps, input: SignupInput, caller: CallerInfo): Promise<{ loginId: string }> {
  await hitRateLimit(deps.services.pool, `signup:${caller.ip}`, deps.config.rateLimit, deps.now());
  if (input.card.rank !== 1) throw new PortalAuthError('signup-not-holder');
  const identity = await holderIdentity(deps, input);
  const ctx: RequestContext = { actor: { kind: 'patient', ins: identity.ins }, mode: 'normal', requestId: caller.requestId };
  if (await findAccount(deps.services.pool, deps.services.masterKey, { ins: identity.ins })) throw new PortalAuthError('account-exists');
  if (await loadRecord(deps.services.pool, identity.ins)) throw new PortalAuthError('activation-required');
  const loginId = generateLoginId();
  checkAccountPassword(input, identity, loginId, caller);
  const passwordHash = await hashPassword(input.password);
  try {
    await createRecordFromCarteVitale(ctx, deps.services, deps.insi, input.card, { now: deps.now() });
  } catch (error) {
    if (error instanceof FhirError) throw new PortalAuthError('identity-not-found');
    throw error;
  }
  const created = await inTransaction(deps.services.pool, (client) => insertAccount(client, deps, identity, input, loginId, passwordHash, caller.language));
  deps.kick();
  await auditPortal(deps.services, { action: 'portal.sign-up', outcome: 'allowed', rule: 'carte-vitale-holder', ins: identity.ins, requestId: caller.requestId, details: { ip: caller.ip } });
  return { loginId: created };
}

/**
 * Activates a record a professional created (issue 3 item 2): the Carte Vitale data find the INS,
 * and the activation code issued for that record (`issueActivationCode`) proves the patient
 * received it by SMS, e-mail or letter. A code works once, until it expires, with
 * `activationMaxAttempts` tries.
 */
export async function activateAccount(deps: ResolvedAuthDeps, input: SignupInput & { activationCode: string }, caller: CallerInfo): Promise<{ loginId: string }> {
  const now = deps.now();
  await hitRateLimit(deps.services.pool, `activate:${caller.ip}`, deps.config.rateLimit, now);
  const identity = await holderIdentity(deps, input);
  if (await findAccount(deps.services.pool, deps.services.masterKey, { ins: identity.ins })) throw new PortalAuthError('account-exists');
  const loginId = generateLoginId();
  checkAccountPassword(input, identity, loginId, caller);
  const passwordHash = await hashPassword(input.password);
  const typed = normaliseActivationCode(input.activationCode);
  const result = await inTransaction(deps.services.pool, async (client) => {
    const found = await client.query<{ id: string; code_hash: Buffer; attempts: number }>(
      `SELECT id, code_hash, attempts FROM activation_code WHERE ins = $1 AND used_at IS NULL AND expires_at > $2 ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
      [identity.ins, now],
    );
    const code = found.rows[0];
    if (!code || code.attempts >= deps.config.activationMaxAttempts) return { ok: false as const, rule: code ? 'too-many-attempts' : 'no-valid-code' };
    await client.query('UPDATE activation_code SET attempts = attempts + 1 WHERE id = $1', [code.id]);
    if (!sameHash(code.code_hash, codeHash(deps.codeKey, `activation:${identity.ins}`, typed))) return { ok: false as const, rule: 'wrong-code' };
    await client.query('UPDATE activation_code SET used_at = $2 WHERE id = $1', [code.id, now]);
    return { ok: true as const, loginId: await insertAccount(client, deps, identity, input, loginId, passwordHash, caller.language) };
  });
  if (!result.ok) {
    await auditPortal(deps.services, { action: 'portal.activation', outcome: 'denied', rule: result.rule, ins: identity.ins, requestId: caller.requestId, details: { ip: caller.ip } });
    throw new PortalAuthError('activation-invalid');
  }
  deps.kick();
  await auditPortal(deps.services, { action: 'portal.activation', outcome: 'allowed', rule: 'activation-code', ins: identity.ins, requestId: caller.requestId, details: { ip: caller.ip } });
  return { loginId: result.loginId };
}

/** What `issueActivationCode` gives the administrator. */
export interface IssuedActivationCode {
  readonly channel: 'sms' | 'email' | 'letter';
  readonly expiresAt: Date;
  /** SMS and e-mail: where it went, masked. */
  readonly maskedDestination?: string;
  /** Letter only: the code and the letter's text to print and post. */
  readonly code?: string;
  readonly letter?: string;
}

/**
 * Issues the activation code of a record a professional created, for its patient to open their
 * portal account (issue 3 item 2): by SMS or e-mail to the `destination` the patient gave (queued
 * in the outbox), or by printed letter (the code and the letter's text are returned to the
 * administrator's CLI). A new code replaces the previous ones. Audited.
 *
 * @example
 * const { letter } = await issueActivationCode(services, '185057511203449', 'letter');
 */
export async function issueActivationCode(
  services: HostServices,
  ins: string,
  channel: 'sms' | 'email' | 'letter',
  options: { destination?: string; now?: Date; lifetimeMs?: number; portalBaseUrl?: string; actor?: AuditActor; requestId?: string } = {},
): Promise<IssuedActivationCode> {
  const now = options.now ?? new Date();
  if (channel !== 'letter' && !options.destination) throw new Error(`an activation code by ${channel} needs a destination`);
  const record = await loadRecord(services.pool, ins);
  if (!record) throw new Error('no record for this INS');
  if (await findAccount(services.pool, services.masterKey, { ins })) throw new Error('this record already has a portal account');
  const code = randomActivationCode();
  const expiresAt = new Date(now.getTime() + (options.lifetimeMs ?? DEFAULT_PORTAL_AUTH_CONFIG.activationLifetimeMs));
  await inTransaction(services.pool, async (client) => {
    await client.query('UPDATE activation_code SET used_at = $2 WHERE ins = $1 AND used_at IS NULL', [ins, now]);
    await client.query('INSERT INTO activation_code (id, ins, code_hash, channel, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      randomUUID(),
      ins,
      codeHash(codeKey(services.masterKey), `activation:${ins}`, normaliseActivationCode(code)),
      channel,
      now,
      expiresAt,
    ]);
    if (channel !== 'letter') {
      await enqueueMessage(
        client,
        services.masterKey,
        {
          channel,
          recipient: options.destination!,
          subject: channel === 'email' ? AUTH_MESSAGES.activation.subject.fr : '',
          body: AUTH_MESSAGES.activation.body(code, expiresAt, 'fr'),
          idempotencyKey: `activation:${ins}:${now.getTime()}`,
        },
        now,
      );
    }
  });
  await services.audit.write({
    actor: options.actor ?? { kind: 'system', id: 'portal' },
    action: 'portal.activation-code',
    outcome: 'allowed',
    rule: 'activation-code-issued',
    patientIns: ins,
    ...(options.requestId ? { requestId: options.requestId } : {}),
    details: { channel },
  });
  if (channel === 'letter') return { channel, expiresAt, code, letter: activationLetter(code, expiresAt, options.portalBaseUrl ?? DEFAULT_PORTAL_AUTH_CONFIG.portalBaseUrl) };
  return { channel, expiresAt, maskedDestination: maskDestination(channel, options.destination!) };
}

async function holderIdentity(deps: ResolvedAuthDeps, input: SignupInput): Promise<InsIdentity> {
  const lookup = await deps.insi.lookupFromCarteVitale(input.card);
  if (lookup.status !== 'found') throw new PortalAuthError('identity-not-found');
  if (isMinor(lookup.identity.birthDate, deps.now())) throw new PortalAuthError('signup-minor');
  return lookup.identity;
}

function checkAccountPassword(input: SignupInput, identity: InsIdentity, loginId: string, caller: CallerInfo): void {
  const verdict = checkPassword(input.password, {
    loginId,
    names: [input.card.familyName, input.card.givenName, identity.birthName, ...(identity.usedName ? [identity.usedName] : []), ...identity.givenNames],
    birthDate: identity.birthDate,
    email: input.email,
  });
  if (!verdict.ok) throw PortalAuthError.weakPassword(verdict.reason, caller.language);
}

async function insertAccount(
  client: pg.PoolClient,
  deps: ResolvedAuthDeps,
  identity: InsIdentity,
  input: SignupInput,
  firstLoginId: string,
  passwordHash: string,
  language: Language,
): Promise<string> {
  let loginId = firstLoginId;
  for (let attempt = 0; ; attempt += 1) {
    await client.query('SAVEPOINT login_id');
    try {
      const id = randomUUID();
      await client.query(
        `INSERT INTO portal_account (id, login_id, ins, contact, password_hash, otp_channel, language, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [id, loginId, identity.ins, sealContact(deps.services.masterKey, id, { email: input.email, phone: input.phone ?? null }), passwordHash, input.otpChannel, language, deps.now()],
      );
      break;
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT login_id');
      const constraint = (error as { constraint?: string }).constraint;
      if (constraint === 'portal_account_ins_key') throw new PortalAuthError('account-exists');
      if (constraint !== 'portal_account_login_id_key' || attempt >= 5) throw error;
      loginId = generateLoginId();
    }
  }
  await queueMessage(client, deps, { channel: 'email', to: input.email, subject: AUTH_MESSAGES.welcome.subject[language], body: AUTH_MESSAGES.welcome.body(loginId, language), key: `welcome:${identity.ins}` });
  return loginId;
}

function isMinor(birthDate: string, now: Date): boolean {
  const [year, month, day] = birthDate.split('-').map(Number) as [number, number, number];
  return now.getTime() < Date.UTC(year + 18, month - 1, day);
}
