import type { FastifyReply, FastifyRequest } from 'fastify';
import { MaternityError, type MaternityContext } from '../../context.js';
import { currentStaff, requireStaff } from '../staff-session.js';
import { bodyField } from './form-input.js';
import type { SignedIn } from './layout.js';

/** What the UI's routes share. */
export interface StaffUi {
  readonly ctx: MaternityContext;
  readonly secureCookies: boolean;
  /** Called after a change that may have queued work (the host nudges the outbox). */
  readonly afterChange: () => void;
}

/** The staff member of a page; a visitor who is not signed in is sent to `/connexion`. */
export async function pageStaff(ui: StaffUi, request: FastifyRequest): Promise<SignedIn> {
  const session = await currentStaff(ui.ctx, request);
  if (!session) throw new MaternityError('unauthenticated', 'Connectez-vous');
  return { member: session.member, csrfToken: session.csrfToken };
}

/** The staff member of a form submission, its CSRF token checked (`_csrf`). */
export async function changeStaff(ui: StaffUi, request: FastifyRequest): Promise<SignedIn> {
  const member = await requireStaff(ui.ctx, request, { changes: true });
  return { member, csrfToken: bodyField(request.body, '_csrf') ?? '' };
}

/**
 * Where to go after signing in: a path of this site only (`/sejours/…`), never another origin
 * (`//evil.example`, `/\evil.example`, `https://…`); anything else is the list of stays.
 */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || value.length > 300) return '/';
  if (!/^\/(?![/\\])[A-Za-z0-9/_.~?=&%-]*$/.test(value) || value.startsWith('/connexion') || value.startsWith('/deconnexion')) return '/';
  return value;
}

/** The pages a visitor may be sent back to once signed in (a form's POST returns to its page). */
const RETURNABLE = /^\/(?:$|\?|admissions\/nouvelle|sejours\/[0-9a-f-]{36}(?:\/(?:accouchement|cesarienne|sortie))?(?:\?correction=1)?$)/;

/** `/connexion?retour=…` for a request made without a session. */
export function signInLocation(request: FastifyRequest): string {
  const path = request.url;
  const back = RETURNABLE.test(path) && safeReturnPath(path) === path ? path : '/';
  return back === '/' ? '/connexion' : `/connexion?retour=${encodeURIComponent(back)}`;
}

/** 303 See Other: after a POST, the browser GETs the next page. */
export function seeOther(reply: FastifyReply, location: string): FastifyReply {
  return reply.redirect(location, 303);
}

/** A route parameter that must be an id (UUID); anything else is not found. */
export function idParam(value: string, what: string): string {
  if (!/^[0-9a-f-]{36}$/.test(value)) throw new MaternityError('not-found', `${what} inconnu(e)`);
  return value;
}
