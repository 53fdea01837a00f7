/**
 * Errors of professional authentication (mutual TLS certificate, then the signed assertion).
 * One class; `code` says what failed, `message` says it to a human.
 */

export type CertificateErrorCode =
  /** The TLS connection presented no client certificate. */
  | 'certificate-missing'
  /** What was presented does not parse as an X.509 certificate, or its IGC-Santé fields are unreadable. */
  | 'certificate-malformed'
  /** Not issued (and signed) by a trusted authority, or the authority itself is not valid now. */
  | 'certificate-untrusted'
  | 'certificate-expired'
  | 'certificate-not-yet-valid'
  | 'certificate-revoked'
  /** No valid, current CRL for the issuing authority: revocation cannot be checked (fail closed). */
  | 'certificate-revocation-unavailable'
  /** Not for client authentication (no clientAuth EKU, no digitalSignature, or an authority certificate). */
  | 'certificate-wrong-usage'
  /** Trusted, but neither a CPS nor an establishment certificate (e.g. a server certificate). */
  | 'certificate-unsupported';

export type AssertionErrorCode =
  /** No `Authorization: Bearer` assertion. */
  | 'assertion-missing'
  /** Not a compact JWS, bad JSON, a claim missing or of the wrong shape. */
  | 'assertion-malformed'
  /** `alg` is not RS256/ES256 (e.g. `none`, HS256) or does not fit the certificate's key. */
  | 'assertion-algorithm-refused'
  /** The signature does not verify with the TLS client certificate's public key. */
  | 'assertion-bad-signature'
  /** The `x5c` header names another certificate than the TLS client certificate. */
  | 'assertion-certificate-mismatch'
  | 'assertion-expired'
  /** `iat` (or `nbf`) is in the future beyond the allowed clock skew. */
  | 'assertion-not-yet-valid'
  /** `exp` − `iat` is more than 5 minutes. */
  | 'assertion-lifetime-too-long'
  /** This `jti` was already used. */
  | 'assertion-replayed'
  /** With a CPS certificate, `sub` is not the certificate holder's national id. */
  | 'assertion-subject-mismatch'
  /** With a CPS certificate carrying a profession (or specialty), the assertion claims another one. */
  | 'assertion-profession-mismatch'
  /** With an establishment certificate, `structure` is not the certificate's structure (id or facility type). */
  | 'assertion-structure-mismatch'
  /** `bris_de_glace` or `centre_15` without a `reason`. */
  | 'assertion-reason-missing'
  /** `mode` is not one of TRE_R248 (`normal`, `bris_de_glace`, `centre_15`). */
  | 'assertion-mode-invalid'
  /** `patient` is not a valid INS token (`system|value`). */
  | 'assertion-patient-invalid';

export type AuthenticationErrorCode = CertificateErrorCode | AssertionErrorCode;

export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError';

  constructor(
    readonly code: AuthenticationErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isAuthenticationError(error: unknown): error is AuthenticationError {
  return error instanceof AuthenticationError;
}
