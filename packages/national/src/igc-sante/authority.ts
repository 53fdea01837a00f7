import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import {
  CERTIFICATE_POLICY,
  HEALTH_ATTRIBUTES_OID,
  NAME_ATTRIBUTE,
  encodeHealthAttributes,
  type HealthAttributes,
} from './profile.js';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

/**
 * A simulated IGC-Santé test authority: one self-signed root (ECDSA P-256) that issues CPS,
 * establishment and TLS server certificates, and publishes a CRL.
 *
 * Files in the authority's folder (created mode 0700):
 * - `ca.key.pem`  the root's private key, PKCS#8, mode 0600
 * - `ca.cert.pem` the root certificate (what the DMP host trusts)
 * - `ca.crl.pem`  the current CRL, signed by the root (what the DMP host loads to refuse revoked certificates)
 *
 * Nothing here is for production: keys are generated on first use and never leave the folder
 * except through the functions below. Test keys are never committed.
 */

const subtle = webcrypto.subtle;
const EC_KEY: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const RSA_KEY: webcrypto.RsaHashedKeyGenParams = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
const CA_SIGNING: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const DAY_MS = 86_400_000;
/** Issued certificates start a little in the past so that small clock differences do not refuse them. */
const BACKDATE_MS = 5 * 60_000;
/** How long a CRL is valid; loading the authority re-signs it when less than half remains. */
const CRL_VALIDITY_MS = 90 * DAY_MS;

export const CA_FILES = { key: 'ca.key.pem', certificate: 'ca.cert.pem', crl: 'ca.crl.pem' } as const;

/** A loaded test authority. Pass it to the `issue...` functions, `revoke` and `isRevoked`. */
export interface TestAuthority {
  readonly dir: string;
  /** The root certificate, PEM. */
  readonly certPem: string;
  readonly certificate: x509.X509Certificate;
  readonly paths: { readonly key: string; readonly certificate: string; readonly crl: string };
  /** The root's signing key (not extractable). */
  readonly signingKey: CryptoKey;
}

export interface CreateTestAuthorityOptions {
  /** Folder of the authority's files; created if missing. */
  readonly dir: string;
  /** Common name of the root when it is created. */
  readonly commonName?: string;
}

/** Validity of an issued certificate; defaults depend on the kind of certificate. */
export interface Validity {
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

/** Key pair of an issued certificate: EC P-256 (default, fast) or RSA 2048. */
export type KeyAlgorithm = 'ec-p256' | 'rsa-2048';

export interface IssueOptions extends Validity {
  readonly keyAlgorithm?: KeyAlgorithm;
}

/** A certificate and its private key as issued. */
export interface IssuedCertificate {
  /** The certificate, PEM. */
  readonly certPem: string;
  /** Its private key, PKCS#8 PEM. Write it with mode 0600 (see `saveCredentials`). */
  readonly keyPem: string;
  /** Serial number, lower-case hexadecimal without leading zeros. */
  readonly serial: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface CpsRequest {
  /** RPPS number, 11 digits (the national id is `8` + RPPS). */
  readonly rpps: string;
  /** Profession, TRE_G15 code (`10` médecin, `21` pharmacien, `50` sage-femme, `60` infirmier, ...) or a J48 code. */
  readonly profession: string;
  /** Specialty, J01 code, e.g. `G15_10/SM26`. */
  readonly specialty?: string;
  readonly familyName: string;
  readonly givenName: string;
  /** The structure where the professional works, if any (written into O, OU and the health attributes). */
  readonly structure?: { readonly id: string; readonly name?: string; readonly facilityType?: string };
}

export interface EstablishmentRequest {
  /** FINESS number, 9 characters (the structure id is `1` + FINESS). */
  readonly finess: string;
  readonly name: string;
  /** J02 facility type, e.g. `SA07` (CHU), `SA66` (occupational health service). */
  readonly facilityType?: string;
}

export interface ServerRequest {
  /** DNS names and IP addresses; the first is also the common name. */
  readonly hostnames: readonly string[];
}

/** Creates the authority in `dir`, or loads it when its files are there. */
export async function createTestAuthority(options: CreateTestAuthorityOptions): Promise<TestAuthority> {
  const dir = path.resolve(options.dir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const paths = {
    key: path.join(dir, CA_FILES.key),
    certificate: path.join(dir, CA_FILES.certificate),
    crl: path.join(dir, CA_FILES.crl),
  };
  const keyPem = await readOptional(paths.key);
  const certPem = await readOptional(paths.certificate);
  if ((keyPem === undefined) !== (certPem === undefined)) {
    throw new Error(`test authority in ${dir} is incomplete: ${CA_FILES.key} and ${CA_FILES.certificate} must both exist or both be absent`);
  }
  const authority = keyPem !== undefined && certPem !== undefined
    ? await loadAuthority(dir, paths, keyPem, certPem)
    : await generateAuthority(dir, paths, options.commonName ?? 'AC RACINE IGC-SANTE TEST (simulation)');
  await refreshCrlIfNeeded(authority);
  return authority;
}

/** Issues a CPS (personal professional card) certificate for `8` + RPPS. */
export async function issueCpsCertificate(ca: TestAuthority, request: CpsRequest, options: IssueOptions = {}): Promise<IssuedCertificate> {
  if (!/^[0-9]{11}$/.test(request.rpps)) throw new RangeError(`an RPPS number is 11 digits, got ${JSON.stringify(request.rpps)}`);
  checkCode('profession', request.profession);
  if (request.specialty !== undefined) checkCode('specialty', request.specialty);
  const familyName = checkText('family name', request.familyName);
  const givenName = checkText('given name', request.givenName);
  const name: x509.JsonNameParams = [{ [NAME_ATTRIBUTE.country]: ['FR'] }];
  if (request.structure) {
    if (!/^[0-9A-Za-z]{2,30}$/.test(request.structure.id)) throw new RangeError(`a structure id (idNat_Struct) is alphanumeric, got ${JSON.stringify(request.structure.id)}`);
    if (request.structure.facilityType !== undefined) checkCode('facility type', request.structure.facilityType);
    if (request.structure.name !== undefined) name.push({ [NAME_ATTRIBUTE.organization]: [checkText('structure name', request.structure.name)] });
    name.push({ [NAME_ATTRIBUTE.organizationalUnit]: [request.structure.id] });
  }
  name.push(
    { [NAME_ATTRIBUTE.surname]: [familyName] },
    { [NAME_ATTRIBUTE.givenName]: [givenName] },
    { [NAME_ATTRIBUTE.serialNumber]: [`8${request.rpps}`] },
    { [NAME_ATTRIBUTE.commonName]: [checkText('common name', `${givenName} ${familyName}`)] },
  );
  return issue(ca, {
    subject: name,
    policy: CERTIFICATE_POLICY.cps,
    usage: x509.ExtendedKeyUsage.clientAuth,
    health: {
      profession: request.profession,
      ...(request.specialty !== undefined ? { specialty: request.specialty } : {}),
      ...(request.structure?.facilityType !== undefined ? { facilityType: request.structure.facilityType } : {}),
    },
    defaultLifetimeMs: 3 * 365 * DAY_MS,
    options,
  });
}

/** Issues an establishment ("personne morale") certificate for `1` + FINESS. */
export async function issueEstablishmentCertificate(
  ca: TestAuthority,
  request: EstablishmentRequest,
  options: IssueOptions = {},
): Promise<IssuedCertificate> {
  if (!/^([0-9]{2}|2[AB])[0-9]{7}$/.test(request.finess)) throw new RangeError(`a FINESS number is 9 characters (2A/2B allowed), got ${JSON.stringify(request.finess)}`);
  if (request.facilityType !== undefined) checkCode('facility type', request.facilityType);
  const name = checkText('establishment name', request.name);
  return issue(ca, {
    subject: [
      { [NAME_ATTRIBUTE.country]: ['FR'] },
      { [NAME_ATTRIBUTE.organization]: [name] },
      { [NAME_ATTRIBUTE.serialNumber]: [`1${request.finess}`] },
      { [NAME_ATTRIBUTE.commonName]: [name] },
    ],
    policy: CERTIFICATE_POLICY.establishment,
    usage: x509.ExtendedKeyUsage.clientAuth,
    health: request.facilityType !== undefined ? { facilityType: request.facilityType } : undefined,
    defaultLifetimeMs: 3 * 365 * DAY_MS,
    options,
  });
}

/** Issues a TLS server certificate (serverAuth) for the given DNS names and IP addresses. */
export async function issueServerCertificate(ca: TestAuthority, request: ServerRequest, options: IssueOptions = {}): Promise<IssuedCertificate> {
  const [first] = request.hostnames;
  if (first === undefined) throw new RangeError('a server certificate needs at least one hostname');
  const names: x509.JsonGeneralNames = request.hostnames.map((host) => ({ type: isIpAddress(host) ? 'ip' : 'dns', value: host }));
  return issue(ca, {
    subject: [{ [NAME_ATTRIBUTE.country]: ['FR'] }, { [NAME_ATTRIBUTE.commonName]: [checkText('hostname', first)] }],
    policy: CERTIFICATE_POLICY.server,
    usage: x509.ExtendedKeyUsage.serverAuth,
    health: undefined,
    subjectAltNames: names,
    defaultLifetimeMs: 397 * DAY_MS,
    options,
  });
}

/** Revokes a certificate by serial number: adds it to the CRL and re-signs the CRL. Idempotent. */
export async function revoke(ca: TestAuthority, serial: string, reason: x509.X509CrlReason = x509.X509CrlReason.unspecified): Promise<void> {
  const normalized = normalizeSerial(serial);
  const entries = await readCrlEntries(ca);
  if (entries.some((entry) => entry.serialNumber === normalized)) return;
  entries.push({ serialNumber: normalized, revocationDate: new Date(), reason });
  await writeCrl(ca, entries);
}

/** True when the CRL on disk lists `serial`. */
export async function isRevoked(ca: TestAuthority, serial: string): Promise<boolean> {
  const normalized = normalizeSerial(serial);
  return (await readCrlEntries(ca)).some((entry) => entry.serialNumber === normalized);
}

/**
 * Re-signs the CRL (same entries, new thisUpdate/nextUpdate). `createTestAuthority` does it when
 * less than half of the CRL's validity remains; a long-running host may call this periodically
 * (the DMP host refuses certificates when the CRL is out of date).
 */
export async function refreshCrl(ca: TestAuthority): Promise<void> {
  await writeCrl(ca, await readCrlEntries(ca));
}

/** The current CRL, PEM (what the DMP host loads). */
export async function readCrlPem(ca: TestAuthority): Promise<string> {
  return readFile(ca.paths.crl, 'utf8');
}

/**
 * Writes an issued certificate and its key as `<name>.cert.pem` (0644) and `<name>.key.pem` (0600)
 * in `dir` (created 0700 if missing). Returns the paths.
 */
export async function saveCredentials(issued: IssuedCertificate, dir: string, name: string): Promise<{ certPath: string; keyPath: string }> {
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith('.')) throw new RangeError(`not a plain file name: ${JSON.stringify(name)}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const certPath = path.join(dir, `${name}.cert.pem`);
  const keyPath = path.join(dir, `${name}.key.pem`);
  await writeAtomic(keyPath, issued.keyPem, 0o600);
  await writeAtomic(certPath, issued.certPem, 0o644);
  return { certPath, keyPath };
}

/** Serial numbers as this module writes them: lower-case hexadecimal, no separators, no leading zeros. */
export function normalizeSerial(serial: string): string {
  const hex = serial.replace(/[:\s]/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(hex)) throw new RangeError(`a serial number is hexadecimal, got ${JSON.stringify(serial)}`);
  return hex.replace(/^0+(?=.)/, '');
}

// --- internals -------------------------------------------------------------------------------

interface IssueSpec {
  readonly subject: x509.JsonNameParams;
  readonly policy: string;
  readonly usage: x509.ExtendedKeyUsage;
  readonly health: HealthAttributes | undefined;
  readonly subjectAltNames?: x509.JsonGeneralNames;
  readonly defaultLifetimeMs: number;
  readonly options: IssueOptions;
}

async function issue(ca: TestAuthority, spec: IssueSpec): Promise<IssuedCertificate> {
  const algorithm = spec.options.keyAlgorithm ?? 'ec-p256';
  const keys = (await subtle.generateKey(algorithm === 'rsa-2048' ? RSA_KEY : EC_KEY, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const notBefore = spec.options.notBefore ?? new Date(now - BACKDATE_MS);
  const notAfter = spec.options.notAfter ?? new Date(now + spec.defaultLifetimeMs);
  if (notAfter.getTime() <= notBefore.getTime()) throw new RangeError('notAfter must be after notBefore');
  const serial = newSerial();
  const keyUsage = x509.KeyUsageFlags.digitalSignature | (algorithm === 'rsa-2048' ? x509.KeyUsageFlags.keyEncipherment : 0);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(keyUsage, true),
    new x509.ExtendedKeyUsageExtension([spec.usage], false),
    new x509.CertificatePolicyExtension([spec.policy], false),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(ca.certificate.publicKey),
  ];
  if (spec.subjectAltNames) extensions.push(new x509.SubjectAlternativeNameExtension(spec.subjectAltNames, false));
  if (spec.health) extensions.push(new x509.Extension(HEALTH_ATTRIBUTES_OID, false, encodeHealthAttributes(spec.health)));
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: new x509.Name(spec.subject),
    issuer: ca.certificate.subjectName,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: ca.signingKey,
    signingAlgorithm: CA_SIGNING,
    extensions,
  });
  const pkcs8 = await subtle.exportKey('pkcs8', keys.privateKey);
  return {
    certPem: certificate.toString('pem') + '\n',
    keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') + '\n',
    serial: normalizeSerial(serial),
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
  };
}

async function generateAuthority(dir: string, paths: TestAuthority['paths'], commonName: string): Promise<TestAuthority> {
  const keys = (await subtle.generateKey(EC_KEY, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: newSerial(),
    name: new x509.Name([
      { [NAME_ATTRIBUTE.country]: ['FR'] },
      { [NAME_ATTRIBUTE.organization]: ['IGC-SANTE TEST (simulation, not the real IGC-Santé)'] },
      { [NAME_ATTRIBUTE.commonName]: [commonName] },
    ]),
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 20 * 365 * DAY_MS),
    keys,
    signingAlgorithm: CA_SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const keyPem = x509.PemConverter.encode(await subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY') + '\n';
  const certPem = certificate.toString('pem') + '\n';
  // `wx`: if another process created the authority meanwhile, load theirs rather than overwrite it.
  try {
    await writeFile(paths.key, keyPem, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return loadAfterRace(dir, paths);
    throw error;
  }
  await writeAtomic(paths.certificate, certPem, 0o644);
  const authority: TestAuthority = { dir, certPem, certificate, paths, signingKey: await importSigningKey(keyPem) };
  await writeCrl(authority, []);
  return authority;
}

async function loadAfterRace(dir: string, paths: TestAuthority['paths']): Promise<TestAuthority> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const certPem = await readOptional(paths.certificate);
    if (certPem !== undefined) return loadAuthority(dir, paths, await readFile(paths.key, 'utf8'), certPem);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`test authority in ${dir}: ${CA_FILES.key} exists but ${CA_FILES.certificate} never appeared`);
}

async function loadAuthority(dir: string, paths: TestAuthority['paths'], keyPem: string, certPem: string): Promise<TestAuthority> {
  const certificate = new x509.X509Certificate(certPem);
  const signingKey = await importSigningKey(keyPem);
  // The key must be the certificate's: sign a probe and verify it with the certificate's key.
  const probe = new TextEncoder().encode('igc-sante test authority key check');
  const signature = await subtle.sign(CA_SIGNING, signingKey, probe);
  const publicKey = await certificate.publicKey.export(EC_KEY, ['verify']);
  if (!(await subtle.verify(CA_SIGNING, publicKey, signature, probe))) {
    throw new Error(`test authority in ${dir}: ${CA_FILES.key} does not match ${CA_FILES.certificate}`);
  }
  return { dir, certPem, certificate, paths, signingKey };
}

async function importSigningKey(keyPem: string): Promise<CryptoKey> {
  try {
    return await subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(keyPem), EC_KEY, false, ['sign']);
  } catch (error) {
    throw new Error(`the test authority's key is not an EC P-256 PKCS#8 key: ${error instanceof Error ? error.message : String(error)}`);
  }
}

interface CrlEntry {
  readonly serialNumber: string;
  readonly revocationDate: Date;
  readonly reason?: x509.X509CrlReason;
}

async function readCrl(ca: TestAuthority): Promise<x509.X509Crl | undefined> {
  const pem = await readOptional(ca.paths.crl);
  if (pem === undefined) return undefined;
  const crl = new x509.X509Crl(pem);
  if (!(await crl.verify({ publicKey: ca.certificate }))) throw new Error(`${ca.paths.crl} is not signed by the test authority`);
  return crl;
}

async function readCrlEntries(ca: TestAuthority): Promise<CrlEntry[]> {
  const crl = await readCrl(ca);
  if (!crl) return [];
  return crl.entries.map((entry) => ({
    serialNumber: normalizeSerial(entry.serialNumber),
    revocationDate: entry.revocationDate,
    ...(entry.reason !== undefined ? { reason: entry.reason } : {}),
  }));
}

async function refreshCrlIfNeeded(ca: TestAuthority): Promise<void> {
  const crl = await readCrl(ca);
  const nextUpdate = crl?.nextUpdate?.getTime();
  if (crl && nextUpdate !== undefined && nextUpdate - Date.now() > CRL_VALIDITY_MS / 2) return;
  await writeCrl(ca, await readCrlEntries(ca));
}

async function writeCrl(ca: TestAuthority, entries: readonly CrlEntry[]): Promise<void> {
  const now = Date.now();
  const crl = await x509.X509CrlGenerator.create({
    issuer: ca.certificate.subjectName,
    thisUpdate: new Date(now),
    nextUpdate: new Date(now + CRL_VALIDITY_MS),
    signingKey: ca.signingKey,
    signingAlgorithm: CA_SIGNING,
    extensions: [await x509.AuthorityKeyIdentifierExtension.create(ca.certificate.publicKey)],
    entries: entries.map((entry) => ({
      serialNumber: entry.serialNumber.length % 2 === 0 ? entry.serialNumber : `0${entry.serialNumber}`,
      revocationDate: entry.revocationDate,
      ...(entry.reason !== undefined ? { reason: entry.reason } : {}),
    })),
  });
  // RFC 7468 label, which OpenSSL and node expect (the library writes "CRL").
  await writeAtomic(ca.paths.crl, x509.PemConverter.encode(crl.rawData, 'X509 CRL') + '\n', 0o644);
}

/** A positive 128-bit serial, hexadecimal, first byte in 0x01..0x7f (no sign bit, no leading zero). */
function newSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 1) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

async function writeAtomic(file: string, content: string, mode: number): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, content, { mode, flag: 'wx' });
  await rename(temporary, file);
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

function checkCode(what: string, value: string): void {
  if (!/^[A-Za-z0-9_./-]{1,32}$/.test(value)) throw new RangeError(`not a ${what} code: ${JSON.stringify(value)}`);
}

function checkText(what: string, value: string): string {
  const text = value.trim();
  if (text.length === 0 || text.length > 64) throw new RangeError(`${what} must be 1 to 64 characters`);
  return text;
}

function isIpAddress(host: string): boolean {
  return /^[0-9.]+$/.test(host) || host.includes(':');
}
