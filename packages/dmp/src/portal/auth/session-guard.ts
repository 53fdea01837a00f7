import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { decide, type Action, type Actor } from '../../access/index.js';
import type { HostServices, RequestContext } from '../../context.js';
import { recordAudit } from '../../records/audit-trail.js';
import { loadRecord, type StoredRecord } from '../../records/record-repository.js';
import type { PortalAccount } from './account-repository.js';
import { auditPortal } from './auth-audit.js';
import type { ResolvedAuthDeps } from './portal-auth-config.js';
import { languageFromHeader, PortalAuthError } from './portal-auth-error.js';
import { sessionTokenOf } from './session-cookie.js';
import { sameHash, tokenHash } from './secrets.js';
import { resumeSession, type PortalSession } from './sessions.js';

/** What `requirePatientSession` puts on the request. */
export interface PortalRequestState {
  readonly account: PortalAccount;
  /** The patient acting on their own record; `requireRecordAccess` gives the context for another record they may act on. */
  readonly ctx: RequestContext;
  readonly csrfToken: string;
  readonly session: PortalSession;
  /** The cookie's token (to revoke it at logout). */
  readonly token: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    portal?: PortalRequestState;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The preHandler of every signed-in portal route: a live session from the `dmp_session` cookie
 * (else 401 `session-required`), and on every non-GET request the `x-csrf-token` header equal to
 * the session's token (else 403 `csrf`, audited). Sets `request.portal`.
 */
export function patientSessionGuard(deps: ResolvedAuthDeps): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (request, reply) => {
    const token = sessionTokenOf(request);
    const session = token ? await resumeSession(deps.services.pool, deps.services.masterKey, token, deps.now(), deps.config) : undefined;
    const language = session?.account.language ?? languageFromHeader(request.headers['accept-language']);
    if (!token || !session) {
      await reply.code(401).send(new PortalAuthError('session-required').toPortalError(language));
      return;
    }
    if (!SAFE_METHODS.has(request.method)) {
      const header = request.headers['x-csrf-token'];
      const presented = typeof header === 'string' ? header : '';
      if (!sameHash(tokenHash(presented), tokenHash(session.csrfToken))) {
        await auditPortal(deps.services, { action: 'portal.csrf', outcome: 'denied', rule: 'csrf-token-mismatch', ins: session.account.ins, requestId: request.id, details: { ip: request.ip, method: request.method } });
        await reply.code(403).send(new PortalAuthError('csrf').toPortalError(language));
        return;
      }
    }
    request.portal = {
      account: session.account,
      ctx: { actor: { kind: 'patient', ins: session.account.ins }, mode: 'normal', requestId: request.id || randomUUID() },
      csrfToken: session.csrfToken,
      session,
      token,
    };
  };
}

/**
 * Decides, through the access module, whether the signed-in patient may take `action` on the
 * record `ins` named in the URL: their own record as the patient, a minor's as a legal
 * representative. A refusal is audited (in the record's history when it exists) and thrown as
 * 403 `forbidden`. Answers the record and the context to pass to the commands.
 *
 * @example
 * app.get('/api/records/:ins/summary', { preHandler: auth.requirePatientSession }, async (request) => {
 *   const { record, ctx } = await auth.requireRecordAccess(request, request.params.ins, 'document.search');
 * });
 */
export async function requireRecordAccess(
  services: HostServices,
  request: FastifyRequest,
  ins: string,
  action: Action = 'document.search',
): Promise<{ record: StoredRecord; ctx: RequestContext }> {
  const portal = request.portal;
  if (!portal) throw new PortalAuthError('session-required');
  const record = /^\d{13}(\d{2})?$|^[12]\d{4}[0-9AB]\d{8,10}$/.test(ins) ? await loadRecord(services.pool, ins) : undefined;
  const actor: Actor =
    ins !== portal.account.ins && record?.legalRepresentatives.has(portal.account.ins)
      ? { kind: 'legal-representative', representativeId: portal.account.ins }
      : { kind: 'patient', ins: portal.account.ins };
  const ctx: RequestContext = { ...portal.ctx, actor };
  const decision = decide(actor, action, record, { mode: 'normal' });
  if (!record || !decision.allowed) {
    const reason = decision.allowed ? 'no such record' : decision.reason;
    await recordAudit(services, ctx, { action, outcome: 'denied', rule: decision.rule, ...(record ? { ins } : {}), details: { reason, ...(record ? {} : { requestedIns: ins.slice(0, 20) }) } });
    throw new PortalAuthError('forbidden');
  }
  return { record, ctx };
}
