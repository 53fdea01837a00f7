import { buildDocumentReference, buildProvideBundle } from '@dmp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PATIENTS } from '../src/demo/demo-people.js';
import { changeRecord } from '../src/identity/manage-record.js';
import { createRecordFromCarteVitale } from '../src/identity/create-record.js';
import { deliveryReport } from './fixtures/documents.js';
import { DEMO_PROFESSIONALS, startTestHost, type ProfessionalClient, type TestHost } from './harness.js';

const mother = DEMO_PATIENTS.mother;
const patientParam = `patient.identifier=${encodeURIComponent(`urn:oid:1.2.250.1.213.1.4.8|${mother.ins}`)}`;

describe('IHE MHD (PDSm) API over mutual TLS', () => {
  let t: TestHost;
  let obstetrician: ProfessionalClient;
  let gp: ProfessionalClient;
  let pharmacist: ProfessionalClient;
  let occupational: ProfessionalClient;

  beforeAll(async () => {
    t = await startTestHost();
    await createRecordFromCarteVitale(t.admin, t.host.services, t.host.insi, mother.card);
    await changeRecord(t.admin, t.host.services, mother.ins, { kind: 'declare-medecin-traitant', nationalId: DEMO_PROFESSIONALS.medecinTraitant.nationalId });
    [obstetrician, gp, pharmacist, occupational] = await Promise.all([
      t.client(DEMO_PROFESSIONALS.obstetrician),
      t.client(DEMO_PROFESSIONALS.medecinTraitant),
      t.client(DEMO_PROFESSIONALS.pharmacist),
      t.client(DEMO_PROFESSIONALS.occupationalPhysician),
    ]);
  });
  afterAll(async () => t?.stop());

  it('serves the capability statement without authentication', async () => {
    const response = await t.anonymous('GET', '/fhir/metadata');
    expect(response.status).toBe(200);
    expect(response.json.resourceType).toBe('CapabilityStatement');
  });

  it('refuses a request without a client certificate or without an assertion', async () => {
    expect((await t.anonymous('GET', `/fhir/DocumentReference?${patientParam}`)).status).toBe(401);
    const noAssertion = await gp.request('GET', `/fhir/DocumentReference?${patientParam}`, { assertion: null });
    expect(noAssertion.status).toBe(401);
    expect(noAssertion.json.issue?.[0]?.diagnostics).toMatch(/assertion/);
  });

  it('deposits (ITI-65), finds (ITI-67) and retrieves (ITI-68) a document', async () => {
    const doc = deliveryReport(mother.ins, DEMO_PROFESSIONALS.obstetrician);
    const deposit = await obstetrician.request('POST', '/fhir', { body: buildProvideBundle([doc]) });
    expect(deposit.status, JSON.stringify(deposit.json)).toBe(200);
    expect(deposit.json.resourceType).toBe('Bundle');
    const location = deposit.json.entry?.[1]?.response?.location ?? '';
    expect(location).toMatch(/^DocumentReference\/[0-9a-f-]{36}$/);

    const search = await gp.request('GET', `/fhir/DocumentReference?${patientParam}&status=current`);
    expect(search.status).toBe(200);
    const found = search.json.entry?.map((e) => e.resource) ?? [];
    expect(found).toHaveLength(1);
    const attachment = (found[0]!.content as { attachment: { url: string; hash: string; size: number } }[])[0]!.attachment;
    expect(attachment.size).toBe(doc.content.length);

    const retrieved = await gp.request('GET', new URL(attachment.url).pathname, { accept: 'application/pdf' });
    expect(retrieved.status).toBe(200);
    expect(retrieved.headers['content-type']).toBe('application/pdf');
    expect(retrieved.body.equals(doc.content)).toBe(true);
  });

  it('answers a resent deposit as the first, and refuses the same unique id with other content', async () => {
    const doc = deliveryReport(mother.ins, DEMO_PROFESSIONALS.obstetrician, { uniqueId: 'urn:oid:1.2.250.1.999.1.1' });
    const first = await obstetrician.request('POST', '/fhir/DocumentReference', { body: buildDocumentReference(doc, undefined) });
    expect(first.status, JSON.stringify(first.json)).toBe(201);
    const again = await obstetrician.request('POST', '/fhir/DocumentReference', { body: buildDocumentReference(doc, undefined) });
    expect(again.status).toBe(200);
    expect(again.json.id).toBe(first.json.id);
    const other = await obstetrician.request('POST', '/fhir/DocumentReference', {
      body: buildDocumentReference({ ...doc, content: Buffer.from('%PDF-1.4 other') }, undefined),
    });
    expect(other.status).toBe(409);
  });

  it('refuses the occupational physician always, and audits the refusal', async () => {
    const response = await occupational.request('GET', `/fhir/DocumentReference?${patientParam}`);
    expect(response.status).toBe(403);
    const history = await t.host.database.pool.query(
      "SELECT outcome, rule FROM audit_entry WHERE partition = $1 AND actor->>'id' = $2",
      [mother.ins, DEMO_PROFESSIONALS.occupationalPhysician.nationalId],
    );
    expect(history.rows).toEqual([expect.objectContaining({ outcome: 'denied' })]);
  });

  it('refuses a pharmacist the patient has not authorised', async () => {
    expect((await pharmacist.request('GET', `/fhir/DocumentReference?${patientParam}`)).status).toBe(403);
  });

  it('serves the health directory to professional software', async () => {
    const found = await gp.request('GET', '/fhir/Practitioner?name=bernard');
    expect(found.status).toBe(200);
    const ids = (found.json.entry ?? []).flatMap((e) => (e.resource.identifier as { value: string }[]).map((i) => i.value));
    expect(ids).toContain('810005678901');
    expect((await t.anonymous('GET', '/fhir/Practitioner?name=bernard')).status).toBe(401);
  });
});
