import { verifyAssertion, type VerifiedAssertion, type VerifyAssertionOptions } from './assertion.js';
import type { ClientCertificateInfo, ClientCertificateVerifier, PeerCertificateInput } from './client-certificate.js';
import { AuthenticationError } from './errors.js';
import type { ReplayStore } from './replay-store.js';

/** A professional request authenticated by both factors. */
export interface AuthenticatedProfessional extends VerifiedAssertion {
  readonly certificate: ClientCertificateInfo;
}

export interface AuthenticationContext {
  readonly verifier: ClientCertificateVerifier;
  readonly replayStore: ReplayStore;
  readonly now?: Date;
  readonly assertionOptions?: VerifyAssertionOptions;
}

/**
 * Both checks of DESIGN §3 for one request: the TLS client certificate
 * (`socket.getPeerX509Certificate()`), then the assertion of the `Authorization` header, signed
 * with that certificate's key. Throws `AuthenticationError`.
 */
export async function authenticateProfessional(
  request: { readonly peerCertificate: PeerCertificateInput; readonly authorization: string | null | undefined },
  context: AuthenticationContext,
): Promise<AuthenticatedProfessional> {
  const now = context.now ?? new Date();
  const certificate = await context.verifier.verify(request.peerCertificate, now);
  const verified = await verifyAssertion(
    bearerToken(request.authorization),
    certificate,
    certificate.publicKey,
    context.replayStore,
    now,
    context.assertionOptions,
  );
  return { ...verified, certificate };
}

/** The token of an `Authorization: Bearer <token>` header; undefined when the header is absent. */
export function bearerToken(authorization: string | null | undefined): string | undefined {
  if (authorization === undefined || authorization === null || authorization.trim() === '') return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization.trim());
  if (!match) throw new AuthenticationError('assertion-malformed', 'the Authorization header must be "Bearer <assertion>"');
  return match[1];
}
