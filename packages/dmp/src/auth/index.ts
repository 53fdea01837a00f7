/** Professional authentication: mutual TLS client certificate plus a signed assertion per request (DESIGN §3). */
export {
  ASSERTION_ALGORITHMS,
  ASSERTION_CLOCK_SKEW_SECONDS,
  ASSERTION_MAX_LIFETIME_SECONDS,
  signAssertion,
  verifyAssertion,
  type AssertionAlgorithm,
  type AssertionClaims,
  type AssertionInput,
  type AssertionStructure,
  type SignAssertionOptions,
  type VerifiedAssertion,
  type VerifyAssertionOptions,
} from './assertion.js';
export { authenticateProfessional, bearerToken, type AuthenticatedProfessional, type AuthenticationContext } from './authenticate.js';
export { CERTIFICATE_POLICY, HEALTH_ATTRIBUTES_OID, TEST_IGC_SANTE_ARC } from './certificate-profile.js';
export {
  ClientCertificateVerifier,
  classifyCertificateUnchecked,
  loadClientCertificateVerifier,
  normalizeSerial,
  type ClientCertificateInfo,
  type ClientCertificateVerifierOptions,
  type CpsCertificateInfo,
  type EstablishmentCertificateInfo,
  type PeerCertificateInput,
} from './client-certificate.js';
export {
  AuthenticationError,
  isAuthenticationError,
  type AssertionErrorCode,
  type AuthenticationErrorCode,
  type CertificateErrorCode,
} from './errors.js';
export { InMemoryReplayStore, PostgresReplayStore, type PostgresReplayStoreOptions, type ReplayStore } from './replay-store.js';
