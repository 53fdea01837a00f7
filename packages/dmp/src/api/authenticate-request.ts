import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';
import { authenticateProfessional, isAuthenticationError, type AuthenticationContext } from '../auth/index.js';
import type { HostServices, RequestContext } from '../context.js';
import { FhirError } from '../fhir/fhir-error.js';
import type { Authenticator } from './app.js';

/**
 * The professional API's authentication (DESIGN.md §3): the TLS client certificate (CPS or
 * establishment, from the IGC-Santé) and the signed assertion of the `Authorization` header.
 * A refusal is audited (in the log's `_system` partition: nothing in an unverified request can be
 * trusted to name a patient) and answered 401 with an OperationOutcome.
 */
export function mutualTlsAuthenticator(services: HostServices, auth: AuthenticationContext): Authenticator {
  return async (request: FastifyRequest, requestId: string): Promise<RequestContext> => {
    const socket = request.raw.socket as TLSSocket;
    const peerCertificate = typeof socket.getPeerX509Certificate === 'function' ? socket.getPeerX509Certificate() : undefined;
    try {
      const verified = await authenticateProfessional({ peerCertificate, authorization: request.headers.authorization }, auth);
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
