import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type pg from 'pg';
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { MaternityError, type MaternityContext, type StaffMember } from '../context.js';
import { recordStaffEvent } from '../records/staff-events.js';

/** argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane). */
const ARGON2 = { algorithm: 2 as Algorithm, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
/** Failed sign-ins before the account locks, and for how long. */
export const MAX_FAILED_SIGN_INS = 5;
export const LOCK_MINUTES = 15;
/** Sign-in attempts allowed from one client address in a window, whatever the logins tried. */
export const SIGN_IN_RATE = { max: 60, windowMs: 15 * 60_000 } as const;
/** A staff session lasts a working shift at most. */
export const SESSION_HOURS = 12;

interface StaffRow {
  id: string;
  login: string;
  password_hash: string;
  rpps: string;
  given_name: string;
  family_name: string;
  profession: string;
  specialty: string | null;
  role_label: string;
  failed_attempts: number;
  locked_until: Date | null;
}

function memberOf(row: StaffRow): StaffMember {
  return {
    id: row.id,
    login: row.login,
    rpps: row.rpps,
    nationalId: `8${row.rpps}`,
    givenName: row.given_name,
    familyName: row.family_name,
    profession: row.profession,
    ...(row.specialty ? { specialty: row.specialty } : {}),
    roleLabel: row.role_label,
  };
}

/** A professional to give a staff account. */
export interface NewStaffMember {
  readonly login: string;
  readonly password: string;
  readonly rpps: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly profession: string;
  readonly specialty?: string;
  readonly roleLabel: string;
}

/** Creates a staff account, or updates the one with this login (the demo runs this at each start). */
export async function upsertStaffMember(db: pg.Pool, member: NewStaffMember): Promise<StaffMember> {
  if (member.password.length < 12) throw new MaternityError('invalid', 'Le mot de passe a au moins 12 caractères');
  if (!/^\d{11}$/.test(member.rpps)) throw new MaternityError('invalid', 'Le RPPS a 11 chiffres');
  const passwordHash = await hash(member.password, ARGON2);
  const { rows } = await db.query<StaffRow>(
    `INSERT INTO staff (id, login, password_hash, rpps, given_name, family_name, profession, specialty, role_label)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (login) DO UPDATE SET password_hash = EXCLUDED.password_hash, given_name = EXCLUDED.given_name, family_name = EXCLUDED.family_name,
       profession = EXCLUDED.profession, specialty = EXCLUDED.specialty, role_label = EXCLUDED.role_label
     RETURNING *`,
    [randomUUID(), member.login, passwordHash, member.rpps, member.givenName, member.familyName, member.profession, member.specialty ?? null, member.roleLabel],
  );
  return memberOf(rows[0]!);
}

/** The staff member with this id. */
export async function loadStaffMember(db: pg.Pool | pg.PoolClient, id: string): Promise<StaffMember | undefined> {
  const { rows } = await db.query<StaffRow>('SELECT * FROM staff WHERE id = $1', [id]);
  return rows[0] ? memberOf(rows[0]) : undefined;
}

/** All staff members (for the choice of an anaesthetist or an assistant). */
export async function listStaff(db: pg.Pool): Promise<StaffMember[]> {
  const { rows } = await db.query<StaffRow>('SELECT * FROM staff ORDER BY family_name, given_name');
  return rows.map(memberOf);
}

let dummyHash: Promise<string> | undefined;

/**
 * Checks a login and password. Five failures lock the account for 15 minutes; the answer is the
 * same whether the login exists or not, and takes as long.
 */
export async function signIn(ctx: MaternityContext, login: string, password: string, from?: string): Promise<{ member: StaffMember; token: string; csrfToken: string; expiresAt: Date }> {
  const refused = new MaternityError('unauthenticated', 'Identifiant ou mot de passe incorrect');
  if (from !== undefined) await countAttempt(ctx, `sign-in:${from}`);
  const { rows } = await ctx.pool.query<StaffRow>('SELECT * FROM staff WHERE login = $1', [login.trim().slice(0, 100)]);
  const row = rows[0];
  if (!row) {
    dummyHash ??= hash('timing equaliser password', ARGON2);
    await verify(await dummyHash, password).catch(() => false);
    await recordStaffEvent(ctx.pool, undefined, 'sign-in', undefined, 'refused', 'unknown login');
    throw refused;
  }
  const now = ctx.now();
  if (row.locked_until && row.locked_until > now) {
    await recordStaffEvent(ctx.pool, { id: row.id }, 'sign-in', undefined, 'refused', 'locked');
    throw new MaternityError('locked', `Compte verrouillé après ${MAX_FAILED_SIGN_INS} échecs: réessayez dans ${LOCK_MINUTES} minutes`);
  }
  const ok = await verify(row.password_hash, password.slice(0, 1024)).catch(() => false);
  if (!ok) {
    const failures = row.failed_attempts + 1;
    const lock = failures >= MAX_FAILED_SIGN_INS ? new Date(now.getTime() + LOCK_MINUTES * 60_000) : null;
    await ctx.pool.query('UPDATE staff SET failed_attempts = $2, locked_until = $3 WHERE id = $1', [row.id, lock ? 0 : failures, lock]);
    await recordStaffEvent(ctx.pool, { id: row.id }, 'sign-in', undefined, 'refused', lock ? 'locked now' : 'bad password');
    if (lock) throw new MaternityError('locked', `Compte verrouillé après ${MAX_FAILED_SIGN_INS} échecs: réessayez dans ${LOCK_MINUTES} minutes`);
    throw refused;
  }
  await ctx.pool.query('UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE id = $1', [row.id]);
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000);
  await ctx.pool.query('INSERT INTO staff_session (token_hash, staff_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)', [tokenHash(token), row.id, csrfToken, now, expiresAt]);
  await recordStaffEvent(ctx.pool, { id: row.id }, 'sign-in', undefined, 'ok');
  return { member: memberOf(row), token, csrfToken, expiresAt };
}

/**
 * Counts a sign-in attempt from a client address in a fixed window (in PostgreSQL, so every process
 * counts together); past the limit, refused without looking at the password.
 */
async function countAttempt(ctx: MaternityContext, key: string): Promise<void> {
  const now = ctx.now().getTime();
  const windowStart = new Date(Math.floor(now / SIGN_IN_RATE.windowMs) * SIGN_IN_RATE.windowMs);
  const { rows } = await ctx.pool.query<{ hits: number }>(
    `INSERT INTO staff_rate_limit (key, window_start, hits) VALUES ($1, $2, 1)
     ON CONFLICT (key, window_start) DO UPDATE SET hits = staff_rate_limit.hits + 1 RETURNING hits`,
    [key, windowStart],
  );
  await ctx.pool.query('DELETE FROM staff_rate_limit WHERE window_start < $1', [new Date(windowStart.getTime() - SIGN_IN_RATE.windowMs)]);
  if ((rows[0]?.hits ?? 0) > SIGN_IN_RATE.max) {
    await recordStaffEvent(ctx.pool, undefined, 'sign-in', undefined, 'refused', 'rate limited');
    throw new MaternityError('rate-limited', 'Trop de tentatives de connexion depuis ce poste : réessayez dans quelques minutes');
  }
}

function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** The session of a token: its staff member and CSRF token, if valid. */
export async function sessionOf(ctx: MaternityContext, token: string): Promise<{ member: StaffMember; csrfToken: string } | undefined> {
  const { rows } = await ctx.pool.query<StaffRow & { csrf_token: string }>(
    'SELECT s.*, ss.csrf_token FROM staff_session ss JOIN staff s ON s.id = ss.staff_id WHERE ss.token_hash = $1 AND ss.expires_at > $2',
    [tokenHash(token), ctx.now()],
  );
  return rows[0] ? { member: memberOf(rows[0]), csrfToken: rows[0].csrf_token } : undefined;
}

/** Ends a session. */
export async function signOut(ctx: MaternityContext, token: string): Promise<void> {
  await ctx.pool.query('DELETE FROM staff_session WHERE token_hash = $1', [tokenHash(token)]);
}

/** Constant-time comparison of a submitted CSRF token with the session's. */
export function csrfMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
