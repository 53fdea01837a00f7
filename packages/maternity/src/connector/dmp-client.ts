import { createPrivateKey, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { SignJWT } from 'jose';
import { buildProvideBundle, type PdsmDocument } from '@dmp/core';
import type { MaternityIdentity } from '../config.js';
import { MATERNITY_OID } from '../documents/document-inputs.js';

/** What the DMP said about one deposit, as the outbox acts on it. */
export type DepositOutcome =
  /** Filed (201), or the same document already filed (the DMP answers a resent unique id as the first time). */
  | { readonly kind: 'accepted'; readonly documentReferenceId?: string }
  /** Try again later: unreachable, timeout, 5xx, 429. */
  | { readonly kind: 'retry'; readonly reason: string }
  /** Refused for good (4xx): a person must look; the reason is the DMP's OperationOutcome text. */
  | { readonly kind: 'rejected'; readonly status: number; readonly reason: string };

/** The acting professional the assertion names (the document's author, who validated it). */
export interface ActingProfessional {
  readonly nationalId: string;
  readonly profession: string;
  readonly specialty?: string;
  readonly givenName?: string;
  readonly familyName?: string;
}

export interface DmpClientOptions {
  /** e.g. `https://dmp.example/fhir`. */
  readonly fhirBase: string;
  readonly certPem: string;
  readonly keyPem: string;
  readonly caPem: string;
  readonly identity: MaternityIdentity;
  /** Per-request timeout, ms (default 30 s). */
  readonly timeoutMs?: number;
}

/**
 * The maternity's client of the DMP's MHD API (IHE ITI-65 Provide Document Bundle as profiled by
 * the ANS PDSm): mutual TLS with the establishment certificate, and on every request an assertion
 * signed with the certificate's key naming the professional who validated the document (DESIGN.md §3).
 */
export class DmpClient {
  private readonly agent: https.Agent;
  private readonly key: KeyObject;
  private readonly algorithm: 'ES256' | 'RS256';

  constructor(private readonly options: DmpClientOptions) {
    this.agent = new https.Agent({ cert: options.certPem, key: options.keyPem, ca: options.caPem, keepAlive: true, maxSockets: 4 });
    this.key = createPrivateKey(options.keyPem);
    this.algorithm = this.key.asymmetricKeyType === 'ec' ? 'ES256' : 'RS256';
    const certificate = new X509Certificate(options.certPem);
    if (!certificate.checkPrivateKey(this.key)) throw new Error('the maternity key does not match its certificate');
  }

  /** Reads the certificate, key and CA from files. */
  static fromFiles(files: { fhirBase: string; certFile: string; keyFile: string; caFile: string }, identity: MaternityIdentity): DmpClient {
    return new DmpClient({ fhirBase: files.fhirBase, certPem: readFileSync(files.certFile, 'utf8'), keyPem: readFileSync(files.keyFile, 'utf8'), caPem: readFileSync(files.caFile, 'utf8'), identity });
  }

  /** Signs the assertion for one request about one patient. */
  async assertion(professional: ActingProfessional, ins: { value: string; oid: string }): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      profession: professional.profession,
      ...(professional.specialty ? { specialty: professional.specialty } : {}),
      ...(professional.givenName ? { given_name: professional.givenName } : {}),
      ...(professional.familyName ? { family_name: professional.familyName } : {}),
      structure: { id: this.options.identity.structureId, facilityType: this.options.identity.facilityType, name: this.options.identity.name },
      patient: `urn:oid:${ins.oid}|${ins.value}`,
      mode: 'normal',
      software: 'Maternité Sainte Félicité, connecteur DMP 0.1',
    })
      .setProtectedHeader({ alg: this.algorithm, typ: 'JWT' })
      .setSubject(professional.nationalId)
      .setIssuedAt(now)
      .setExpirationTime(now + 120)
      .setJti(randomUUID())
      .sign(this.key);
  }

  /** Deposits one document (ITI-65, one SubmissionSet with one DocumentReference and its Binary). */
  async deposit(document: PdsmDocument, professional: ActingProfessional): Promise<DepositOutcome> {
    const bundle = buildProvideBundle([document], { sourceId: `urn:oid:${MATERNITY_OID}` });
    const token = await this.assertion(professional, { value: document.ins, oid: (document.insOid ?? '1.2.250.1.213.1.4.8').replace(/^urn:oid:/, '') });
    let answer: { status: number; body: string };
    try {
      answer = await this.post(this.options.fhirBase, JSON.stringify(bundle), token);
    } catch (error) {
      return { kind: 'retry', reason: `DMP injoignable (${error instanceof Error ? error.message : String(error)})` };
    }
    if (answer.status >= 200 && answer.status < 300) return { kind: 'accepted', ...documentReferenceIdOf(answer.body) };
    if (answer.status >= 500 || answer.status === 429 || answer.status === 408) return { kind: 'retry', reason: `DMP: HTTP ${answer.status}` };
    return { kind: 'rejected', status: answer.status, reason: outcomeText(answer.body) ?? `HTTP ${answer.status}` };
  }

  private post(url: string, body: string, token: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const request = https.request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/fhir+json', accept: 'application/fhir+json', authorization: `Bearer ${token}`, 'content-length': Buffer.byteLength(body) },
          timeout: this.options.timeoutMs ?? 30_000,
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= 1_000_000) chunks.push(chunk);
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new Error('délai dépassé')));
      request.on('error', reject);
      request.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The id of the DocumentReference the DMP created, from the transaction-response. */
function documentReferenceIdOf(body: string): { documentReferenceId?: string } {
  try {
    const bundle = JSON.parse(body) as { entry?: { response?: { location?: string } }[] };
    for (const entry of bundle.entry ?? []) {
      const match = /DocumentReference\/([^/]+)/.exec(entry.response?.location ?? '');
      if (match) return { documentReferenceId: match[1]! };
    }
  } catch {
    // an answer without a readable body still means filed
  }
  return {};
}

/** The diagnostics of an OperationOutcome, joined; undefined when the body is not one. */
function outcomeText(body: string): string | undefined {
  try {
    const outcome = JSON.parse(body) as { resourceType?: string; issue?: { diagnostics?: string; details?: { text?: string } }[] };
    if (outcome.resourceType !== 'OperationOutcome') return undefined;
    return (outcome.issue ?? []).map((i) => i.diagnostics ?? i.details?.text ?? '').filter(Boolean).join(' ; ').slice(0, 2000) || undefined;
  } catch {
    return undefined;
  }
}
