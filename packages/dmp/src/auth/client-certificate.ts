import 'reflect-metadata';
import { X509Certificate as NodeX509Certificate, createHash, type KeyObject } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import type { StructureIdentity } from '../access/types.js';
import {
  CERTIFICATE_POLICY,
  CLIENT_AUTH_EKU,
  HEALTH_ATTRIBUTES_OID,
  NAME_ATTRIBUTE,
  decodeHealthAttributes,
  type HealthAttributes,
} from './certificate-profile.js';
import { AuthenticationError } from './errors.js';

/**
 * The TLS client certificate: check it (trusted authority, validity, revocation, usage) and say
 * who it is (a professional's CPS, or an establishment). See `certificate-profile.ts` for where
 * each field lives in the certificate.
 */

/**
 * What a TLS connection gives: `tlsSocket.getPeerX509Certificate()` (a node `X509Certificate`,
 * `undefined` without one), DER bytes, PEM text, or `getPeerCertificate()`'s object (`raw`).
 */
export type PeerCertificateInput = NodeX509Certificate | Uint8Array | string | { readonly raw?: Uint8Array } | null | undefined;

interface CertificateInfoBase {
  /** Serial number, lower-case hexadecimal without leading zeros. */
  readonly serial: string;
  /** SHA-256 of the certificate's DER, lower-case hexadecimal. */
  readonly fingerprint256: string;
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The certificate's public key: assertions must be signed by its private key. */
  readonly publicKey: KeyObject;
}

/** A professional's personal card (CPS): the professional acts personally. */
export interface CpsCertificateInfo extends CertificateInfoBase {
  readonly kind: 'cps';
  /** idNat_PS: `8` + RPPS (or `0` + ADELI). */
  readonly nationalId: string;
  /** Display name (CN), "given family". */
  readonly name: string;
  readonly familyName?: string;
  readonly givenName?: string;
  /** TRE_G15 code, when the card carries one. */
  readonly profession?: string;
  /** J01 code, when the card carries one. */
  readonly specialty?: string;
  /** The structure named on the card, if any. */
  readonly structure?: StructureIdentity;
}

/** An establishment certificate: software acting for a named professional of the structure. */
export interface EstablishmentCertificateInfo extends CertificateInfoBase {
  readonly kind: 'establishment';
  /** idNat_Struct: `1` + FINESS. */
  readonly structureId: string;
  readonly name: string;
  /** J02 facility type, when the certificate carries one. */
  readonly facilityType?: string;
}

export type ClientCertificateInfo = CpsCertificateInfo | EstablishmentCertificateInfo;

export interface ClientCertificateVerifierOptions {
  /** PEM text of the trusted authority certificate(s) (the test authority's `ca.cert.pem`); several PEM blocks allowed. */
  readonly trustedAuthorities: string | readonly string[];
  /** PEM text of CRL(s), loaded once. */
  readonly crls?: string | readonly string[];
  /** A CRL file (PEM, one or more CRLs), re-read whenever it changes (the test authority's `ca.crl.pem`). */
  readonly crlFile?: string;
  /**
   * Refuse certificates of an authority for which no current CRL is loaded
   * (`certificate-revocation-unavailable`). Default true: revocation is checked or access is refused.
   */
  readonly requireRevocationData?: boolean;
}

/** Loads a verifier trusting the test authority in `dir` (`ca.cert.pem`), following its `ca.crl.pem`. */
export async function loadClientCertificateVerifier(dir: string): Promise<ClientCertificateVerifier> {
  return ClientCertificateVerifier.create({
    trustedAuthorities: await readFile(path.join(dir, 'ca.cert.pem'), 'utf8'),
    crlFile: path.join(dir, 'ca.crl.pem'),
  });
}

interface Authority {
  readonly node: NodeX509Certificate;
  readonly peculiar: x509.X509Certificate;
}

interface LoadedCrl {
  readonly authority: Authority;
  readonly nextUpdate?: Date;
  readonly thisUpdate: Date;
  readonly revoked: ReadonlySet<string>;
}

type CrlState = { readonly ok: true; readonly crls: readonly LoadedCrl[] } | { readonly ok: false; readonly reason: string };

export class ClientCertificateVerifier {
  private fileStamp: string | undefined;
  private fileState: CrlState = { ok: true, crls: [] };
  private reloading: Promise<void> | undefined;

  private constructor(
    private readonly authorities: readonly Authority[],
    private readonly staticCrls: readonly LoadedCrl[],
    private readonly crlFile: string | undefined,
    private readonly requireRevocationData: boolean,
  ) {}

  static async create(options: ClientCertificateVerifierOptions): Promise<ClientCertificateVerifier> {
    const authorities = pemBlocks(options.trustedAuthorities).map((der): Authority => {
      const node = new NodeX509Certificate(der);
      if (!node.ca) throw new Error(`trusted authority ${node.subject} is not a CA certificate`);
      return { node, peculiar: new x509.X509Certificate(der) };
    });
    if (authorities.length === 0) throw new Error('no trusted authority certificate given');
    const staticCrls: LoadedCrl[] = [];
    for (const der of pemBlocks(options.crls ?? [])) staticCrls.push(await loadCrl(der, authorities));
    const verifier = new ClientCertificateVerifier(authorities, staticCrls, options.crlFile, options.requireRevocationData ?? true);
    if (options.crlFile) {
      await verifier.refreshCrlFile();
      if (!verifier.fileState.ok) throw new Error(verifier.fileState.reason);
    }
    return verifier;
  }

  /**
   * Checks the peer certificate at `now` and classifies it. Throws `AuthenticationError` with a
   * `certificate-*` code when it must be refused.
   */
  /**
   * Certificates already parsed and checked against their authority, by the SHA-256 of their DER:
   * parsing and the chain signature cost milliseconds, and a client sends the same certificate on
   * every request. Validity dates, key usage and revocation are still checked on every request.
   */
  private readonly checked = new Map<string, { readonly authority: Authority; readonly certificate: x509.X509Certificate; readonly info: ClientCertificateInfo }>();

  async verify(input: PeerCertificateInput, now: Date = new Date()): Promise<ClientCertificateInfo> {
    const der = toDer(input);
    const key = createHash('sha256').update(der).digest('base64');
    const known = this.checked.get(key);
    if (known) {
      this.checkDates(known.authority, known.certificate, now);
      await this.checkRevocation(known.authority, known.info.serial, now);
      return known.info;
    }
    let node: NodeX509Certificate;
    let certificate: x509.X509Certificate;
    try {
      node = new NodeX509Certificate(der);
      certificate = new x509.X509Certificate(der);
    } catch (error) {
      throw new AuthenticationError('certificate-malformed', 'the client certificate is not a readable X.509 certificate', { cause: error });
    }
    if (node.ca) throw new AuthenticationError('certificate-wrong-usage', 'an authority (CA) certificate cannot authenticate a client');

    const authority = this.authorities.find((candidate) => node.checkIssued(candidate.node) && safeVerify(node, candidate.node.publicKey));
    if (!authority) throw new AuthenticationError('certificate-untrusted', `the client certificate (${node.subject.replaceAll('\n', ', ')}) is not issued by a trusted authority`);
    this.checkDates(authority, certificate, now);

    if (!(node.keyUsage ?? []).includes(CLIENT_AUTH_EKU)) {
      throw new AuthenticationError('certificate-wrong-usage', 'the certificate is not for TLS client authentication (no clientAuth extended key usage)');
    }
    const keyUsage = certificate.getExtension(x509.KeyUsagesExtension);
    if (keyUsage && (keyUsage.usages & x509.KeyUsageFlags.digitalSignature) === 0) {
      throw new AuthenticationError('certificate-wrong-usage', 'the certificate\'s key is not for digital signature');
    }

    const serial = normalizeSerial(certificate.serialNumber);
    await this.checkRevocation(authority, serial, now);

    const info = classify(certificate, node, der, serial);
    if (this.checked.size >= 10_000) this.checked.clear();
    this.checked.set(key, { authority, certificate, info });
    return info;
  }

  private checkDates(authority: Authority, certificate: x509.X509Certificate, now: Date): void {
    if (now < authority.peculiar.notBefore || now > authority.peculiar.notAfter) {
      throw new AuthenticationError('certificate-untrusted', 'the issuing authority\'s certificate is not valid at this time');
    }
    if (now < certificate.notBefore) {
      throw new AuthenticationError('certificate-not-yet-valid', `the client certificate is valid only from ${certificate.notBefore.toISOString()}`);
    }
    if (now > certificate.notAfter) {
      throw new AuthenticationError('certificate-expired', `the client certificate expired on ${certificate.notAfter.toISOString()}`);
    }
  }

  private async checkRevocation(authority: Authority, serial: string, now: Date): Promise<void> {
    const crls: LoadedCrl[] = this.staticCrls.filter((crl) => crl.authority === authority);
    if (this.crlFile) {
      await this.refreshCrlFile();
      const state = this.fileState;
      if (!state.ok) throw new AuthenticationError('certificate-revocation-unavailable', state.reason);
      crls.push(...state.crls.filter((crl) => crl.authority === authority));
    }
    if (crls.some((crl) => crl.revoked.has(serial))) {
      throw new AuthenticationError('certificate-revoked', `the client certificate (serial ${serial}) has been revoked`);
    }
    if (!this.requireRevocationData) return;
    const current = crls.filter((crl) => crl.thisUpdate <= new Date(now.getTime() + 300_000) && (crl.nextUpdate === undefined || crl.nextUpdate >= now));
    if (current.length === 0) {
      throw new AuthenticationError(
        'certificate-revocation-unavailable',
        crls.length === 0 ? 'no CRL is loaded for the issuing authority: revocation cannot be checked' : 'the CRL of the issuing authority is out of date: revocation cannot be checked',
      );
    }
  }

  /** Re-reads the CRL file when it changed (modification time, size or inode). */
  private async refreshCrlFile(): Promise<void> {
    const file = this.crlFile;
    if (!file) return;
    if (this.reloading) return this.reloading;
    this.reloading = (async () => {
      try {
        let stamp: string;
        try {
          const info = await stat(file);
          stamp = `${info.mtimeMs}:${info.size}:${info.ino}`;
        } catch (error) {
          this.fileStamp = undefined;
          this.fileState = { ok: false, reason: `the CRL file ${file} cannot be read: ${messageOf(error)}` };
          return;
        }
        if (stamp === this.fileStamp) return;
        try {
          const crls: LoadedCrl[] = [];
          for (const der of pemBlocks(await readFile(file, 'utf8'))) crls.push(await loadCrl(der, this.authorities));
          this.fileState = { ok: true, crls };
        } catch (error) {
          this.fileState = { ok: false, reason: `the CRL file ${file} is not usable: ${messageOf(error)}` };
        }
        this.fileStamp = stamp;
      } finally {
        this.reloading = undefined;
      }
    })();
    return this.reloading;
  }
}

/**
 * Reads the profile fields of a certificate WITHOUT checking trust, validity or revocation: for
 * tools (signing an assertion, showing a certificate), never to authenticate anyone.
 */
export function classifyCertificateUnchecked(input: PeerCertificateInput): ClientCertificateInfo {
  const der = toDer(input);
  let node: NodeX509Certificate;
  let certificate: x509.X509Certificate;
  try {
    node = new NodeX509Certificate(der);
    certificate = new x509.X509Certificate(der);
  } catch (error) {
    throw new AuthenticationError('certificate-malformed', 'not a readable X.509 certificate', { cause: error });
  }
  return classify(certificate, node, der, normalizeSerial(certificate.serialNumber));
}

/** Serial numbers compared as lower-case hexadecimal without separators or leading zeros. */
export function normalizeSerial(serial: string): string {
  return serial.replace(/[:\s]/g, '').toLowerCase().replace(/^0+(?=.)/, '');
}

function classify(certificate: x509.X509Certificate, node: NodeX509Certificate, der: Buffer, serial: string): ClientCertificateInfo {
  const policies = certificate.getExtension(x509.CertificatePolicyExtension)?.policies ?? [];
  const isCps = policies.includes(CERTIFICATE_POLICY.cps);
  const isEstablishment = policies.includes(CERTIFICATE_POLICY.establishment);
  if (isCps === isEstablishment) {
    throw new AuthenticationError('certificate-unsupported', 'the certificate is neither a CPS nor an establishment certificate of the IGC-Santé profile');
  }
  const subject = certificate.subjectName;
  const nationalId = single(subject.getField(NAME_ATTRIBUTE.serialNumber), 'serialNumber (national id)');
  const name = single(subject.getField(NAME_ATTRIBUTE.commonName), 'CN');
  const health = healthAttributes(certificate);
  const base: CertificateInfoBase = {
    serial,
    fingerprint256: createHash('sha256').update(der).digest('hex'),
    subject: certificate.subject,
    issuer: certificate.issuer,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    publicKey: node.publicKey,
  };
  if (isCps) {
    if (!/^(8[0-9]{11}|0([0-9]{2}|2[AB])[0-9]{7})$/.test(nationalId)) {
      throw new AuthenticationError('certificate-malformed', `the CPS certificate's national id ${JSON.stringify(nationalId)} is not 8+RPPS or 0+ADELI`);
    }
    const familyName = optionalSingle(subject.getField(NAME_ATTRIBUTE.surname), 'SN');
    const givenName = optionalSingle(subject.getField(NAME_ATTRIBUTE.givenName), 'G');
    const structureId = optionalSingle(subject.getField(NAME_ATTRIBUTE.organizationalUnit), 'OU (structure id)');
    const structureName = optionalSingle(subject.getField(NAME_ATTRIBUTE.organization), 'O (structure name)');
    const structure: StructureIdentity | undefined = structureId === undefined
      ? undefined
      : {
          nationalId: structureId,
          ...(health.facilityType !== undefined ? { facilityType: health.facilityType } : {}),
          ...(structureName !== undefined ? { name: structureName } : {}),
        };
    return {
      ...base,
      kind: 'cps',
      nationalId,
      name,
      ...(familyName !== undefined ? { familyName } : {}),
      ...(givenName !== undefined ? { givenName } : {}),
      ...(health.profession !== undefined ? { profession: health.profession } : {}),
      ...(health.specialty !== undefined ? { specialty: health.specialty } : {}),
      ...(structure ? { structure } : {}),
    };
  }
  if (!/^[0-9][0-9A-Z]{1,30}$/.test(nationalId)) {
    throw new AuthenticationError('certificate-malformed', `the establishment certificate's structure id ${JSON.stringify(nationalId)} is not a national structure id`);
  }
  return {
    ...base,
    kind: 'establishment',
    structureId: nationalId,
    name,
    ...(health.facilityType !== undefined ? { facilityType: health.facilityType } : {}),
  };
}

function healthAttributes(certificate: x509.X509Certificate): HealthAttributes {
  const extensions = certificate.getExtensions(HEALTH_ATTRIBUTES_OID);
  if (extensions.length === 0) return {};
  const [extension] = extensions;
  if (extensions.length > 1 || !extension) throw new AuthenticationError('certificate-malformed', 'the certificate carries the health attributes extension twice');
  try {
    return decodeHealthAttributes(new Uint8Array(extension.value));
  } catch (error) {
    throw new AuthenticationError('certificate-malformed', `the certificate's health attributes are unreadable: ${messageOf(error)}`, { cause: error });
  }
}

function single(values: readonly string[], what: string): string {
  const [value] = values;
  if (values.length !== 1 || value === undefined || value.trim() === '') {
    throw new AuthenticationError('certificate-malformed', `the certificate's subject must carry exactly one ${what}`);
  }
  return value;
}

function optionalSingle(values: readonly string[], what: string): string | undefined {
  if (values.length === 0) return undefined;
  return single(values, what);
}

function toDer(input: PeerCertificateInput): Buffer {
  if (input === null || input === undefined) throw missing();
  if (input instanceof NodeX509Certificate) return input.raw;
  if (typeof input === 'string') {
    const [der] = safePemBlocks(input);
    if (!der) throw new AuthenticationError('certificate-malformed', 'the client certificate is not PEM');
    return der;
  }
  if (input instanceof Uint8Array) {
    if (input.length === 0) throw missing();
    return Buffer.from(input);
  }
  // tls getPeerCertificate(): an empty object when the client sent none.
  if (!input.raw || input.raw.length === 0) throw missing();
  return Buffer.from(input.raw);
}

function missing(): AuthenticationError {
  return new AuthenticationError('certificate-missing', 'a client certificate (CPS or establishment certificate) is required: the TLS connection presented none');
}

function safePemBlocks(pem: string): Buffer[] {
  try {
    return pemBlocks(pem);
  } catch (error) {
    throw new AuthenticationError('certificate-malformed', 'the client certificate is not PEM', { cause: error });
  }
}

function pemBlocks(input: string | readonly string[]): Buffer[] {
  const texts: readonly string[] = typeof input === 'string' ? [input] : input;
  return texts.flatMap((text) => x509.PemConverter.decode(text).map((block) => Buffer.from(block)));
}

async function loadCrl(der: Buffer, authorities: readonly Authority[]): Promise<LoadedCrl> {
  const crl = new x509.X509Crl(der);
  for (const authority of authorities) {
    if (crl.issuerName.toString() !== authority.peculiar.subjectName.toString()) continue;
    if (!(await crl.verify({ publicKey: authority.peculiar }))) continue;
    return {
      authority,
      thisUpdate: crl.thisUpdate,
      ...(crl.nextUpdate ? { nextUpdate: crl.nextUpdate } : {}),
      revoked: new Set(crl.entries.map((entry) => normalizeSerial(entry.serialNumber))),
    };
  }
  throw new Error(`a CRL issued by ${crl.issuer} is not signed by any trusted authority`);
}

function safeVerify(certificate: NodeX509Certificate, key: KeyObject): boolean {
  try {
    return certificate.verify(key);
  } catch {
    return false;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
