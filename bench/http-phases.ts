import path from 'node:path';
import { Agent, request } from 'undici';
import { buildProvideBundle, newUniqueId } from '@dmp/core';
import { createTestAuthority, issueCpsCertificate, type IssuedCertificate } from '@dmp/national';
import type { DemoProfessional } from '../packages/dmp/src/demo/demo-people.js';
import { deliveryReport, pdfOf } from '../packages/dmp/test/fixtures/documents.js';
import { AssertionPool } from './assertions.js';
import { DEPOSITOR, READER, depositPatient, searchPatient, type DatasetSpec } from './dataset.js';
import type { Operation } from './load.js';

/**
 * The HTTP side of the bench: professionals' software as the DMP sees it (a CPS certificate for
 * mutual TLS, keep-alive connections, one fresh signed assertion per request) doing ITI-65
 * deposits, ITI-67 searches and ITI-68 retrieves.
 */

export const CONTENT_SIZE = 100 * 1024;
const FHIR_JSON = 'application/fhir+json';
const INS_SYSTEM = 'urn:oid:1.2.250.1.213.1.4.8';

/** A professional's client: its certificate, an mTLS keep-alive agent and its assertions. */
export interface ProfessionalSoftware {
  readonly professional: DemoProfessional;
  readonly credentials: IssuedCertificate;
  readonly agent: Agent;
  readonly assertions: AssertionPool;
}

export interface HttpBench {
  readonly base: string;
  readonly depositor: ProfessionalSoftware;
  readonly reader: ProfessionalSoftware;
  /** Documents deposited with 100 KB contents (by this run), for the retrieves. */
  readonly deposited: string[];
  close(): Promise<void>;
}

/** The professionals' software before it connects: certificates and assertion signers. */
export interface BenchSoftware {
  readonly ca: string;
  readonly depositor: Omit<ProfessionalSoftware, 'agent'>;
  readonly reader: Omit<ProfessionalSoftware, 'agent'>;
  readonly deposited: string[];
}

/** Issues the professionals' CPS certificates from the host's test authority (in `home/pki`). */
export async function prepareSoftware(home: string): Promise<BenchSoftware> {
  const authority = await createTestAuthority({ dir: path.join(home, 'pki') });
  const software = async (professional: DemoProfessional): Promise<Omit<ProfessionalSoftware, 'agent'>> => {
    const credentials = await issueCpsCertificate(authority, {
      rpps: professional.rpps,
      profession: professional.profession,
      ...(professional.specialty ? { specialty: professional.specialty } : {}),
      familyName: professional.familyName,
      givenName: professional.givenName,
      ...(professional.structure ? { structure: professional.structure } : {}),
    });
    return { professional, credentials, assertions: await AssertionPool.create(credentials.keyPem, credentials.certPem) };
  };
  return { ca: authority.certPem, depositor: await software(DEPOSITOR), reader: await software(READER), deposited: [] };
}

/** Keep-alive mutual-TLS connections (at most `concurrency` per professional) to a host on `port`. */
export function connectHttp(software: BenchSoftware, port: number, concurrency: number): HttpBench {
  const agentFor = (s: Omit<ProfessionalSoftware, 'agent'>): Agent =>
    new Agent({
      connections: concurrency,
      pipelining: 1,
      keepAliveTimeout: 120_000,
      keepAliveMaxTimeout: 600_000,
      connect: { ca: software.ca, cert: s.credentials.certPem, key: s.credentials.keyPem },
    });
  const depositor = { ...software.depositor, agent: agentFor(software.depositor) };
  const reader = { ...software.reader, agent: agentFor(software.reader) };
  return {
    base: `https://127.0.0.1:${port}`,
    depositor,
    reader,
    deposited: software.deposited,
    async close() {
      await Promise.all([depositor.agent.close(), reader.agent.close()]);
    },
  };
}

/**
 * ITI-65 bodies: one bundle per distinct 100 KB PDF, serialised once with placeholders for the
 * patient and the unique ids, which each request fills in (so the generator does not spend its
 * CPU re-encoding 100 KB of base64 per request).
 */
export class DepositBodies {
  readonly #templates: string[][];

  constructor(distinctContents = 16) {
    this.#templates = Array.from({ length: distinctContents }, (_, i) => {
      const doc = deliveryReport('__INS__', DEPOSITOR, { uniqueId: 'urn:oid:__DOC__', content: pdfOf(`Compte rendu d'accouchement n° ${i}`, CONTENT_SIZE) });
      const body = JSON.stringify(buildProvideBundle([doc], { submissionSetId: 'urn:oid:__SET__' }));
      return body.split(/(__INS__|__DOC__|__SET__)/);
    });
  }

  /** A bundle depositing one of the PDFs for `ins`, with fresh unique ids. */
  body(ins: string): string {
    const parts = this.#templates[Math.floor(Math.random() * this.#templates.length)]!;
    const doc = newUniqueId();
    const set = newUniqueId();
    let out = '';
    for (const part of parts) out += part === '__INS__' ? ins : part === '__DOC__' ? doc : part === '__SET__' ? set : part;
    return out;
  }
}

function randomInt(below: number): number {
  return Math.floor(Math.random() * below);
}

async function drain(body: AsyncIterable<Buffer | Uint8Array>): Promise<number> {
  let bytes = 0;
  for await (const chunk of body) bytes += chunk.length;
  return bytes;
}

async function failure(status: number, body: { text(): Promise<string> }, what: string): Promise<never> {
  const text = await body.text().catch(() => '');
  throw new Error(`${what}: HTTP ${status} ${text.slice(0, 300)}`);
}

/** ITI-65: one 100 KB PDF for a random deposit patient, by the midwife. Records the new document's id. */
export function depositOperation(bench: HttpBench, spec: DatasetSpec, bodies: DepositBodies): Operation {
  const { agent, assertions } = bench.depositor;
  const url = `${bench.base}/fhir`;
  return async () => {
    const ins = depositPatient(1 + randomInt(spec.depositPatients));
    const response = await request(url, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': FHIR_JSON, accept: FHIR_JSON, authorization: assertions.take() },
      body: bodies.body(ins),
    });
    if (response.statusCode !== 200) return failure(response.statusCode, response.body, 'deposit');
    const text = await response.body.text();
    const id = /"Binary\/([0-9a-f-]{36})"/.exec(text)?.[1];
    if (!id) throw new Error(`deposit: no Binary location in ${text.slice(0, 200)}`);
    bench.deposited.push(id);
    return true;
  };
}

/** ITI-67: the current documents of a random search patient (20 each), by the authorised obstetrician. */
export function searchOperation(bench: HttpBench, spec: DatasetSpec): Operation {
  const { agent, assertions } = bench.reader;
  let answered = 0;
  return async () => {
    const ins = searchPatient(1 + randomInt(spec.patients));
    const response = await request(`${bench.base}/fhir/DocumentReference?patient.identifier=${encodeURIComponent(`${INS_SYSTEM}|${ins}`)}&status=current`, {
      method: 'GET',
      dispatcher: agent,
      headers: { accept: FHIR_JSON, authorization: assertions.take() },
    });
    if (response.statusCode !== 200) return failure(response.statusCode, response.body, 'search');
    // Check every 50th answer's content (parsing each would spend the generator's CPU).
    if (answered++ % 50 === 0) {
      const bundle = JSON.parse(await response.body.text()) as { entry?: unknown[] };
      const found = bundle.entry?.length ?? 0;
      if (found !== Math.min(20, spec.docsPerPatient)) throw new Error(`search: ${found} documents for ${ins}, expected ${spec.docsPerPatient}`);
      return true;
    }
    await drain(response.body);
    return true;
  };
}

/** ITI-68: the 100 KB content of a random document deposited through the API, by the obstetrician. */
export function retrieveOperation(bench: HttpBench): Operation {
  const { agent, assertions } = bench.reader;
  return async () => {
    const id = bench.deposited[randomInt(bench.deposited.length)];
    if (!id) throw new Error('retrieve: nothing deposited yet');
    const response = await request(`${bench.base}/fhir/Binary/${id}`, {
      method: 'GET',
      dispatcher: agent,
      headers: { accept: 'application/pdf', authorization: assertions.take() },
    });
    if (response.statusCode !== 200) return failure(response.statusCode, response.body, 'retrieve');
    const bytes = await drain(response.body);
    if (bytes !== CONTENT_SIZE) throw new Error(`retrieve: ${bytes} bytes, expected ${CONTENT_SIZE}`);
    return true;
  };
}
