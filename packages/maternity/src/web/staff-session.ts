import type { FastifyReply, FastifyRequest } from 'fastify';
import { MaternityError, type MaternityContext, type StaffMember } from '../context.js';
import { csrfMatches, sessionOf } from '../staff/staff-accounts.js';

/** The staff UI's session cookie. */
export const STAFF_COOKIE = 'maternite_session';

/** The session token of a request: the cookie (staff UI) or `Authorization: Bearer` (JSON API). */
export function sessionToken(request: FastifyRequest): { token: string; via: 'cookie' | 'bearer' } | undefined {
  const auth = request.headers.authorization;
  if (auth?.startsWith('Bearer ')) {
    const token = auth.slice(7).trim();
    return /^[A-Za-z0-9_-]{20,100}$/.test(token) ? { token, via: 'bearer' } : undefined;
  }
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === STAFF_COOKIE) {
      const token = part.slice(index + 1).trim();
      return /^[A-Za-z0-9_-]{20,100}$/.test(token) ? { token, via: 'cookie' } : undefined;
    }
  }
  return undefined;
}

/** The signed-in staff member and the session's CSRF token, or undefined. */
export async function currentStaff(ctx: MaternityContext, request: FastifyRequest): Promise<{ member: StaffMember; csrfToken: string; via: 'cookie' | 'bearer' } | undefined> {
  const found = sessionToken(request);
  if (!found) return undefined;
  const session = await sessionOf(ctx, found.token);
  return session ? { ...session, via: found.via } : undefined;
}

/**
 * The staff member a state-changing request acts as. A cookie session must also carry its CSRF
 * token (form field `_csrf` or header `x-csrf-token`); a bearer token is not sent by browsers on
 * their own, so it needs none.
 */
export async function requireStaff(ctx: MaternityContext, request: FastifyRequest, options: { changes?: boolean } = {}): Promise<StaffMember> {
  const session = await currentStaff(ctx, request);
  if (!session) throw new MaternityError('unauthenticated', 'Connectez-vous');
  if (options.changes && session.via === 'cookie') {
    const body = request.body as Record<string, unknown> | undefined;
    const given = typeof body?._csrf === 'string' ? body._csrf : typeof request.headers['x-csrf-token'] === 'string' ? request.headers['x-csrf-token'] : undefined;
    if (!csrfMatches(session.csrfToken, given)) throw new MaternityError('forbidden', 'Formulaire expiré: rechargez la page');
  }
  return session.member;
}

/** Sets the session cookie: HttpOnly, SameSite=Strict, Path=/. */
export function setStaffCookie(reply: FastifyReply, token: string, maxAgeSeconds: number, secure: boolean): void {
  reply.header('set-cookie', `${STAFF_COOKIE}=${token}; Path=/; HttpOnly;${secure ? ' Secure;' : ''} SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`);
}

export function clearStaffCookie(reply: FastifyReply, secure: boolean): void {
  reply.header('set-cookie', `${STAFF_COOKIE}=; Path=/; HttpOnly;${secure ? ' Secure;' : ''} SameSite=Strict; Max-Age=0`);
}
