import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Action } from '../../access/index.js';
import type { RequestContext } from '../../context.js';
import { recordIdentity } from '../../identity/create-record.js';
import type { StoredRecord } from '../../records/record-repository.js';
import type { Language, LoginChallenge, SessionInfo, SignupResponse } from '../api-contract.js';
import { secondFactorOf } from './account-repository.js';
import { activateAccount, signUp } from './accounts.js';
import { auditPortal } from './auth-audit.js';
import { confirmPasswordReset, requestPasswordReset } from './password-reset.js';
import { DEFAULT_PORTAL_AUTH_CONFIG, type PortalAuthDeps, type ResolvedAuthDeps } from './portal-auth-config.js';
import { languageFromHeader, PortalAuthError } from './portal-auth-error.js';
import { clearSessionCookie, sessionTokenOf, setSessionCookie } from './session-cookie.js';
import { patientSessionGuard, requireRecordAccess } from './session-guard.js';
import { revokeAllSessions, revokeSession, type PortalSession } from './sessions.js';
import { completeLogin, startLogin, type CallerInfo } from './sign-in.js';
import { parseSignup, stringField } from './signup-input.js';
import { codeKey } from './secrets.js';
import { confirmTotp, startTotpEnrolment } from './totp-enrolment.js';

/** What `registerPortalAuth` gives the rest of the portal backend. */
export interface PortalAuth {
  /** preHandler for every signed-in route: session, CSRF on non-GET; sets `request.portal`. */
  readonly requirePatientSession: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** Access decision for the record named in the URL (refusals audited, 403 `forbidden`). */
  requireRecordAccess(request: FastifyRequest, ins: string, action?: Action): Promise<{ record: StoredRecord; ctx: RequestContext }>;
  /** Sends a PortalError in the request's language (for other portal routes' error handler). */
  sendError(request: FastifyRequest, reply: FastifyReply, error: PortalAuthError): FastifyReply;
  readonly deps: ResolvedAuthDeps;
}

/**
 * Registers the patient sign-in under `/api/auth/*` and `GET /api/session` (issue 3 item 2;
 * contract in `../api-contract.ts`) in an encapsulated scope of `app` with its own error handler
 * (PortalError JSON, French or English), and answers the guard the other portal routes use.
 *
 * Routes: `POST /api/auth/signup`, `/activate`, `/login`, `/otp`, `/logout`, `/logout-all`,
 * `/password-reset`, `/password-reset/confirm`, `/totp/setup`, `/totp/confirm`; `GET /api/session`;
 * `PUT /api/account/language`.
 *
 * @example
 * await app.register(portalSecurityHeaders);
 * const auth = await registerPortalAuth(app, { services, insi, dispatcher, config: { portalBaseUrl } });
 * app.get('/api/records/:ins/summary', { preHandler: auth.requirePatientSession }, async (request) => { ... });
 */
export async function registerPortalAuth(app: FastifyInstance, options: PortalAuthDeps): Promise<PortalAuth> {
  const config = { ...DEFAULT_PORTAL_AUTH_CONFIG, ...options.config };
  const deps: ResolvedAuthDeps = {
    services: options.services,
    insi: options.insi,
    kick: () => options.dispatcher?.kick(),
    now: options.now ?? (() => new Date()),
    config,
    codeKey: codeKey(options.services.masterKey),
  };
  const requirePatientSession = patientSessionGuard(deps);
  const language = (request: FastifyRequest): Language => request.portal?.account.language ?? languageFromHeader(request.headers['accept-language']);
  const caller = (request: FastifyRequest): CallerInfo => ({ ip: request.ip, requestId: request.id, language: language(request) });
  const sendError = (request: FastifyRequest, reply: FastifyReply, error: PortalAuthError): FastifyReply => reply.code(error.statusCode).send(error.toPortalError(language(request)));

  await app.register(async (scope) => {
    scope.setErrorHandler((error: FastifyError, request, reply) => {
      if (error instanceof PortalAuthError) return sendError(request, reply, error);
      if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
        return sendError(request, reply, new PortalAuthError(error.statusCode === 429 ? 'rate-limited' : 'invalid-request'));
      }
      request.log.error({ err: { name: error.name, message: error.message, stack: error.stack } }, 'portal auth failure');
      return reply.code(500).send({ code: 'internal', message: language(request) === 'en' ? 'An error occurred. Please try again later.' : 'Une erreur est survenue. Veuillez réessayer plus tard.' });
    });

    scope.post('/api/auth/signup', async (request, reply) => {
      const result: SignupResponse = await signUp(deps, parseSignup(request.body, language(request)), caller(request));
      return reply.code(201).send(result);
    });

    scope.post('/api/auth/activate', async (request, reply) => {
      const input = parseSignup(request.body, language(request));
      const activationCode = stringField(request.body, 'activationCode', language(request), 30);
      const result: SignupResponse = await activateAccount(deps, { ...input, activationCode }, caller(request));
      return reply.code(201).send(result);
    });

    scope.post('/api/auth/login', async (request) => {
      const lang = language(request);
      const challenge: LoginChallenge = await startLogin(deps, stringField(request.body, 'loginId', lang, 40), stringField(request.body, 'password', lang, 1_000), caller(request));
      return challenge;
    });

    scope.post('/api/auth/otp', async (request, reply) => {
      const lang = language(request);
      const signedIn = await completeLogin(deps, stringField(request.body, 'challengeId', lang, 40), stringField(request.body, 'code', lang, 10), sessionTokenOf(request), caller(request));
      setSessionCookie(reply, signedIn.token, config.sessionAbsoluteMs / 1000, config.secureCookie);
      const session: PortalSession = { account: signedIn.account, csrfToken: signedIn.csrfToken, createdAt: deps.now(), idleExpiresAt: signedIn.idleExpiresAt, absoluteExpiresAt: signedIn.absoluteExpiresAt };
      return sessionInfo(deps, session);
    });

    scope.get('/api/session', { preHandler: requirePatientSession }, async (request) => sessionInfo(deps, request.portal!.session));

    scope.post('/api/auth/logout', { preHandler: requirePatientSession }, async (request, reply) => {
      const portal = request.portal!;
      await revokeSession(deps.services.pool, portal.token, deps.now());
      await auditPortal(deps.services, { action: 'portal.logout', outcome: 'allowed', rule: 'patient-request', ins: portal.account.ins, requestId: request.id, details: { ip: request.ip } });
      clearSessionCookie(reply, config.secureCookie);
      return reply.code(204).send();
    });

    scope.post('/api/auth/logout-all', { preHandler: requirePatientSession }, async (request, reply) => {
      const portal = request.portal!;
      const revoked = await revokeAllSessions(deps.services.pool, portal.account.id, deps.now());
      await auditPortal(deps.services, { action: 'portal.logout-all', outcome: 'allowed', rule: 'patient-request', ins: portal.account.ins, requestId: request.id, details: { ip: request.ip, sessions: revoked } });
      clearSessionCookie(reply, config.secureCookie);
      return reply.code(204).send();
    });

    scope.post('/api/auth/password-reset', async (request, reply) => {
      await requestPasswordReset(deps, stringField(request.body, 'loginId', language(request), 40), caller(request));
      return reply.code(202).send({});
    });

    scope.post('/api/auth/password-reset/confirm', async (request, reply) => {
      const lang = language(request);
      await confirmPasswordReset(deps, stringField(request.body, 'token', lang, 100), stringField(request.body, 'password', lang, 1_000), caller(request));
      return reply.code(204).send();
    });

    // The language of the portal and of the messages the account receives (e-mails, SMS).
    scope.put('/api/account/language', { preHandler: requirePatientSession }, async (request, reply) => {
      const chosen = stringField(request.body, 'language', language(request), 5);
      if (chosen !== 'fr' && chosen !== 'en') throw PortalAuthError.invalidField('language', language(request));
      await deps.services.pool.query('UPDATE portal_account SET language = $2 WHERE id = $1', [request.portal!.account.id, chosen]);
      return reply.code(204).send();
    });

    scope.post('/api/auth/totp/setup', { preHandler: requirePatientSession }, async (request) => startTotpEnrolment(deps, request.portal!.account));

    scope.post('/api/auth/totp/confirm', { preHandler: requirePatientSession }, async (request, reply) => {
      await confirmTotp(deps, request.portal!.account.id, stringField(request.body, 'code', language(request), 10), request.id);
      return reply.code(204).send();
    });
  });

  return {
    requirePatientSession,
    requireRecordAccess: (request, ins, action) => requireRecordAccess(deps.services, request, ins, action),
    sendError,
    deps,
  };
}

/** The SessionInfo of a session: the account, and the records it may act on (its own, and minors it represents). */
async function sessionInfo(deps: ResolvedAuthDeps, session: PortalSession): Promise<SessionInfo> {
  const { account } = session;
  const rows = await deps.services.pool.query<{ ins: string; identity: Buffer; relation: 'self' | 'legal-representative' }>(
    `SELECT ins, identity, 'self' AS relation FROM patient_record WHERE ins = $1
     UNION ALL
     SELECT r.ins, r.identity, 'legal-representative' FROM legal_representative l JOIN patient_record r ON r.ins = l.ins WHERE l.representative_id = $1`,
    [account.ins],
  );
  const records = rows.rows.map((row) => {
    const identity = recordIdentity(deps.services, row.ins, row.identity);
    return { ins: row.ins, displayName: `${identity.givenNames[0] ?? ''} ${identity.usedName ?? identity.birthName}`.trim(), relation: row.relation };
  });
  return {
    csrfToken: session.csrfToken,
    account: {
      loginId: account.loginId,
      language: account.language,
      email: account.email,
      ...(account.phone ? { phone: account.phone } : {}),
      secondFactor: secondFactorOf(account),
    },
    records,
    idleExpiresAt: session.idleExpiresAt.toISOString(),
    absoluteExpiresAt: session.absoluteExpiresAt.toISOString(),
    idleTimeoutSeconds: Math.round(deps.config.sessionIdleMs / 1000),
  };
}
