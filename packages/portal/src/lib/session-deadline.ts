import type { SessionInfo } from '../../../dmp/src/portal/api-contract.js';

/** How long before an idle session ends the portal asks whether to stay signed in. */
export const SESSION_WARNING_MS = 2 * 60_000;

/**
 * When a session ends, in this browser's clock: its idle time counted from the last answered
 * request, and never after its absolute end (12 hours after sign-in).
 */
export function sessionDeadline(session: Pick<SessionInfo, 'idleTimeoutSeconds' | 'absoluteExpiresAt'>, lastActivity: number): number {
  return Math.min(lastActivity + session.idleTimeoutSeconds * 1000, Date.parse(session.absoluteExpiresAt));
}
