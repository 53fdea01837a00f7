import { X509Certificate as NodeX509Certificate, createHash, createPrivateKey, createPublicKey, randomUUID, verify as verifySignature, type KeyObject } from 'node:crypto';
import { parseInsToken, type Ins } from '@dmp/core';
import type { AccessMode, Actor, ProfessionalIdentity, StructureIdentity } from '../access/types.js';
import { classifyCertificateUnchecked, type ClientCertificateInfo } from './client-certificate.js';
import { AuthenticationError } from './errors.js';
import type { ReplayStore } from './replay-store.js';

/**
 * The professional assertion (the role of the DMP's VIHF): a compact JWS carried in
 * `Authorization: Bearer`, signed with the private key of the TLS client certificate.
 *
 * Header: `alg` RS256 or ES256 (nothing else is accepted), `typ` "JWT", `x5c` optional (when
 * present, its first certificate must be the TLS client certificate).
 *
 * Claims:
 * - `sub`          acting professional's national id (idNat_PS): `8` + RPPS (or `0` + ADELI)
 * - `profession`   TRE_G15 code (`10`, `21`, `50`, `60`, ...) or J48 code
 * - `specialty`    J01 code, e.g. `G15_10/SM26` (optional; when it is a G15 code it must belong to `profession`)
 * - `structure`    `{ id: idNat_Struct, facilityType?: J02 code, name? }` the structure the professional acts for
 * - `practice_setting` optional, the setting of the activity (J04-style code, e.g. `SAMU_SMUR` for the
 *                  regulating doctor of the centre 15)
 * - `given_name`, `family_name`
 * - `patient`      the patient's INS as a FHIR token `system|value`, system the INS OID as
 *                  `urn:oid:1.2.250.1.213.1.4.8` (or the bare OID), e.g. `urn:oid:1.2.250.1.213.1.4.8|295109912611193`
 * - `mode`         TRE_R248: `normal`, `bris_de_glace`, `centre_15`
 * - `reason`       free text, required in `bris_de_glace` and `centre_15`
 * - `iat`, `exp`   NumericDate (seconds); `exp` − `iat` at most 300 s
 * - `jti`          single-use id, 16 to 128 characters of `[A-Za-z0-9._:-]` (a UUID is fine)
 * - `software`     optional, name/version of the sending software
 */

export const ASSERTION_ALGORITHMS = ['ES256', 'RS256'] as const;
export type AssertionAlgorithm = (typeof ASSERTION_ALGORITHMS)[number];
/** Longest allowed lifetime (`exp` − `iat`), seconds. */
export const ASSERTION_MAX_LIFETIME_SECONDS = 300;
/** Default clock skew tolerated between the signer and the host, seconds. */
export const ASSERTION_CLOCK_SKEW_SECONDS = 30;
/** Longest accepted compact JWS, characters. */
const MAX_JWT_LENGTH = 16_384;
const ACCESS_MODES: readonly AccessMode[] = ['normal', 'bris_de_glace', 'centre_15'];

export interface AssertionStructure {
  /** idNat_Struct, e.g. `1` + FINESS. */
  readonly id: string;
  /** J02 code. */
  readonly facilityType?: string;
  readonly name?: string;
}

/** The claims of an assertion as they travel. */
export interface AssertionClaims {
  readonly sub: string;
  readonly profession: string;
  readonly specialty?: string;
  readonly structure?: AssertionStructure;
  readonly practice_setting?: string;
  readonly given_name?: string;
  readonly family_name?: string;
  readonly patient?: string;
  readonly mode: AccessMode;
  readonly reason?: string;
  readonly iat: number;
  readonly exp: number;
  readonly jti: string;
  readonly software?: string;
}

/**
 * What `signAssertion` takes: the claims, where `iat`, `exp`, `jti` and `mode` (`normal`) have
 * defaults, and where a CPS certificate supplies `sub`, `profession`, `specialty`, names and
 * structure, an establishment certificate the `structure`.
 */
export type AssertionInput = Partial<AssertionClaims>;

export interface SignAssertionOptions {
  /** Clock for `iat`. Default: now. */
  readonly now?: Date;
  /** `exp` − `iat` when `exp` is not given; default 120, at most 300. */
  readonly lifetimeSeconds?: number;
  /** Put the certificate in the `x5c` header. Default false. */
  readonly includeCertificate?: boolean;
}

/**
 * Signs an assertion with the private key of a client certificate (ES256 for an EC P-256 key,
 * RS256 for an RSA key). Checks the claims as the host will (shape, lifetime, reason, and the
 * subject/structure against the certificate), so a bad assertion fails here rather than at the host.
 */
export async function signAssertion(keyPem: string, certPem: string, claims: AssertionInput, options: SignAssertionOptions = {}): Promise<string> {
  const privateKey = createPrivateKey(keyPem);
  const certificate = new NodeX509Certificate(certPem);
  const algorithm = algorithmForKey(createPublicKey(privateKey));
  if (!algorithm) throw new RangeError('the key must be EC P-256 (ES256) or RSA of at least 2048 bits (RS256)');
  const keySpki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  if (!keySpki.equals(certificate.publicKey.export({ type: 'spki', format: 'der' }))) {
    throw new RangeError('the private key is not the certificate\'s key');
  }
  const info = classifyCertificateUnchecked(certificate);
  const iat = claims.iat ?? Math.floor((options.now ?? new Date()).getTime() / 1000);
  const lifetime = options.lifetimeSeconds ?? 120;
  if (!(lifetime > 0 && lifetime <= ASSERTION_MAX_LIFETIME_SECONDS)) {
    throw new RangeError(`an assertion lives at most ${ASSERTION_MAX_LIFETIME_SECONDS} seconds`);
  }
  const defaults = info.kind === 'cps'
    ? {
        sub: info.nationalId,
        ...(info.profession !== undefined ? { profession: info.profession } : {}),
        ...(info.specialty !== undefined ? { specialty: info.specialty } : {}),
        ...(info.givenName !== undefined ? { given_name: info.givenName } : {}),
        ...(info.familyName !== undefined ? { family_name: info.familyName } : {}),
        ...(info.structure ? { structure: structureClaim(info.structure) } : {}),
      }
    : { structure: structureClaim({ nationalId: info.structureId, name: info.name, ...(info.facilityType !== undefined ? { facilityType: info.facilityType } : {}) }) };
  const given = Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
  const payload = { ...defaults, mode: 'normal', jti: randomUUID(), iat, exp: iat + lifetime, ...given };
  const parsed = parseClaims(payload);
  checkLifetime(parsed, ASSERTION_MAX_LIFETIME_SECONDS);
  checkAgainstCertificate(parsed, info);
  const header = {
    alg: algorithm,
    typ: 'JWT',
    ...(options.includeCertificate ? { x5c: [certificate.raw.toString('base64')] } : {}),
  };
  // jose is loaded by whoever signs (CLI, tests, clients), not by the host, which only verifies
  const { CompactSign } = await import('jose');
  return new CompactSign(new TextEncoder().encode(JSON.stringify(parsed))).setProtectedHeader(header).sign(privateKey);
}

/** The result of a verified assertion. */
export interface VerifiedAssertion {
  readonly actor: Extract<Actor, { kind: 'professional' }>;
  readonly mode: AccessMode;
  readonly reason?: string;
  /** The patient named by the assertion, parsed and checked (NIR key). */
  readonly patientIns?: Ins;
  readonly jti: string;
  readonly software?: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  readonly claims: AssertionClaims;
}

export interface VerifyAssertionOptions {
  readonly clockSkewSeconds?: number;
  readonly maxLifetimeSeconds?: number;
}

/**
 * Verifies an assertion against the TLS client certificate it came with (already verified by
 * `ClientCertificateVerifier`) and claims its `jti`. Throws `AuthenticationError` with an
 * `assertion-*` code when it must be refused.
 *
 * Order: presence and shape, algorithm allow-list, `x5c`, signature (nothing in the claims is
 * trusted before this), claims, time, certificate consistency, mode and reason, patient, and
 * last the single-use `jti` (so a refused assertion does not burn its id).
 */
export async function verifyAssertion(
  jwt: string | null | undefined,
  certificate: ClientCertificateInfo,
  publicKey: KeyObject,
  replayStore: ReplayStore,
  now: Date = new Date(),
  options: VerifyAssertionOptions = {},
): Promise<VerifiedAssertion> {
  if (jwt === undefined || jwt === null || jwt.trim() === '') {
    throw new AuthenticationError('assertion-missing', 'every request must carry a signed assertion in "Authorization: Bearer <jwt>"');
  }
  const token = jwt.trim();
  if (token.length > MAX_JWT_LENGTH || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) {
    throw new AuthenticationError('assertion-malformed', 'the assertion is not a compact JWS (header.payload.signature)');
  }
  const [encodedHeader, encodedPayload, encodedSignature] = token.split('.') as [string, string, string];
  let header: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(encodedHeader, 'base64url')));
    if (!isRecord(parsed)) throw new TypeError('not an object');
    header = parsed;
  } catch (error) {
    throw new AuthenticationError('assertion-malformed', 'the assertion header is not valid base64url JSON', { cause: error });
  }
  const alg = header.alg;
  if (!isAllowedAlgorithm(alg)) {
    throw new AuthenticationError('assertion-algorithm-refused', `assertion algorithm ${JSON.stringify(alg ?? null)} is refused: only ${ASSERTION_ALGORITHMS.join(' and ')} are accepted`);
  }
  const keyAlgorithm = algorithmForKey(publicKey);
  if (keyAlgorithm !== alg) {
    throw new AuthenticationError('assertion-algorithm-refused', `assertion algorithm ${alg} does not fit the client certificate's key (${keyAlgorithm ?? 'unsupported key'})`);
  }
  // Extensions of JWS that change what is signed or must be understood (RFC 7515 §4.1.11, RFC 7797) are not supported.
  if (header.crit !== undefined || header.b64 !== undefined) {
    throw new AuthenticationError('assertion-malformed', 'the assertion header uses JWS extensions (crit, b64) this host does not support');
  }
  if (header.x5c !== undefined) {
    const [first] = Array.isArray(header.x5c) ? (header.x5c as unknown[]) : [];
    const fingerprint = typeof first === 'string' ? createHash('sha256').update(Buffer.from(first, 'base64')).digest('hex') : undefined;
    if (fingerprint !== certificate.fingerprint256) {
      throw new AuthenticationError('assertion-certificate-mismatch', 'the assertion\'s x5c certificate is not the TLS client certificate');
    }
  }

  // The signature over "header.payload" (RFC 7515 §5.2): ES256 as the 64-byte r || s, RS256 as PKCS #1 v1.5.
  const signature = Buffer.from(encodedSignature, 'base64url');
  let valid = false;
  if (alg === 'RS256' || signature.length === 64) {
    try {
      valid = verifySignature('sha256', Buffer.from(`${encodedHeader}.${encodedPayload}`, 'ascii'), alg === 'ES256' ? { key: publicKey, dsaEncoding: 'ieee-p1363' } : publicKey, signature);
    } catch {
      valid = false;
    }
  }
  if (!valid) {
    throw new AuthenticationError('assertion-bad-signature', 'the assertion\'s signature does not verify with the TLS client certificate\'s key');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(encodedPayload, 'base64url')));
  } catch (error) {
    throw new AuthenticationError('assertion-malformed', 'the assertion payload is not JSON', { cause: error });
  }

  const claims = parseClaims(payload);
  const skew = options.clockSkewSeconds ?? ASSERTION_CLOCK_SKEW_SECONDS;
  checkLifetime(claims, options.maxLifetimeSeconds ?? ASSERTION_MAX_LIFETIME_SECONDS);
  const nowSeconds = now.getTime() / 1000;
  if (claims.iat > nowSeconds + skew) {
    throw new AuthenticationError('assertion-not-yet-valid', `the assertion is issued in the future (iat ${new Date(claims.iat * 1000).toISOString()})`);
  }
  const nbf = isRecord(payload) ? payload.nbf : undefined;
  if (typeof nbf === 'number' && nbf > nowSeconds + skew) {
    throw new AuthenticationError('assertion-not-yet-valid', `the assertion is not valid before ${new Date(nbf * 1000).toISOString()}`);
  }
  if (claims.exp + skew <= nowSeconds) {
    throw new AuthenticationError('assertion-expired', `the assertion expired at ${new Date(claims.exp * 1000).toISOString()}`);
  }
  const actor = checkAgainstCertificate(claims, certificate);
  const patientIns = claims.patient === undefined ? undefined : parsePatient(claims.patient);

  const expiresAt = new Date((claims.exp + skew) * 1000);
  if (!(await replayStore.claim(claims.jti, expiresAt))) {
    throw new AuthenticationError('assertion-replayed', `the assertion ${claims.jti} was already used: sign a new assertion (new jti) for every request`);
  }
  return {
    actor,
    mode: claims.mode,
    ...(claims.reason !== undefined ? { reason: claims.reason } : {}),
    ...(patientIns ? { patientIns } : {}),
    jti: claims.jti,
    ...(claims.software !== undefined ? { software: claims.software } : {}),
    issuedAt: new Date(claims.iat * 1000),
    expiresAt: new Date(claims.exp * 1000),
    claims,
  };
}

// --- internals -------------------------------------------------------------------------------

function isAllowedAlgorithm(alg: unknown): alg is AssertionAlgorithm {
  return typeof alg === 'string' && (ASSERTION_ALGORITHMS as readonly string[]).includes(alg);
}

function algorithmForKey(key: KeyObject): AssertionAlgorithm | undefined {
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  if (key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048) return 'RS256';
  return undefined;
}

function structureClaim(structure: StructureIdentity): AssertionStructure {
  return {
    id: structure.nationalId,
    ...(structure.facilityType !== undefined ? { facilityType: structure.facilityType } : {}),
    ...(structure.name !== undefined ? { name: structure.name } : {}),
  };
}

function malformed(message: string): AuthenticationError {
  return new AuthenticationError('assertion-malformed', message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requiredString(source: Record<string, unknown>, name: string, pattern: RegExp, hint: string): string {
  const value = source[name];
  if (value === undefined || value === null) throw malformed(`the assertion has no ${name} (${hint})`);
  if (typeof value !== 'string' || !pattern.test(value)) throw malformed(`the assertion's ${name} is not ${hint}`);
  return value;
}

function optionalString(source: Record<string, unknown>, name: string, pattern: RegExp, hint: string): string | undefined {
  const value = source[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !pattern.test(value)) throw malformed(`the assertion's ${name} is not ${hint}`);
  return value;
}

const CODE = /^[A-Za-z0-9_]{1,16}$/;
const SPECIALTY = /^[A-Za-z0-9_./-]{1,32}$/;
const TEXT = /^[^\u0000-\u001f]{1,200}$/;
const STRUCTURE_ID = /^[0-9][0-9A-Za-z]{1,30}$/;
const NATIONAL_ID_PS = /^(8[0-9]{11}|0([0-9]{2}|2[AB])[0-9]{7})$/;
const JTI = /^[A-Za-z0-9._:-]{16,128}$/;

/** Checks the claims' shape and the emergency reason; times are checked by the caller. */
function parseClaims(payload: unknown): AssertionClaims {
  if (!isRecord(payload)) throw malformed('the assertion payload is not a JSON object');
  const sub = requiredString(payload, 'sub', NATIONAL_ID_PS, 'a professional national id (8 + RPPS, or 0 + ADELI)');
  const profession = requiredString(payload, 'profession', CODE, 'a TRE_G15 (or J48) profession code');
  const specialty = optionalString(payload, 'specialty', SPECIALTY, 'a J01 code (e.g. G15_10/SM26)');
  const g15 = specialty === undefined ? null : /^G15_([^/]+)/.exec(specialty);
  if (g15 && g15[1] !== profession) throw malformed(`the specialty ${specialty} does not belong to profession ${profession}`);
  let structure: AssertionStructure | undefined;
  const rawStructure = payload.structure;
  if (rawStructure !== undefined && rawStructure !== null) {
    if (!isRecord(rawStructure)) throw malformed('the assertion\'s structure is not an object { id, facilityType?, name? }');
    const id = requiredString(rawStructure, 'id', STRUCTURE_ID, 'a structure national id (idNat_Struct, e.g. 1 + FINESS)');
    const facilityType = optionalString(rawStructure, 'facilityType', CODE, 'a J02 facility type code');
    const name = optionalString(rawStructure, 'name', TEXT, 'a name of at most 200 characters');
    structure = { id, ...(facilityType !== undefined ? { facilityType } : {}), ...(name !== undefined ? { name } : {}) };
  }
  const practiceSetting = optionalString(payload, 'practice_setting', /^[A-Za-z0-9_.-]{1,32}$/, 'a practice setting code (e.g. SAMU_SMUR)');
  const givenName = optionalString(payload, 'given_name', TEXT, 'a name of at most 200 characters');
  const familyName = optionalString(payload, 'family_name', TEXT, 'a name of at most 200 characters');
  const patient = optionalString(payload, 'patient', /^[^\s]{1,100}$/, 'an INS token system|value');
  const mode = payload.mode;
  if (mode === undefined || mode === null) throw malformed('the assertion has no mode (normal, bris_de_glace or centre_15)');
  if (typeof mode !== 'string' || !(ACCESS_MODES as readonly string[]).includes(mode)) {
    throw new AuthenticationError('assertion-mode-invalid', `access mode ${JSON.stringify(mode)} is not one of ${ACCESS_MODES.join(', ')} (TRE_R248)`);
  }
  const accessMode = mode as AccessMode;
  const rawReason = payload.reason;
  if (rawReason !== undefined && rawReason !== null && (typeof rawReason !== 'string' || rawReason.length > 2000)) {
    throw malformed('the assertion\'s reason is not a text of at most 2000 characters');
  }
  const reason = typeof rawReason === 'string' && rawReason.trim() !== '' ? rawReason.trim() : undefined;
  if (accessMode !== 'normal' && reason === undefined) {
    throw new AuthenticationError('assertion-reason-missing', `access in mode ${accessMode} must state its reason (claim "reason")`);
  }
  const iat = payload.iat;
  const exp = payload.exp;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw malformed('the assertion has no numeric iat (issued at, seconds)');
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw malformed('the assertion has no numeric exp (expiry, seconds)');
  const jti = requiredString(payload, 'jti', JTI, 'a single-use id of 16 to 128 characters [A-Za-z0-9._:-]');
  const software = optionalString(payload, 'software', TEXT, 'a text of at most 200 characters');
  return {
    sub,
    profession,
    ...(specialty !== undefined ? { specialty } : {}),
    ...(structure ? { structure } : {}),
    ...(practiceSetting !== undefined ? { practice_setting: practiceSetting } : {}),
    ...(givenName !== undefined ? { given_name: givenName } : {}),
    ...(familyName !== undefined ? { family_name: familyName } : {}),
    ...(patient !== undefined ? { patient } : {}),
    mode: accessMode,
    ...(reason !== undefined ? { reason } : {}),
    iat,
    exp,
    jti,
    ...(software !== undefined ? { software } : {}),
  };
}

function checkLifetime(claims: AssertionClaims, maxLifetime: number): void {
  if (claims.exp <= claims.iat) throw malformed('the assertion\'s exp is not after its iat');
  if (claims.exp - claims.iat > maxLifetime) {
    throw new AuthenticationError('assertion-lifetime-too-long', `an assertion may live at most ${maxLifetime} seconds; this one lives ${claims.exp - claims.iat}`);
  }
}

function parsePatient(token: string): Ins {
  const parsed = parseInsToken(token);
  if (!parsed.ok) throw new AuthenticationError('assertion-patient-invalid', `the assertion's patient is not a valid INS: ${parsed.reason}`);
  return parsed.ins;
}

/** Checks the claims against the certificate and builds the actor. */
function checkAgainstCertificate(claims: AssertionClaims, certificate: ClientCertificateInfo): Extract<Actor, { kind: 'professional' }> {
  if (certificate.kind === 'cps') {
    if (claims.sub !== certificate.nationalId) {
      throw new AuthenticationError('assertion-subject-mismatch', `with a CPS certificate the assertion's sub must be its holder ${certificate.nationalId}, not ${claims.sub}`);
    }
    if (certificate.profession !== undefined && claims.profession !== certificate.profession) {
      throw new AuthenticationError('assertion-profession-mismatch', `the CPS certificate is for profession ${certificate.profession}, the assertion claims ${claims.profession}`);
    }
    // The card's specialty is authoritative too (it decides, e.g., the refusal of occupational medicine).
    if (certificate.specialty !== undefined && claims.specialty !== undefined && claims.specialty !== certificate.specialty) {
      throw new AuthenticationError('assertion-profession-mismatch', `the CPS certificate is for specialty ${certificate.specialty}, the assertion claims ${claims.specialty}`);
    }
    const specialty = certificate.specialty ?? claims.specialty;
    const structure = claims.structure ? toStructure(claims.structure) : certificate.structure;
    const professional: ProfessionalIdentity = {
      nationalId: certificate.nationalId,
      profession: claims.profession,
      ...(specialty !== undefined ? { specialty } : {}),
      ...(structure ? { structure } : {}),
      ...practiceSettingOf(claims),
      ...optionalNames(certificate.familyName ?? claims.family_name, certificate.givenName ?? claims.given_name),
    };
    return { kind: 'professional', professional };
  }
  if (claims.structure && claims.structure.id !== certificate.structureId) {
    throw new AuthenticationError('assertion-structure-mismatch', `the establishment certificate is for structure ${certificate.structureId}, the assertion names ${claims.structure.id}`);
  }
  if (certificate.facilityType !== undefined && claims.structure?.facilityType !== undefined && claims.structure.facilityType !== certificate.facilityType) {
    throw new AuthenticationError('assertion-structure-mismatch', `the establishment certificate is for facility type ${certificate.facilityType}, the assertion claims ${claims.structure.facilityType}`);
  }
  const facilityType = certificate.facilityType ?? claims.structure?.facilityType;
  const establishment: StructureIdentity = {
    nationalId: certificate.structureId,
    ...(facilityType !== undefined ? { facilityType } : {}),
    name: certificate.name,
  };
  const professional: ProfessionalIdentity = {
    nationalId: claims.sub,
    profession: claims.profession,
    ...(claims.specialty !== undefined ? { specialty: claims.specialty } : {}),
    structure: establishment,
    ...practiceSettingOf(claims),
    ...optionalNames(claims.family_name, claims.given_name),
  };
  return { kind: 'professional', professional, establishment };
}

function toStructure(structure: AssertionStructure): StructureIdentity {
  return {
    nationalId: structure.id,
    ...(structure.facilityType !== undefined ? { facilityType: structure.facilityType } : {}),
    ...(structure.name !== undefined ? { name: structure.name } : {}),
  };
}

function practiceSettingOf(claims: AssertionClaims): { practiceSetting?: string } {
  return claims.practice_setting !== undefined ? { practiceSetting: claims.practice_setting } : {};
}

function optionalNames(familyName: string | undefined, givenName: string | undefined): { familyName?: string; givenName?: string } {
  return { ...(familyName !== undefined ? { familyName } : {}), ...(givenName !== undefined ? { givenName } : {}) };
}
