import { buildProvideBundle } from '@dmp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PATIENTS } from '../src/demo/demo-people.js';
import { createRecordFromCarteVitale } from '../src/identity/create-record.js';
import { changeRecord } from '../src/identity/manage-record.js';
import { ARCHIVE_EXTENSION } from '../src/records/document-presentation.js';
import { deliveryReport } from './fixtures/documents.js';
import { DEMO_PROFESSIONALS, startTestHost, type ProfessionalClient, type TestHost } from './harness.js';

const { lea } = DEMO_PATIENTS;
const search = `/fhir/DocumentReference?patient.identifier=${encodeURIComponent(`urn:oid:1.2.250.1.213.1.4.8|${lea.ins}`)}&status=current,superseded,archived`;

/**
 * Documents are answered from the presentation stored at deposit (migration 008); documents
 * deposited before it have none and are answered from their stored resource. Both give the same
 * DocumentReference, before and after changes.
 */
describe('DocumentReference from the stored presentation or from the stored resource', () => {
  let t: TestHost;
  let midwife: ProfessionalClient;
  let gp: ProfessionalClient;
  let first: string;
  let second: string;

  beforeAll(async () => {
    t = await startTestHost();
    [midwife, gp] = await Promise.all([t.client(DEMO_PROFESSIONALS.midwife), t.client(DEMO_PROFESSIONALS.medecinTraitant)]);
    await createRecordFromCarteVitale(t.admin, t.host.services, t.host.insi, lea.card);
    await changeRecord(t.admin, t.host.services, lea.ins, { kind: 'declare-medecin-traitant', nationalId: DEMO_PROFESSIONALS.medecinTraitant.nationalId });
    const deposit = await midwife.request('POST', '/fhir', { body: buildProvideBundle([deliveryReport(lea.ins, DEMO_PROFESSIONALS.midwife)]) });
    expect(deposit.status).toBe(200);
    first = String(deposit.json.entry?.[1]?.response?.location).split('/')[1]!;
    // a new version replacing it (relatesTo), masked, then archived by its author
    const replacement = deliveryReport(lea.ins, DEMO_PROFESSIONALS.midwife, { replaces: first });
    const replaced = await midwife.request('POST', '/fhir', { body: buildProvideBundle([replacement]) });
    expect(replaced.status, JSON.stringify(replaced.json)).toBe(200);
    second = String(replaced.json.entry?.[1]?.response?.location).split('/')[1]!;
    const MASK = { coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_A07-StatutVisibiliteDocument/FHIR/TRE-A07-StatutVisibiliteDocument', code: 'MASQUE_PS' }] };
    const { updateDocument } = await import('../src/records/update-document.js');
    await updateDocument(t.admin, t.host.services, second, { kind: 'json-patch', operations: [{ op: 'add', path: '/securityLabel/-', value: MASK }] });
    const archive = await midwife.request('PATCH', `/fhir/DocumentReference/${second}`, {
      contentType: 'application/json-patch+json',
      body: [{ op: 'add', path: '/extension', value: [{ url: ARCHIVE_EXTENSION, valueBoolean: true }] }],
    });
    expect(archive.status, JSON.stringify(archive.json)).toBe(200);
  });
  afterAll(async () => t?.stop());

  it('is the same resource either way, in a search and in a read', async () => {
    const stored = await t.host.database.pool.query<{ n: string }>('SELECT count(*) AS n FROM document WHERE ins = $1 AND presentation IS NOT NULL', [lea.ins]);
    expect(Number(stored.rows[0]!.n)).toBe(2);
    const fromPresentation = await gp.request('GET', search);
    const reads = await Promise.all([first, second].map((id) => gp.request('GET', `/fhir/DocumentReference/${id}`)));
    expect(fromPresentation.json.entry).toHaveLength(2);
    const archived = reads[1]!.json as { extension?: { url: string }[]; securityLabel?: unknown[]; meta?: { versionId?: string } };
    expect(archived.extension?.some((e) => e.url === ARCHIVE_EXTENSION)).toBe(true);
    expect(archived.securityLabel).toHaveLength(2);

    await t.host.database.pool.query('UPDATE document SET presentation = NULL WHERE ins = $1', [lea.ins]);
    const fromResource = await gp.request('GET', search);
    expect(fromResource.json).toEqual(fromPresentation.json);
    const readsAgain = await Promise.all([first, second].map((id) => gp.request('GET', `/fhir/DocumentReference/${id}`)));
    expect(readsAgain.map((r) => r.json)).toEqual(reads.map((r) => r.json));
  });
});
