import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { buildDocumentReference, buildProvideBundle, newUniqueId, type PdsmDocument } from '@dmp/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../src/audit/index.js';
import { createRecordFromCarteVitale } from '../src/identity/create-record.js';
import { changeRecord } from '../src/identity/manage-record.js';
import { deliveryReport, pdfOf } from './fixtures/documents.js';
import { DEMO_PROFESSIONALS, startTestHost, type ProfessionalClient, type TestHost, type TestResponse } from './harness.js';
import { syntheticPatients, type SyntheticPatient } from './support/synthetic-patients.js';

/**
 * Concurrent requests on one document or one unique id (DESIGN.md §3): two replacements of one
 * version, one wins and the other gets 409; the same unique id sent concurrently with the same
 * content, every sender gets the first answer; many deposits at once, all land. Every check is on
 * outcomes (statuses, rows), never on timings: whichever order the server happens to run the
 * requests in, the answers must be these.
 *
 * Requests that arrive a few milliseconds apart would mostly run one after the other, so the races
 * are staged: a gate transaction holds the patient's record row locked while the requests are
 * sent; each deposit transaction stops at its first statement (it reads the record FOR SHARE) and,
 * once all of them wait there, the gate commits and they run on together.
 */
const obstetrician = DEMO_PROFESSIONALS.obstetrician;
const { patients, insi } = syntheticPatients(60);
let nextPatient = 0;

describe('concurrent deposits', () => {
  let t: TestHost;
  let author: ProfessionalClient;
  let reader: ProfessionalClient;

  beforeAll(async () => {
    t = await startTestHost();
    [author, reader] = await Promise.all([t.client(obstetrician), t.client(DEMO_PROFESSIONALS.medecinTraitant)]);
  });
  afterAll(async () => t?.stop());

  /** A new patient's record, with the médecin traitant declared (so `reader` may read it). */
  async function newPatient(): Promise<SyntheticPatient> {
    const patient = patients[nextPatient++]!;
    await createRecordFromCarteVitale(t.admin, t.host.services, insi, patient.card);
    await changeRecord(t.admin, t.host.services, patient.ins, { kind: 'declare-medecin-traitant', nationalId: DEMO_PROFESSIONALS.medecinTraitant.nationalId });
    return patient;
  }

  /**
   * Sends the requests `fire` starts while the record of `ins` is held locked, and releases them
   * together once each has either reached the lock or already answered.
   */
  async function together(ins: string, fire: () => Promise<TestResponse>[]): Promise<TestResponse[]> {
    const gate = new pg.Client({ connectionString: t.host.database.url });
    await gate.connect();
    try {
      await gate.query('BEGIN');
      await gate.query('SELECT 1 FROM patient_record WHERE ins = $1 FOR UPDATE', [ins]);
      let settled = 0;
      const pending = fire().map((p) => p.finally(() => settled++));
      for (const deadline = Date.now() + 30_000; ; ) {
        if (Date.now() > deadline) throw new Error('the requests never all reached the gate');
        // pg_stat_activity is read once per transaction unless its snapshot is cleared
        await gate.query('SELECT pg_stat_clear_snapshot()');
        const waiting = await gate.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
        );
        if (waiting.rows[0]!.n + settled >= pending.length) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await gate.query('COMMIT');
      return await Promise.all(pending);
    } finally {
      await gate.end();
    }
  }

  function document(patient: SyntheticPatient, overrides: Partial<PdsmDocument> = {}): PdsmDocument {
    return deliveryReport(patient.ins, obstetrician, { uniqueId: `urn:oid:${newUniqueId()}`, content: pdfOf(`doc ${randomBytes(6).toString('hex')}`, 20_000), ...overrides });
  }

  /** The id the answer names: ITI-105 answers the DocumentReference, ITI-65 a transaction-response. */
  function depositedId(response: TestResponse): string | undefined {
    if (response.json.resourceType === 'DocumentReference') return response.json.id as string;
    const location = response.json.entry?.map((e) => e.response?.location ?? '').find((l) => l.startsWith('DocumentReference/'));
    return location?.slice('DocumentReference/'.length);
  }

  async function rowsOf(ins: string): Promise<{ id: string; unique_id: string; status: string; replaces: string | null; has_content: boolean }[]> {
    const result = await t.host.database.pool.query<{ id: string; unique_id: string; status: string; replaces: string | null; has_content: boolean }>(
      `SELECT d.id, d.unique_id, d.status, d.replaces, c.document_id IS NOT NULL AS has_content
         FROM document d LEFT JOIN document_content c ON c.document_id = d.id WHERE d.ins = $1 ORDER BY d.deposited_at`,
      [ins],
    );
    return result.rows;
  }

  async function depositAuditsOf(ins: string): Promise<{ document_id: string; document_unique_id: string }[]> {
    const result = await t.host.database.pool.query<{ document_id: string; document_unique_id: string }>(
      "SELECT document_id, document_unique_id FROM audit_entry WHERE partition = $1 AND action = 'document.deposit' AND outcome = 'allowed'",
      [ins],
    );
    return result.rows;
  }

  async function currentIds(ins: string): Promise<string[]> {
    const search = await reader.request('GET', `/fhir/DocumentReference?patient.identifier=${encodeURIComponent(`urn:oid:1.2.250.1.213.1.4.8|${ins}`)}&status=current&_count=100`);
    expect(search.status, JSON.stringify(search.json)).toBe(200);
    return (search.json.entry ?? []).map((e) => String(e.resource.id));
  }

  function expectConflict(response: TestResponse): void {
    expect(response.status, JSON.stringify(response.json)).toBe(409);
    expect(response.json.resourceType).toBe('OperationOutcome');
    expect(response.json.issue?.[0]?.code).toMatch(/^(conflict|duplicate)$/);
  }

  async function depositOriginal(patient: SyntheticPatient): Promise<{ id: string; doc: PdsmDocument }> {
    const doc = document(patient);
    const response = await author.request('POST', '/fhir/DocumentReference', { body: buildDocumentReference(doc, undefined) });
    expect(response.status, JSON.stringify(response.json)).toBe(201);
    return { id: depositedId(response)!, doc };
  }

  /** After a replacement race: one new current version, the old one superseded, the losers nowhere. */
  async function expectOneReplacement(patient: SyntheticPatient, original: string, responses: TestResponse[], replacements: PdsmDocument[]): Promise<void> {
    const winners = responses.flatMap((r, i) => ([200, 201].includes(r.status) ? [i] : []));
    expect(winners, responses.map((r) => `${r.status} ${JSON.stringify(r.json.issue ?? '')}`).join('\n')).toHaveLength(1);
    for (const [i, response] of responses.entries()) if (i !== winners[0]) expectConflict(response);
    const winnerId = depositedId(responses[winners[0]!]!)!;

    const rows = await rowsOf(patient.ins);
    expect(rows).toHaveLength(2); // the original and the winner; no loser left a row
    expect(rows.find((r) => r.id === original)).toMatchObject({ status: 'superseded', has_content: true });
    expect(rows.find((r) => r.id === winnerId)).toMatchObject({ status: 'current', replaces: original, unique_id: replacements[winners[0]!]!.uniqueId, has_content: true });
    const audits = await depositAuditsOf(patient.ins);
    expect(audits.map((a) => a.document_id).sort()).toEqual([original, winnerId].sort());
    expect(await currentIds(patient.ins)).toEqual([winnerId]);

    // the winner's content is the winner's
    const retrieved = await reader.request('GET', `/fhir/Binary/${winnerId}`, { accept: 'application/pdf' });
    expect(retrieved.status).toBe(200);
    expect(retrieved.body.equals(replacements[winners[0]!]!.content)).toBe(true);
  }

  it('two concurrent replacements (ITI-105) of one version: one wins, the other gets 409', async () => {
    const patient = await newPatient();
    const original = await depositOriginal(patient);
    const replacements = [0, 1].map(() => document(patient, { replaces: original.id }));
    const responses = await together(patient.ins, () => replacements.map((doc) => author.request('POST', '/fhir/DocumentReference', { body: buildDocumentReference(doc, undefined) })));
    await expectOneReplacement(patient, original.id, responses, replacements);
  });

  it('ten concurrent replacements (ITI-65 transactions) of one version: one wins, nine get 409', async () => {
    const patient = await newPatient();
    const original = await depositOriginal(patient);
    const replacements = Array.from({ length: 10 }, () => document(patient, { replaces: original.id }));
    const responses = await together(patient.ins, () => replacements.map((doc) => author.request('POST', '/fhir', { body: buildProvideBundle([doc]) })));
    await expectOneReplacement(patient, original.id, responses, replacements);
    // no submission set of a losing transaction was left behind either
    const sets = await t.host.database.pool.query('SELECT id FROM submission_set WHERE ins = $1', [patient.ins]);
    expect(sets.rowCount).toBe(1);
  });

  it('a replacement of a version already replaced gets 409 and changes nothing', async () => {
    const patient = await newPatient();
    const original = await depositOriginal(patient);
    const first = await author.request('POST', '/fhir/DocumentReference', { body: buildDocumentReference(document(patient, { replaces: original.id }), undefined) });
    expect(first.status).toBe(201);
    const late = await author.request('POST', '/fhir/DocumentReference', { body: buildDocumentReference(document(patient, { replaces: original.id }), undefined) });
    expectConflict(late);
    expect(await rowsOf(patient.ins)).toHaveLength(2);
  });

  it('the same unique id deposited ten times at once (ITI-105), same content: every answer names the one document', async () => {
    const patient = await newPatient();
    const doc = document(patient);
    const body = buildDocumentReference(doc, undefined);
    const responses = await together(patient.ins, () => Array.from({ length: 10 }, () => author.request('POST', '/fhir/DocumentReference', { body })));
    for (const response of responses) expect([200, 201], JSON.stringify(response.json)).toContain(response.status);
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    const ids = new Set(responses.map(depositedId));
    expect(ids.size).toBe(1);
    const rows = await rowsOf(patient.ins);
    expect(rows).toEqual([expect.objectContaining({ id: [...ids][0], unique_id: doc.uniqueId, status: 'current', has_content: true })]);
    expect(await depositAuditsOf(patient.ins)).toHaveLength(1);
  });

  it('the same ITI-65 transaction sent ten times at once: every answer names the same document and submission set', async () => {
    const patient = await newPatient();
    const doc = document(patient);
    const bundle = buildProvideBundle([doc]);
    const responses = await together(patient.ins, () => Array.from({ length: 10 }, () => author.request('POST', '/fhir', { body: bundle })));
    for (const response of responses) expect(response.status, JSON.stringify(response.json)).toBe(200);
    expect(new Set(responses.map(depositedId)).size).toBe(1);
    const listLocations = new Set(responses.map((r) => r.json.entry?.[0]?.response?.location));
    expect(listLocations.size).toBe(1);
    const created = responses.filter((r) => r.json.entry?.some((e) => e.response?.status === '201 Created' && e.response.location?.startsWith('DocumentReference/')));
    expect(created).toHaveLength(1);
    expect(await rowsOf(patient.ins)).toHaveLength(1);
    const sets = await t.host.database.pool.query('SELECT id FROM submission_set WHERE ins = $1', [patient.ins]);
    expect(sets.rowCount).toBe(1);
    expect(await depositAuditsOf(patient.ins)).toHaveLength(1);
  });

  it('the same replacement sent ten times at once: one new version, every answer names it', async () => {
    const patient = await newPatient();
    const original = await depositOriginal(patient);
    const replacement = document(patient, { replaces: original.id });
    const body = buildDocumentReference(replacement, undefined);
    const responses = await together(patient.ins, () => Array.from({ length: 10 }, () => author.request('POST', '/fhir/DocumentReference', { body })));
    for (const response of responses) expect([200, 201], JSON.stringify(response.json)).toContain(response.status);
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    const ids = new Set(responses.map(depositedId));
    expect(ids.size).toBe(1);
    const rows = await rowsOf(patient.ins);
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.id === original.id)).toMatchObject({ status: 'superseded' });
    expect(rows.find((r) => r.id === [...ids][0])).toMatchObject({ status: 'current', replaces: original.id, unique_id: replacement.uniqueId });
  });

  it('the same unique id deposited at once with different contents: one lands, the others get 409', async () => {
    const patient = await newPatient();
    const uniqueId = `urn:oid:${newUniqueId()}`;
    const variants = Array.from({ length: 5 }, () => document(patient, { uniqueId }));
    const responses = await together(patient.ins, () => variants.map((doc) => author.request('POST', '/fhir/DocumentReference', { body: buildDocumentReference(doc, undefined) })));
    const winners = responses.flatMap((r, i) => (r.status === 201 ? [i] : []));
    expect(winners).toHaveLength(1);
    for (const [i, response] of responses.entries()) if (i !== winners[0]) expectConflict(response);
    const rows = await rowsOf(patient.ins);
    expect(rows).toHaveLength(1);
    const retrieved = await reader.request('GET', `/fhir/Binary/${rows[0]!.id}`, { accept: 'application/pdf' });
    expect(retrieved.body.equals(variants[winners[0]!]!.content)).toBe(true);
  });

  it('fifty deposits at once for fifty patients all land, complete', async () => {
    const group = await Promise.all(Array.from({ length: 50 }, () => newPatient()));
    const docs = group.map((patient, i) => document(patient, { content: pdfOf(`load ${i} ${randomBytes(4).toString('hex')}`, 100_000) }));
    const responses = await Promise.all(
      docs.map((doc, i) => author.request('POST', i % 2 === 0 ? '/fhir/DocumentReference' : '/fhir', { body: i % 2 === 0 ? buildDocumentReference(doc, undefined) : buildProvideBundle([doc]) })),
    );
    for (const [i, response] of responses.entries()) expect(response.status, JSON.stringify(response.json)).toBe(i % 2 === 0 ? 201 : 200);
    const ids = responses.map(depositedId);
    expect(new Set(ids).size).toBe(50);
    for (const [i, patient] of group.entries()) {
      const rows = await rowsOf(patient.ins);
      expect(rows).toEqual([expect.objectContaining({ id: ids[i], unique_id: docs[i]!.uniqueId, status: 'current', has_content: true })]);
      expect(await depositAuditsOf(patient.ins)).toEqual([{ document_id: ids[i], document_unique_id: docs[i]!.uniqueId }]);
    }
    // and each reads back whole (a sample: the content path is the same for all)
    for (const i of [0, 17, 49]) {
      const retrieved = await reader.request('GET', `/fhir/Binary/${ids[i]!}`, { accept: 'application/pdf' });
      expect(retrieved.status).toBe(200);
      expect(createHash('sha1').update(retrieved.body).digest('base64')).toBe(createHash('sha1').update(docs[i]!.content).digest('base64'));
    }
  });

  it('leaves a consistent database: every document has its content, and the audit log verifies', async () => {
    const pool = t.host.database.pool;
    const orphans = await pool.query<{ without_content: number; without_document: number; documents: number; deposits: number }>(
      `SELECT (SELECT count(*) FROM document d WHERE NOT EXISTS (SELECT 1 FROM document_content c WHERE c.document_id = d.id))::int AS without_content,
              (SELECT count(*) FROM document_content c WHERE NOT EXISTS (SELECT 1 FROM document d WHERE d.id = c.document_id))::int AS without_document,
              (SELECT count(*) FROM document)::int AS documents,
              (SELECT count(*) FROM audit_entry WHERE action = 'document.deposit' AND outcome = 'allowed')::int AS deposits`,
    );
    const counts = orphans.rows[0]!;
    expect(counts).toMatchObject({ without_content: 0, without_document: 0 });
    expect(counts.deposits).toBe(counts.documents);
    const publicKey = await readFile(t.host.config.auditSigningKeyFile.replace(/\.pem$/, '.pub.pem'), 'utf8');
    const verification = await verifyAuditLog(pool, publicKey);
    expect(verification.ok, JSON.stringify(verification)).toBe(true);
  });
});
