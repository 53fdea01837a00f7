import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';
import { bearerToken, isAuthenticationError, verifyAssertion, type AuthenticationContext, type ClientCertificateInfo } from '../auth/index.js';
import type { HostServices, RequestContext } from '../context.js';
import { FhirError } from '../fhir/fhir-error.js';
import type { Authenticator } from './app.js';

/** How long a verified client certificate is trusted on an open connection before it is checked again. */
export const CONNECTION_RECHECK_MS = 10_000;

/**
 * The professional API's authentication (DESIGN.md §3): the TLS client certificate (CPS or
 * establishment, from the IGC-Santé) and the signed assertion of the `Authorization` header.
 * A refusal is audited (in the log's `_system` partition: nothing in an unverified request can be
 * trusted to name a patient) and answered 401 with an OperationOutcome.
 */
export function mutualTlsAuthenticator(services: HostServices, auth: AuthenticationContext): Authenticator {
  /**
   * A connection's client certificate does not change while it is open: it is verified on the
   * connection's first request and again every CONNECTION_RECHECK_MS (so a revocation or an expiry
   * reaches an open connection within that time; new connections see it at once).
   */
  const connections = new WeakMap<TLSSocket, { readonly info: ClientCertificateInfo; readonly until: number }>();
  const certificateOf = async (socket: TLSSocket): Promise<ClientCertificateInfo> => {
    const known = connections.get(socket);
    const now = Date.now();
    if (known && known.until > now) return known.info;
    const peer = typeof socket.getPeerX509Certificate === 'function' ? socket.getPeerX509Certificate() : undefined;
    const info = await auth.verifier.verify(peer, new Date(now));
    connections.set(socket, { info, until: now + CONNECTION_RECHECK_MS });
    return info;
  };
  return async (request: FastifyRequest, requestId: string): Promise<RequestContext> => {
    const socket = request.raw.socket as TLSSocket;
    try {
      const certificate = await certificateOf(socket);
      const verified = await verifyAssertion(bearerToken(request.headers.authorization), certificate, certificate.publicKey, auth.replayStore, new Date(), auth.assertionOptions);
      return {
        actor: verified.actor,
        mode: verified.mode,
        requestId,
        ...(verified.reason ? { reason: verified.reason } : {}),
        ...(verified.software ? { software: verified.software } : {}),
        ...(verified.patientIns ? { assertedPatient: verified.patientIns.value } : {}),
      };
    } catch (error) {
      if (!isAuthenticationError(error)) throw error;
      await services.audit.write({
        actor: { kind: 'system', id: 'unauthenticated' },
        action: 'auth.professional',
        outcome: 'denied',
        rule: error.code,
        requestId,
        details: { method: request.method, route: request.routeOptions.url ?? 'unknown' },
      });
      throw new FhirError(401, [{ severity: 'error', code: 'login', diagnostics: error.message, details: { text: error.code } }]);
    }
  };
}
