import { buildProvideBundle } from '@dmp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PATIENT_PASSWORD, ensureDemoAccount } from '../src/demo/demo-account.js';
import { DEMO_PATIENTS } from '../src/demo/demo-people.js';
import { seedDemo } from '../src/demo/seed-demo.js';
import { readDemoMailbox } from '../src/messaging/index.js';
import { deliveryReport } from './fixtures/documents.js';
import { DEMO_PROFESSIONALS, startTestHost, type ProfessionalClient, type TestHost } from './harness.js';

const { mother, lea } = DEMO_PATIENTS;
const motherSearch = `/fhir/DocumentReference?patient.identifier=${encodeURIComponent(`urn:oid:1.2.250.1.213.1.4.8|${mother.ins}`)}`;

/** A patient's browser session, as the web app drives it: cookie, CSRF token. */
class PatientSession {
  cookie = '';
  csrf = '';
  constructor(private readonly base: string) {}

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> & { code?: string }; headers: Headers; raw: Buffer }> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(method !== 'GET' && this.csrf ? { 'x-csrf-token': this.csrf } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    const raw = Buffer.from(await response.arrayBuffer());
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      // not JSON
    }
    if (typeof json.csrfToken === 'string') this.csrf = json.csrfToken;
    return { status: response.status, json, headers: response.headers, raw };
  }
}

describe('the patient portal, through the real host', () => {
  let t: TestHost;
  let loginId: string;
  let obstetrician: ProfessionalClient;
  let signedIn: PatientSession;
  const session = () => new PatientSession(t.portal);

  async function signIn(): Promise<PatientSession> {
    const s = session();
    const challenge = await s.call('POST', '/api/auth/login', { loginId, password: DEMO_PATIENT_PASSWORD });
    expect(challenge.status, JSON.stringify(challenge.json)).toBe(200);
    // the one-time code travels by real SMTP to the demo server's mailbox
    let code: string | undefined;
    for (let i = 0; i < 100 && !code; i++) {
      const mails = await readDemoMailbox(t.host.database.pool, { limit: 5 });
      code = mails.map((m) => /\b(\d{6})\b/.exec(m.text)?.[1]).find(Boolean);
      if (!code) await new Promise((r) => setTimeout(r, 100));
    }
    expect(code).toBeDefined();
    const signedIn = await s.call('POST', '/api/auth/otp', { challengeId: challenge.json.challengeId, code });
    expect(signedIn.status, JSON.stringify(signedIn.json)).toBe(200);
    await t.host.database.pool.query('DELETE FROM demo_mailbox');
    return s;
  }

  beforeAll(async () => {
    t = await startTestHost();
    await seedDemo(t.host.services, t.host.insi);
    loginId = await ensureDemoAccount(t.host.services, t.host.portal);
    obstetrician = await t.client(DEMO_PROFESSIONALS.obstetrician);
    // one sign-in for the file: one-time codes are limited to a few per quarter of an hour
    signedIn = await signIn();
  });
  afterAll(async () => t?.stop());

  it('signs in with password and the one-time code read from the demo inbox, and shows the six parts', async () => {
    const s = signedIn;
    const summary = await s.call('GET', `/api/records/${mother.ins}/summary`);
    expect(summary.status).toBe(200);
    const parts = summary.json.parts as { part: string; count: number }[];
    expect(parts.map((p) => p.part)).toEqual(['care-history', 'medical-history', 'exam-results', 'hospital-reports', 'emergency-contacts', 'advance-directives', 'patient-documents']);
    expect(parts.find((p) => p.part === 'hospital-reports')?.count).toBe(2);
  });

  it('opens a document: a PDF served sandboxed, and who has seen it', async () => {
    const s = signedIn;
    const list = await s.call('GET', `/api/records/${mother.ins}/documents?part=hospital-reports`);
    const first = (list.json.documents as { id: string; title: string }[])[0]!;
    const view = await s.call('GET', `/api/records/${mother.ins}/documents/${first.id}/view`);
    expect(view.json).toMatchObject({ kind: 'pdf' });
    const content = await s.call('GET', String(view.json.contentUrl));
    expect(content.status).toBe(200);
    expect(content.raw.subarray(0, 5).toString()).toBe('%PDF-');
    expect(content.headers.get('content-security-policy')).toMatch(/^sandbox/);
    expect(content.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses another patient’s record in the URL, and audits the refusal', async () => {
    const s = signedIn;
    const other = await s.call('GET', `/api/records/${lea.ins}/summary`);
    expect(other.status).toBe(403);
    const refused = await t.host.database.pool.query("SELECT rule FROM audit_entry WHERE partition = $1 AND outcome = 'denied'", [lea.ins]);
    expect(refused.rowCount).toBeGreaterThan(0);
  });

  it('refuses another patient’s document id under one’s own record, and audits the refusal', async () => {
    const s = signedIn;
    const leaDoc = await t.host.database.pool.query<{ id: string }>('SELECT id FROM document WHERE ins = $1 LIMIT 1', [lea.ins]);
    const id = leaDoc.rows[0]!.id;
    expect((await s.call('GET', `/api/records/${mother.ins}/documents/${id}/view`)).status).toBe(404);
    expect((await s.call('GET', `/api/records/${mother.ins}/documents/${id}/content`)).status).toBe(404);
    const refusal = await t.host.database.pool.query("SELECT rule FROM audit_entry WHERE partition = $1 AND document_id = $2 AND outcome = 'denied'", [lea.ins, id]);
    expect(refusal.rows.map((r) => r.rule)).toContain('not-own-record');
  });

  it('needs the CSRF token on every change', async () => {
    const s = signedIn;
    const token = s.csrf;
    s.csrf = '';
    const refused = await s.call('POST', `/api/records/${mother.ins}/access`, { kind: 'oppose-emergency-access' });
    expect(refused.status).toBe(403);
    s.csrf = token;
    expect((await s.call('POST', `/api/records/${mother.ins}/access`, { kind: 'oppose-emergency-access' })).status).toBe(200);
    expect((await s.call('POST', `/api/records/${mother.ins}/access`, { kind: 'accept-emergency-access' })).status).toBe(200);
  });

  it('blocks a professional: the API then refuses them, and the history says so in plain words', async () => {
    const s = signedIn;
    expect((await obstetrician.request('GET', motherSearch)).status).toBe(200);
    const blocked = await s.call('POST', `/api/records/${mother.ins}/access`, { kind: 'block', nationalId: DEMO_PROFESSIONALS.obstetrician.nationalId });
    expect(blocked.status, JSON.stringify(blocked.json)).toBe(200);
    expect((blocked.json.blocked as { name: string }[]).map((p) => p.name)).toEqual([expect.stringMatching(/Claire/)]);
    expect((await obstetrician.request('GET', motherSearch)).status).toBe(403);
    const history = await s.call('GET', `/api/records/${mother.ins}/history?kind=refusal`);
    const events = history.json.events as { sentence: string; refused: boolean }[];
    expect(events[0]?.sentence).toMatch(/^Claire Fontaine, médecin à Maternité Sainte Félicité, a tenté de consulter vos documents : accès refusé le /);
    expect(history.json.integrity).toMatchObject({ ok: true });
    await s.call('POST', `/api/records/${mother.ins}/access`, { kind: 'unblock', nationalId: DEMO_PROFESSIONALS.obstetrician.nationalId });
  });

  it('masks a document: a professional no longer finds it, the médecin traitant still does', async () => {
    const s = signedIn;
    const gp = await t.client(DEMO_PROFESSIONALS.medecinTraitant);
    const doc = deliveryReport(mother.ins, DEMO_PROFESSIONALS.midwife);
    const midwife = await t.client(DEMO_PROFESSIONALS.midwife);
    expect((await midwife.request('POST', '/fhir', { body: buildProvideBundle([doc]) })).status).toBe(200);
    const list = await s.call('GET', `/api/records/${mother.ins}/documents`);
    const newest = (list.json.documents as { id: string; title: string }[])[0]!;
    const masked = await s.call('PATCH', `/api/records/${mother.ins}/documents/${newest.id}`, { maskedFromProfessionals: true });
    expect(masked.json).toMatchObject({ maskedFromProfessionals: true });
    const ids = async (client: ProfessionalClient) => ((await client.request('GET', motherSearch)).json.entry ?? []).map((e) => e.resource.id);
    expect(await ids(obstetrician)).not.toContain(newest.id);
    expect(await ids(gp)).toContain(newest.id);
  });

  it('records the patient’s own entries, encrypted, and refuses bad input field by field', async () => {
    const s = signedIn;
    const bad = await s.call('POST', `/api/records/${mother.ins}/entries`, { kind: 'emergency-contact', label: '' });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.json.fields as object).sort()).toEqual(['label', 'phone']);
    const created = await s.call('POST', `/api/records/${mother.ins}/entries`, { kind: 'allergy', label: 'Pénicilline', detail: 'urticaire' });
    expect(created.status).toBe(201);
    const stored = await t.host.database.pool.query<{ payload: Buffer }>('SELECT payload FROM patient_entry WHERE id = $1', [created.json.id]);
    expect(stored.rows[0]!.payload.includes(Buffer.from('Pénicilline'))).toBe(false);
    const listed = await s.call('GET', `/api/records/${mother.ins}/entries?kind=allergy`);
    expect(listed.json).toEqual([expect.objectContaining({ label: 'Pénicilline' })]);
    // authorised professionals read it like a document, through the FHIR API
    const allergies = await t.client(DEMO_PROFESSIONALS.midwife).then((c) => c.request('GET', `/fhir/AllergyIntolerance?patient.identifier=${encodeURIComponent(`urn:oid:1.2.250.1.213.1.4.8|${mother.ins}`)}`));
    expect(allergies.status).toBe(200);
    expect(allergies.json.entry?.map((e) => (e.resource.code as { text: string }).text)).toEqual(['Pénicilline']);
    const pharmacist = await t.client(DEMO_PROFESSIONALS.pharmacist);
    expect((await pharmacist.request('GET', `/fhir/AllergyIntolerance?patient.identifier=${encodeURIComponent(`urn:oid:1.2.250.1.213.1.4.8|${mother.ins}`)}`)).status).toBe(403);
  });

  it('adds the patient’s own PDF, refusing a file that is not what it claims', async () => {
    const s = signedIn;
    const fake = await s.call('POST', `/api/records/${mother.ins}/documents`, { title: 'Ordonnance', type: 'DOCPAT01', mimeType: 'application/pdf', data: Buffer.from('MZ not a pdf').toString('base64') });
    expect(fake.status).toBe(422);
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
    const ok = await s.call('POST', `/api/records/${mother.ins}/documents`, { title: 'Mon carnet', type: 'DOCPAT01', mimeType: 'application/pdf', data: pdf.toString('base64') });
    expect(ok.status, JSON.stringify(ok.json)).toBe(201);
    const mine = await s.call('GET', `/api/records/${mother.ins}/documents?part=patient-documents`);
    expect((mine.json.documents as { title: string }[]).map((d) => d.title)).toContain('Mon carnet');
  });

  it('notifies the patient of a new document, a first access and an emergency access (and the médecin traitant of the latter), never of a document hidden from her', async () => {
    const pool = t.host.database.pool;
    const mailsTo = async (recipient: string, subject: RegExp) => (await readDemoMailbox(pool, { recipient, limit: 50 })).filter((m) => subject.test(m.subject));
    const waitFor = async (check: () => Promise<number>, atLeast: number) => {
      for (let i = 0; i < 100 && (await check()) < atLeast; i++) await new Promise((r) => setTimeout(r, 100));
      return check();
    };
    // let the messages of earlier tests go out first
    for (let i = 0; i < 100; i++) {
      const pending = await pool.query("SELECT 1 FROM message_outbox WHERE status = 'pending' LIMIT 1");
      if (pending.rowCount === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await pool.query('DELETE FROM demo_mailbox');
    const midwife = await t.client(DEMO_PROFESSIONALS.midwife);
    const hidden = deliveryReport(mother.ins, DEMO_PROFESSIONALS.midwife, { visibility: ['INVISIBLE_PATIENT'] });
    expect((await midwife.request('POST', '/fhir', { body: buildProvideBundle([hidden]) })).status).toBe(200);
    const shown = deliveryReport(mother.ins, DEMO_PROFESSIONALS.midwife);
    expect((await midwife.request('POST', '/fhir', { body: buildProvideBundle([shown]) })).status).toBe(200);
    expect(await waitFor(async () => (await mailsTo('camille.leroy@example.org', /Nouveau document/)).length, 1)).toBe(1);

    const pharmacist = await t.client(DEMO_PROFESSIONALS.pharmacist);
    expect((await pharmacist.request('GET', motherSearch, { assertion: { mode: 'bris_de_glace', reason: 'malaise en officine' } })).status).toBe(200);
    expect(await waitFor(async () => (await mailsTo('camille.leroy@example.org', /urgence/)).length, 1)).toBe(1);
    expect(await waitFor(async () => (await mailsTo('camille.leroy@example.org', /première|consulté votre DMP/)).length, 1)).toBe(1);
    const doctor = await t.host.directory.professional(DEMO_PROFESSIONALS.medecinTraitant.nationalId);
    expect(await waitFor(async () => (await mailsTo(doctor!.mssAddress!, /urgence/)).length, 1)).toBe(1);
    const emergencyMail = (await mailsTo('camille.leroy@example.org', /urgence/))[0]!;
    expect(emergencyMail.text).toContain('malaise en officine');
  });
});
