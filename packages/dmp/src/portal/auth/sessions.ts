import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../records/record-repository.js';
import { findAccount, type PortalAccount } from './account-repository.js';
import { randomToken, tokenHash } from './secrets.js';

/** A live session, as the guard hands it to routes. */
export interface PortalSession {
  readonly account: PortalAccount;
  readonly csrfToken: string;
  readonly createdAt: Date;
  readonly idleExpiresAt: Date;
  readonly absoluteExpiresAt: Date;
}

export interface SessionTimeouts {
  readonly sessionIdleMs: number;
  readonly sessionAbsoluteMs: number;
}

/**
 * Opens a session: a fresh random token for the cookie (only its SHA-256 is stored) and a CSRF
 * token. Always a new one: a token the browser had before signing in is never promoted.
 */
export async function createSession(db: Queryable, accountId: string, now: Date, timeouts: SessionTimeouts): Promise<{ token: string; csrfToken: string; absoluteExpiresAt: Date; idleExpiresAt: Date }> {
  const token = randomToken();
  const csrfToken = randomBytes(32).toString('base64url');
  const absoluteExpiresAt = new Date(now.getTime() + timeouts.sessionAbsoluteMs);
  await db.query(
    'INSERT INTO portal_session (id, account_id, csrf_token, created_at, last_seen_at, absolute_expires_at) VALUES ($1, $2, $3, $4, $4, $5)',
    [tokenHash(token), accountId, csrfToken, now, absoluteExpiresAt],
  );
  return { token, csrfToken, absoluteExpiresAt, idleExpiresAt: idleEnd(now, absoluteExpiresAt, timeouts) };
}

/**
 * The session a cookie token names, if it is live: not revoked, used within the idle timeout, and
 * before its absolute end. A live session's idle clock restarts; an expired one is revoked.
 */
export async function resumeSession(db: Queryable, masterKey: Buffer, token: string, now: Date, timeouts: SessionTimeouts): Promise<PortalSession | undefined> {
  if (token.length === 0 || token.length > 100) return undefined;
  const id = tokenHash(token);
  const result = await db.query<{ account_id: string; csrf_token: string; created_at: Date; last_seen_at: Date; absolute_expires_at: Date }>(
    'SELECT account_id, csrf_token, created_at, last_seen_at, absolute_expires_at FROM portal_session WHERE id = $1 AND revoked_at IS NULL',
    [id],
  );
  const row = result.rows[0];
  if (!row) return undefined;
  if (now.getTime() >= row.absolute_expires_at.getTime() || now.getTime() - row.last_seen_at.getTime() >= timeouts.sessionIdleMs) {
    await db.query('UPDATE portal_session SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [id, now]);
    return undefined;
  }
  await db.query('UPDATE portal_session SET last_seen_at = greatest(last_seen_at, $2) WHERE id = $1', [id, now]);
  const account = await findAccount(db, masterKey, { id: row.account_id });
  if (!account) return undefined;
  return { account, csrfToken: row.csrf_token, createdAt: row.created_at, absoluteExpiresAt: row.absolute_expires_at, idleExpiresAt: idleEnd(now, row.absolute_expires_at, timeouts) };
}

/** Revokes the session a token names (logout, or a pre-login cookie at sign-in). */
export async function revokeSession(db: Queryable, token: string, now: Date): Promise<boolean> {
  const result = await db.query('UPDATE portal_session SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [tokenHash(token), now]);
  return (result.rowCount ?? 0) > 0;
}

/** Revokes every session of an account ("log out everywhere", password change); answers how many. */
export async function revokeAllSessions(db: Queryable, accountId: string, now: Date): Promise<number> {
  const result = await db.query('UPDATE portal_session SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL', [accountId, now]);
  return result.rowCount ?? 0;
}

function idleEnd(now: Date, absolute: Date, timeouts: SessionTimeouts): Date {
  return new Date(Math.min(now.getTime() + timeouts.sessionIdleMs, absolute.getTime()));
}
