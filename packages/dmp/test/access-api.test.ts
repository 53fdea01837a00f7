import { buildProvideBundle } from '@dmp/core';
import { issueEstablishmentCertificate } from '@dmp/national';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAssertion } from '../src/auth/index.js';
import { DEMO_PATIENTS, MATERNITY } from '../src/demo/demo-people.js';
import { createRecordFromCarteVitale } from '../src/identity/create-record.js';
import { changeRecord } from '../src/identity/manage-record.js';
import { deliveryReport } from './fixtures/documents.js';
import { DEMO_PROFESSIONALS, startTestHost, type ProfessionalClient, type TestHost } from './harness.js';

const { lea } = DEMO_PATIENTS;
const INS_TOKEN = `urn:oid:1.2.250.1.213.1.4.8|${lea.ins}`;
const search = `/fhir/DocumentReference?patient.identifier=${encodeURIComponent(INS_TOKEN)}`;
const MASK = { coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_A07-StatutVisibiliteDocument/FHIR/TRE-A07-StatutVisibiliteDocument', code: 'MASQUE_PS' }] };

/** The patient's decisions and the visibility flags, seen through the API by each professional. */
describe('access rules through the API', () => {
  let t: TestHost;
  let midwife: ProfessionalClient;
  let gp: ProfessionalClient;
  let obstetrician: ProfessionalClient;
  let pharmacist: ProfessionalClient;
  let documentId: string;
  let uniqueId: string;

  const ids = (response: { json: { entry?: { resource: Record<string, unknown> }[] } }) => (response.json.entry ?? []).map((e) => String(e.resource.id));

  beforeAll(async () => {
    t = await startTestHost();
    await createRecordFromCarteVitale(t.admin, t.host.services, t.host.insi, lea.card);
    await changeRecord(t.admin, t.host.services, lea.ins, { kind: 'declare-medecin-traitant', nationalId: DEMO_PROFESSIONALS.medecinTraitant.nationalId });
    await changeRecord(t.admin, t.host.services, lea.ins, { kind: 'authorise', nationalId: DEMO_PROFESSIONALS.obstetrician.nationalId });
    [midwife, gp, obstetrician, pharmacist] = await Promise.all([
      t.client(DEMO_PROFESSIONALS.midwife),
      t.client(DEMO_PROFESSIONALS.medecinTraitant),
      t.client(DEMO_PROFESSIONALS.obstetrician),
      t.client(DEMO_PROFESSIONALS.pharmacist),
    ]);
    const doc = deliveryReport(lea.ins, DEMO_PROFESSIONALS.midwife);
    uniqueId = doc.uniqueId ?? '';
    const deposit = await midwife.request('POST', '/fhir', { body: buildProvideBundle([doc]) });
    expect(deposit.status).toBe(200);
    documentId = String(deposit.json.entry?.[1]?.response?.location).split('/')[1]!;
    const stored = await t.host.database.pool.query<{ unique_id: string }>('SELECT unique_id FROM document WHERE id = $1', [documentId]);
    uniqueId = stored.rows[0]!.unique_id;
  });
  afterAll(async () => t?.stop());

  it('TD0.2 reports the record status and the caller’s rights', async () => {
    const byGp = await gp.request('GET', `/fhir/Patient?identifier=${encodeURIComponent(INS_TOKEN)}`);
    expect(byGp.status).toBe(200);
    const patient = byGp.json.entry?.[0]?.resource as { extension: { url: string; valueCode?: string; extension?: { url: string; valueBoolean?: boolean }[] }[]; name: { family: string }[] };
    expect(patient.name[0]?.family).toBe('MARTIN');
    expect(patient.extension.find((e) => e.url.endsWith('dmp-record-status'))?.valueCode).toBe('open');
    const rights = patient.extension.find((e) => e.url.endsWith('dmp-caller-rights'))?.extension ?? [];
    expect(rights.find((r) => r.url === 'read')?.valueBoolean, JSON.stringify(patient.extension)).toBe(true);
    const byPharmacist = await pharmacist.request('GET', `/fhir/Patient?identifier=${encodeURIComponent(INS_TOKEN)}`);
    const pharmacistRights = (byPharmacist.json.entry?.[0]?.resource as typeof patient).extension.find((e) => e.url.endsWith('dmp-caller-rights'))?.extension ?? [];
    expect(pharmacistRights.find((r) => r.url === 'read')?.valueBoolean).toBe(false);
    expect(pharmacistRights.find((r) => r.url === 'deposit')?.valueBoolean).toBe(true);
    const none = await gp.request('GET', `/fhir/Patient?identifier=${encodeURIComponent('urn:oid:1.2.250.1.213.1.4.8|277076322082910')}`);
    expect(none.json.total).toBe(0);
  });

  it('a masked document is hidden from an authorised professional, not from the médecin traitant nor its author', async () => {
    const patched = await t.anonymous('GET', '/health');
    expect(patched.status).toBe(200);
    // the patient (through an administrator) masks it: conditional PATCH by identifier
    const { updateDocument } = await import('../src/records/update-document.js');
    await updateDocument(t.admin, t.host.services, documentId, { kind: 'json-patch', operations: [{ op: 'add', path: '/securityLabel/-', value: MASK }] });
    expect(ids(await obstetrician.request('GET', search))).toEqual([]);
    expect(ids(await gp.request('GET', search))).toEqual([documentId]);
    expect((await obstetrician.request('GET', `/fhir/Binary/${documentId}`)).status).toBe(404);
    expect((await gp.request('GET', `/fhir/Binary/${documentId}`)).status).toBe(200);
  });

  it('a change to a document the caller may not see is answered exactly as for a document that does not exist, and audited', async () => {
    const archive = { contentType: 'application/json-patch+json', body: [{ op: 'add', path: '/extension', value: [{ url: 'https://dmp.sainte-felicite.example/fhir/StructureDefinition/document-archived', valueBoolean: true }] }] };
    const versionBefore = (await t.host.database.pool.query<{ version: number }>('SELECT version FROM document WHERE id = $1', [documentId])).rows[0]!.version;
    const unknownId = `${uniqueId.slice(0, -1)}${uniqueId.endsWith('9') ? '8' : '9'}`;
    const hidden = await obstetrician.request('PATCH', `/fhir/DocumentReference?identifier=${encodeURIComponent(uniqueId)}`, { ...archive, headers: { 'if-match': 'W/"999"' } });
    const missing = await obstetrician.request('PATCH', `/fhir/DocumentReference?identifier=${encodeURIComponent(unknownId)}`, archive);
    expect(hidden.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(hidden.json.issue?.[0]?.diagnostics).toBe(missing.json.issue?.[0]?.diagnostics?.replace(unknownId, uniqueId));
    expect((await obstetrician.request('PATCH', `/fhir/DocumentReference/${documentId}`, archive)).status).toBe(404);
    expect((await t.host.database.pool.query<{ version: number }>('SELECT version FROM document WHERE id = $1', [documentId])).rows[0]!.version).toBe(versionBefore);
    const refusals = await t.host.database.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_entry WHERE partition = $1 AND action = 'document.update' AND outcome = 'denied' AND document_id = $2", [lea.ins, documentId]);
    expect(refusals.rows[0]!.n).toBe(2);
  });

  it('a professional may not unmask a document; the patient may', async () => {
    const attempt = await gp.request('PATCH', `/fhir/DocumentReference?identifier=${encodeURIComponent(uniqueId)}`, {
      contentType: 'application/json-patch+json',
      body: [{ op: 'replace', path: '/securityLabel', value: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'N' }] }] }],
    });
    expect(attempt.status).toBe(403);
    const { updateDocument } = await import('../src/records/update-document.js');
    await updateDocument(t.admin, t.host.services, documentId, {
      kind: 'fhirpath-patch',
      parameters: { resourceType: 'Parameters', parameter: [{ name: 'operation', part: [{ name: 'type', valueCode: 'delete' }, { name: 'path', valueString: "DocumentReference.securityLabel.where(coding.code='MASQUE_PS')" }] }] },
    });
    expect(ids(await obstetrician.request('GET', search))).toEqual([documentId]);
  });

  it('a blocked professional gets nothing, and the refusal is in the history', async () => {
    await changeRecord(t.admin, t.host.services, lea.ins, { kind: 'block', nationalId: DEMO_PROFESSIONALS.obstetrician.nationalId });
    expect((await obstetrician.request('GET', search)).status).toBe(403);
    const history = await gp.request('GET', `/fhir/AuditEvent?patient.identifier=${encodeURIComponent(INS_TOKEN)}`);
    expect(history.status).toBe(403); // professionals do not read the access history
    const { readHistory } = await import('../src/records/read-history.js');
    const { resources } = await readHistory(t.admin, t.host.services, lea.ins, { count: 50 });
    const refusal = resources.find((e) => (e as { outcomeDesc?: string }).outcomeDesc === 'blocked-by-patient');
    expect(refusal).toBeDefined();
    await changeRecord(t.admin, t.host.services, lea.ins, { kind: 'unblock', nationalId: DEMO_PROFESSIONALS.obstetrician.nationalId });
  });

  it('bris de glace needs a reason, opens the record, and is refused once the patient opposes it', async () => {
    expect((await pharmacist.request('GET', search, { assertion: { mode: 'bris_de_glace', reason: 'patiente inconsciente, allergies ?' } })).status).toBe(200);
    // without a reason the assertion cannot even be signed (the host's own check is in auth/assertion.test.ts)
    await expect(pharmacist.request('GET', search, { assertion: { mode: 'bris_de_glace', reason: ' ' } })).rejects.toThrow(/reason/);
    await changeRecord(t.admin, t.host.services, lea.ins, { kind: 'oppose-emergency-access' });
    expect((await pharmacist.request('GET', search, { assertion: { mode: 'bris_de_glace', reason: 'urgence vitale' } })).status).toBe(403);
    await changeRecord(t.admin, t.host.services, lea.ins, { kind: 'accept-emergency-access' });
    const entries = await t.host.database.pool.query("SELECT mode, reason, outcome FROM audit_entry WHERE partition = $1 AND mode = 'bris_de_glace' ORDER BY seq", [lea.ins]);
    expect(entries.rows.map((r) => r.outcome)).toEqual(['allowed', 'denied']);
    expect(entries.rows[0].reason).toBe('patiente inconsciente, allergies ?');
  });

  it('refuses a replayed assertion', async () => {
    const token = await signAssertion(gp.credentials.keyPem, gp.credentials.certPem, {});
    const agent = new Agent({ connect: { ca: t.host.authority.certPem, cert: gp.credentials.certPem, key: gp.credentials.keyPem } });
    const send = () => request(`${t.base}${search}`, { dispatcher: agent, headers: { authorization: `Bearer ${token}` } });
    const first = await send();
    await first.body.arrayBuffer();
    const second = await send();
    const outcome = (await second.body.json()) as { issue: { details?: { text?: string } }[] };
    await agent.close();
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(401);
    expect(outcome.issue[0]?.details?.text).toBe('assertion-replayed');
  });

  it('an establishment certificate acts for a named professional', async () => {
    const issued = await issueEstablishmentCertificate(t.host.authority, { finess: MATERNITY.finess, name: MATERNITY.name, facilityType: 'SA01' });
    const agent = new Agent({ connect: { ca: t.host.authority.certPem, cert: issued.certPem, key: issued.keyPem } });
    const midwifeId = DEMO_PROFESSIONALS.midwife;
    const token = await signAssertion(issued.keyPem, issued.certPem, { sub: midwifeId.nationalId, profession: '50', specialty: 'G15_50', given_name: 'Sophie', family_name: 'BERNARD' });
    const doc = deliveryReport(lea.ins, midwifeId);
    const response = await request(`${t.base}/fhir`, {
      method: 'POST',
      dispatcher: agent,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
      body: JSON.stringify(buildProvideBundle([doc])),
    });
    const body = (await response.body.json()) as { resourceType: string };
    await agent.close();
    expect(response.statusCode, JSON.stringify(body)).toBe(200);
    const audit = await t.host.database.pool.query("SELECT actor FROM audit_entry WHERE partition = $1 AND action = 'document.deposit' ORDER BY seq DESC LIMIT 1", [lea.ins]);
    expect(audit.rows[0].actor).toMatchObject({ id: midwifeId.nationalId, structure: { id: MATERNITY.id } });
  });

  it('ITI-66 lists the submission sets holding visible documents', async () => {
    const lists = await gp.request('GET', `/fhir/List?patient.identifier=${encodeURIComponent(INS_TOKEN)}&code=submissionset`);
    expect(lists.status).toBe(200);
    expect(lists.json.entry?.length).toBeGreaterThanOrEqual(1);
    expect((lists.json.entry?.[0]?.resource as { entry: unknown[] }).entry.length).toBeGreaterThanOrEqual(1);
  });

  it('an assertion naming another patient is refused for every action on this record, and each refusal is audited', async () => {
    const otherPatient = { patient: `urn:oid:1.2.250.1.213.1.4.8|${DEMO_PATIENTS.julien.ins}` };
    const cases: { action: string; send: () => Promise<{ status: number }> }[] = [
      { action: 'record.status', send: () => gp.request('GET', `/fhir/Patient?identifier=${encodeURIComponent(INS_TOKEN)}`, { assertion: otherPatient }) },
      { action: 'document.search', send: () => gp.request('GET', search, { assertion: otherPatient }) },
      { action: 'list.search', send: () => gp.request('GET', `/fhir/List?patient.identifier=${encodeURIComponent(INS_TOKEN)}&code=submissionset`, { assertion: otherPatient }) },
      { action: 'document.read', send: () => gp.request('GET', `/fhir/DocumentReference/${documentId}`, { assertion: otherPatient }) },
      { action: 'document.retrieve', send: () => gp.request('GET', `/fhir/Binary/${documentId}`, { assertion: otherPatient }) },
      { action: 'document.deposit', send: () => midwife.request('POST', '/fhir', { body: buildProvideBundle([deliveryReport(lea.ins, DEMO_PROFESSIONALS.midwife)]), assertion: otherPatient }) },
      {
        action: 'document.update',
        send: () => midwife.request('PATCH', `/fhir/DocumentReference/${documentId}`, { contentType: 'application/json-patch+json', body: [{ op: 'replace', path: '/status', value: 'entered-in-error' }], assertion: otherPatient }),
      },
    ];
    const documentsBefore = await t.host.database.pool.query<{ n: number; versions: number }>('SELECT count(*)::int AS n, sum(version)::int AS versions FROM document WHERE ins = $1', [lea.ins]);
    for (const { action, send } of cases) {
      const before = await t.host.database.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_entry WHERE partition = $1 AND action = $2 AND outcome = 'denied' AND rule = 'assertion-names-another-patient'", [lea.ins, action]);
      const response = await send();
      expect(response.status, action).toBe(403);
      const after = await t.host.database.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_entry WHERE partition = $1 AND action = $2 AND outcome = 'denied' AND rule = 'assertion-names-another-patient'", [lea.ins, action]);
      expect(after.rows[0]!.n, action).toBe(before.rows[0]!.n + 1);
    }
    const documentsAfter = await t.host.database.pool.query<{ n: number; versions: number }>('SELECT count(*)::int AS n, sum(version)::int AS versions FROM document WHERE ins = $1', [lea.ins]);
    expect(documentsAfter.rows[0]).toEqual(documentsBefore.rows[0]);
  });

  it('only the author deletes (entered-in-error); archiving hides from default searches', async () => {
    const asGp = await gp.request('PATCH', `/fhir/DocumentReference/${documentId}`, {
      contentType: 'application/json-patch+json',
      body: [{ op: 'replace', path: '/status', value: 'entered-in-error' }],
    });
    expect(asGp.status).toBe(403);
    const archived = await midwife.request('PATCH', `/fhir/DocumentReference/${documentId}`, {
      contentType: 'application/json-patch+json',
      body: [{ op: 'add', path: '/extension', value: [{ url: 'https://dmp.sainte-felicite.example/fhir/StructureDefinition/document-archived', valueBoolean: true }] }],
    });
    expect(archived.status, JSON.stringify(archived.json)).toBe(200);
    expect(ids(await gp.request('GET', search))).not.toContain(documentId);
    expect(ids(await gp.request('GET', `${search}&status=current,archived`))).toContain(documentId);
    const deleted = await midwife.request('PATCH', `/fhir/DocumentReference/${documentId}`, {
      contentType: 'application/json-patch+json',
      body: [{ op: 'replace', path: '/status', value: 'entered-in-error' }],
    });
    expect(deleted.status).toBe(200);
    expect(deleted.json.status).toBe('entered-in-error');
    const rows = await t.host.database.pool.query('SELECT count(*)::int AS n FROM document_content WHERE document_id = $1', [documentId]);
    expect(rows.rows[0].n).toBe(1); // nothing physically erased
  });
});
