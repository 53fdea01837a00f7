import { buildProvideBundle } from '@dmp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PATIENTS } from '../src/demo/demo-people.js';
import { createRecordFromCarteVitale } from '../src/identity/create-record.js';
import { changeRecord } from '../src/identity/manage-record.js';
import { updateDocument } from '../src/records/update-document.js';
import { deliveryReport } from './fixtures/documents.js';
import { DEMO_PROFESSIONALS, startTestHost, type ProfessionalClient, type TestHost } from './harness.js';

const { lea, julien } = DEMO_PATIENTS;
const MASK = { coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_A07-StatutVisibiliteDocument/FHIR/TRE-A07-StatutVisibiliteDocument', code: 'MASQUE_PS' }] };
const searchOf = (ins: string) => `/fhir/DocumentReference?patient.identifier=${encodeURIComponent(`urn:oid:1.2.250.1.213.1.4.8|${ins}`)}`;

/**
 * A search asks for the record and the documents in one statement, filtering the documents with the
 * scope the same professional had last time; the documents count only if the record gives the
 * same scope. Here the scope changes from one record to the next, and on one record over time.
 */
describe('a search when the caller’s scope differs from the last one', () => {
  let t: TestHost;
  let obstetrician: ProfessionalClient;
  let midwife: ProfessionalClient;
  const masked: Record<string, string> = {};

  const ids = (response: { json: { entry?: { resource: Record<string, unknown> }[] } }) => (response.json.entry ?? []).map((e) => String(e.resource.id));

  beforeAll(async () => {
    t = await startTestHost();
    [obstetrician, midwife] = await Promise.all([t.client(DEMO_PROFESSIONALS.obstetrician), t.client(DEMO_PROFESSIONALS.midwife)]);
    for (const patient of [lea, julien]) {
      await createRecordFromCarteVitale(t.admin, t.host.services, t.host.insi, patient.card);
      const deposit = await midwife.request('POST', '/fhir', { body: buildProvideBundle([deliveryReport(patient.ins, DEMO_PROFESSIONALS.midwife)]) });
      expect(deposit.status).toBe(200);
      const id = String(deposit.json.entry?.[1]?.response?.location).split('/')[1]!;
      await updateDocument(t.admin, t.host.services, id, { kind: 'json-patch', operations: [{ op: 'add', path: '/securityLabel/-', value: MASK }] });
      masked[patient.ins] = id;
    }
    // Léa authorised the obstetrician (masked documents stay hidden); Julien declared him his médecin traitant (he sees them).
    await changeRecord(t.admin, t.host.services, lea.ins, { kind: 'authorise', nationalId: DEMO_PROFESSIONALS.obstetrician.nationalId });
    await changeRecord(t.admin, t.host.services, julien.ins, { kind: 'declare-medecin-traitant', nationalId: DEMO_PROFESSIONALS.obstetrician.nationalId });
  });
  afterAll(async () => t?.stop());

  it('answers each record by its own scope, whichever was searched before', async () => {
    for (let round = 0; round < 3; round++) {
      expect(ids(await obstetrician.request('GET', searchOf(lea.ins)))).toEqual([]);
      expect(ids(await obstetrician.request('GET', searchOf(julien.ins)))).toEqual([masked[julien.ins]]);
      expect(ids(await obstetrician.request('GET', searchOf(julien.ins)))).toEqual([masked[julien.ins]]);
      expect(ids(await obstetrician.request('GET', searchOf(lea.ins)))).toEqual([]);
    }
    const rules = await t.host.database.pool.query<{ partition: string; rule: string; n: string }>(
      `SELECT partition, rule, count(*) AS n FROM audit_entry WHERE action = 'document.search' AND actor->>'id' = $1 GROUP BY partition, rule ORDER BY partition`,
      [DEMO_PROFESSIONALS.obstetrician.nationalId],
    );
    expect(rules.rows.map((r) => [r.partition, r.rule, Number(r.n)])).toEqual([
      [julien.ins, 'medecin-traitant', 6],
      [lea.ins, 'authorised-professional', 6],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
  });

  it('follows the patient’s decisions at once: a block refuses, a declaration shows the masked document', async () => {
    expect(ids(await obstetrician.request('GET', searchOf(lea.ins)))).toEqual([]);
    await changeRecord(t.admin, t.host.services, lea.ins, { kind: 'block', nationalId: DEMO_PROFESSIONALS.obstetrician.nationalId });
    const blocked = await obstetrician.request('GET', searchOf(lea.ins));
    expect(blocked.status).toBe(403);
    await changeRecord(t.admin, t.host.services, lea.ins, { kind: 'unblock', nationalId: DEMO_PROFESSIONALS.obstetrician.nationalId });
    expect(ids(await obstetrician.request('GET', searchOf(lea.ins)))).toEqual([]);
    await changeRecord(t.admin, t.host.services, lea.ins, { kind: 'declare-medecin-traitant', nationalId: DEMO_PROFESSIONALS.obstetrician.nationalId });
    expect(ids(await obstetrician.request('GET', searchOf(lea.ins)))).toEqual([masked[lea.ins]]);
  });

  it('answers 404 for a patient without a record, guessed scope or not', async () => {
    const nobody = '277076322082910';
    expect((await obstetrician.request('GET', searchOf(nobody))).status).toBe(404);
    expect((await obstetrician.request('GET', searchOf(nobody))).status).toBe(404);
  });
});
