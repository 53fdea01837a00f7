import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INS_OID, nirKey, type PdsmDocument } from '@dmp/core';
import { SimulatedInsi, SYNTHETIC_REGISTER } from '@dmp/national';
import type { DepositOutcome } from '../src/connector/dmp-client.js';
import { SIGN_IN_RATE } from '../src/staff/staff-accounts.js';
import { startTestMaternity, type TestMaternity } from './maternity-harness.js';
import { caesareanDelivery, caesareanOperation, CHOICES, discharge } from './fixtures.js';

/** The maternity's JSON API and records, with a recording DMP (the real one is in the end-to-end test). */
describe('maternity JSON API', () => {
  let t: TestMaternity;
  let token: string;
  const deposits: PdsmDocument[] = [];
  let dmpAnswer: () => DepositOutcome = () => ({ kind: 'accepted', documentReferenceId: `dr-${deposits.length}` });

  /** Alice, the demo mother's newborn, as INSi knows her once her birth is registered (rank 3 on her mother's card). */
  const aliceBirthDate = new Date(Date.now() - 3_600_000).toISOString().slice(0, 10);
  const aliceNir = '2261133063123';
  const alice = { ins: `${aliceNir}${nirKey(aliceNir)}`, oid: INS_OID.nir, birthName: 'LEROY', givenNames: ['Alice'], sex: 'F' as const, birthDate: aliceBirthDate, birthPlace: '33063' };

  beforeAll(async () => {
    t = await startTestMaternity({
      insi: new SimulatedInsi([...SYNTHETIC_REGISTER, { identity: alice, card: { insuredNir: '279035121518989', rank: 3 } }]),
      targets: {
        dmp: { deposit: (doc) => { deposits.push(doc); return Promise.resolve(dmpAnswer()); } },
        mss: { send: () => Promise.resolve({ messageId: 'x', accepted: ['x'], rejected: [] }) },
      },
    });
    token = await t.signIn();
  });
  afterAll(async () => t?.stop());

  it('refuses requests without a session, and a wrong password', async () => {
    expect((await t.api('GET', '/stays', undefined)).status).toBe(401);
    const wrong = await t.api('POST', '/session', undefined, { login: 'sbernard', password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error?.message).toMatch(/incorrect/);
  });

  it('refuses sign-in attempts from one address past the limit, whatever the logins tried', async () => {
    const attempt = (login: string) => t.app.inject({ method: 'POST', url: '/api/v1/session', remoteAddress: '192.0.2.44', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ login, password: 'wrong password!' }) });
    const statuses: number[] = [];
    for (let i = 0; i <= SIGN_IN_RATE.max; i++) statuses.push((await attempt(`unknown-${i}`)).statusCode);
    expect(statuses.slice(0, SIGN_IN_RATE.max).every((s) => s === 401)).toBe(true);
    expect(statuses[SIGN_IN_RATE.max]).toBe(429);
    const right = await t.app.inject({ method: 'POST', url: '/api/v1/session', remoteAddress: '192.0.2.44', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ login: 'sbernard', password: 'Maternite-Bordeaux-2026!' }) });
    expect(right.statusCode).toBe(429);
    expect((await t.api('GET', '/stays', token)).status).toBe(200);
  });

  it('lists the demo mother\'s stay', async () => {
    const answer = await t.api('GET', '/stays', token);
    expect(answer.status).toBe(200);
    const stays = answer.json.stays as { id: string; mother: { identityStatus: string; traits: { birthName: string } } }[];
    expect(stays.find((s) => s.id === t.stayId)?.mother).toMatchObject({ identityStatus: 'QUAL', traits: { birthName: 'DUBOIS' } });
  });

  it.each([
    ['an Apgar score of 15', (d: Record<string, unknown>) => ({ ...d, newborns: [{ ...(d.newborns as object[])[0], apgar5: 15 }] }), 'newborns.0.apgar5', /entre 0 et 10/],
    ['a newborn weight of 0', (d: Record<string, unknown>) => ({ ...d, newborns: [{ ...(d.newborns as object[])[0], weightGrams: 0 }] }), 'newborns.0.weightGrams', /entre 300 et 7000/],
    ["a delivery before the mother's birth", (d: Record<string, unknown>) => ({ ...d, deliveredAt: '1970-05-01T10:00', labourStartedAt: undefined }), 'deliveredAt', /avant la naissance de la mère/],
    ['malformed dates', (d: Record<string, unknown>) => ({ ...d, deliveredAt: 'hier soir' }), 'deliveredAt', /date et heure valide/],
  ])('refuses %s with a clear message, and records nothing', async (_label, change, field, message) => {
    const answer = await t.api('POST', `/stays/${t.stayId}/reports/delivery`, token, change(caesareanDelivery()));
    expect(answer.status).toBe(400);
    expect(answer.json.error?.problems).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.stringMatching(message) as string })]));
    const { rows } = await t.ctx.pool.query('SELECT count(*)::int AS n FROM clinical_report');
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('refuses malformed JSON and oversized bodies without changing anything', async () => {
    const bad = await t.app.inject({ method: 'POST', url: `/api/v1/stays/${t.stayId}/reports/delivery`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: '{"deliveredAt": ' });
    expect(bad.statusCode).toBe(400);
    const big = await t.app.inject({ method: 'POST', url: `/api/v1/stays/${t.stayId}/reports/delivery`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify({ events: 'x'.repeat(2_000_000) }) });
    expect(big.statusCode).toBe(413);
  });

  it('records a caesarean delivery, the operation and the discharge, producing CRA, OBP-SNM, CRO and LDL, all deposited', async () => {
    const delivery = await t.api('POST', `/stays/${t.stayId}/reports/delivery`, token, caesareanDelivery());
    expect(delivery.status, delivery.body).toBe(201);
    const obstetrician = await t.signIn('cfontaine');
    const operation = await t.api('POST', `/stays/${t.stayId}/reports/caesarean`, obstetrician, caesareanOperation());
    expect(operation.status, operation.body).toBe(201);
    const out = await t.api('POST', `/stays/${t.stayId}/reports/discharge`, token, discharge());
    expect(out.status, out.body).toBe(201);
    await t.maternity.outbox.drain();
    const view = await t.api('GET', `/stays/${t.stayId}`, token);
    const documents = view.json.documents as { kind: string; dmpStatus: string; version: number }[];
    expect(documents.map((d) => [d.kind, d.dmpStatus]).sort()).toEqual([['CRA', 'sent'], ['CRO', 'sent'], ['LDL', 'sent'], ['OBP_SNM', 'sent']]);
    expect(deposits.map((d) => d.type.code).sort()).toEqual(['11490-0', '15508-5', '34874-8', '57057-2']);
    const cro = deposits.find((d) => d.type.code === '34874-8')!;
    expect(cro).toMatchObject({ ins: '279035121518989', formatCode: 'urn:ihe:iti:xds-sd:pdf:2008', facilityType: 'SA01', author: { nationalId: '810004567890', profession: '10', specialty: 'G15_10/SM20', structureId: '1330000012' } });
    const newborns = view.json.newborns as { identityStatus: string; kind: string }[];
    expect(newborns).toEqual([expect.objectContaining({ kind: 'newborn', identityStatus: 'PROV' })]);
    const letters = view.json.letters as { recipientKind: string; status: string }[];
    expect(letters.map((l) => [l.recipientKind, l.status]).sort()).toEqual([['medecin-traitant', 'done'], ['patient', 'done'], ['referring', 'done']]);
  });

  it('keeps a newborn under its provisional identity until INSi knows it, then qualifies it from the parent\'s Carte Vitale', async () => {
    const view = await t.api('GET', `/stays/${t.stayId}`, token);
    const newborn = (view.json.newborns as { id: string; ipp: string; identityStatus: string; traits: { birthName: string; givenNames: string[] } }[])[0]!;
    expect(newborn).toMatchObject({ identityStatus: 'PROV', traits: { birthName: 'LEROY', givenNames: ['Alice'] } });
    expect(newborn.ipp).toMatch(/^\d+$/);
    const unknown = await t.api('POST', `/patients/${newborn.id}/identity`, token, { identityChecked: true, card: { insuredNir: '279035121518989', rank: 4, givenName: 'Alice' } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error?.message).toMatch(/INSi ne trouve pas/);
    const still = await t.api('GET', `/stays/${t.stayId}`, token);
    expect((still.json.newborns as { identityStatus: string }[])[0]!.identityStatus).toBe('PROV');
    const found = await t.api('POST', `/patients/${newborn.id}/identity`, token, { identityChecked: true, card: { insuredNir: '279035121518989', rank: 3, givenName: 'Alice' } });
    expect(found.status, found.body).toBe(200);
    expect(found.json.patient).toMatchObject({ identityStatus: 'QUAL', ins: { value: alice.ins, oid: INS_OID.nir } });
  });

  it('validates a stored document against the ANS schema and the CI-SIS Schematrons', async () => {
    const view = await t.api('GET', `/stays/${t.stayId}`, token);
    const snm = (view.json.documents as { id: string; kind: string }[]).find((d) => d.kind === 'OBP_SNM')!;
    const answer = await t.api('GET', `/documents/${snm.id}/validation`, token);
    expect(answer.status, answer.body).toBe(200);
    const report = answer.json.report as { valid: boolean; xsd: unknown[]; schematron: { schema: string; errors: unknown[] }[] };
    expect(report).toMatchObject({ valid: true, xsd: [] });
    expect(report.schematron.map((s) => [s.schema, s.errors.length])).toEqual(expect.arrayContaining([[expect.stringContaining('OBP-SNM') as string, 0]]));
  });

  it('sends a corrected report as a new version that replaces the one in the DMP', async () => {
    const before = deposits.length;
    const corrected = { ...caesareanOperation(), findings: 'Liquide amniotique clair. Utérus cicatriciel normal.' };
    const answer = await t.api('POST', `/stays/${t.stayId}/reports/caesarean/corrections`, await t.signIn('cfontaine'), corrected);
    expect(answer.status, answer.body).toBe(201);
    // the outbox of this test is not started: the nudge after a change must not start it (it raced the drain below)
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(deposits.length).toBe(before);
    await t.maternity.outbox.drain();
    expect(deposits.length).toBe(before + 1);
    expect(deposits.at(-1)).toMatchObject({ type: { code: '34874-8' }, replaces: expect.stringMatching(/^dr-/) as string });
    const view = await t.api('GET', `/stays/${t.stayId}`, token);
    const cros = (view.json.documents as { kind: string; version: number; dmpStatus: string }[]).filter((d) => d.kind === 'CRO');
    expect(cros.map((d) => [d.version, d.dmpStatus])).toEqual([[1, 'sent'], [2, 'sent']]);
  });

  it('keeps a refused document, never sends it, and holds the documents of a provisional identity until it is qualified', async () => {
    const admission = await t.api('POST', '/stays', token, { admittedAt: new Date(Date.now() - 7_200_000).toISOString(), familyName: 'Martin', givenName: 'Léa', birthDate: '1995-10-02' });
    expect(admission.status, admission.body).toBe(201);
    expect(admission.json).toMatchObject({ insi: 'not-asked', patient: { identityStatus: 'PROV' } });
    const stayId = (admission.json.stay as { id: string }).id;
    const patientId = (admission.json.patient as { id: string }).id;
    const home = { ...caesareanDelivery(), mode: 'voie_basse_spontanee', birthPlace: 'domicile', perineum: 'intact', placentalDelivery: 'naturelle', anaesthesia: 'aucune', deliveredAt: new Date(Date.now() - 10_800_000).toISOString(), labourStartedAt: undefined, choices: { ...CHOICES, patientRefused: false } };
    const recorded = await t.api('POST', `/stays/${stayId}/reports/delivery`, token, home);
    expect(recorded.status, recorded.body).toBe(201);
    let view = await t.api('GET', `/stays/${stayId}`, token);
    let docs = view.json.documents as { id: string; kind: string; dmpStatus: string }[];
    expect(docs.map((d) => d.dmpStatus)).toEqual(['held_identity', 'held_identity']);
    const cra = docs.find((d) => d.kind === 'CRA')!;
    const refused = await t.api('POST', `/documents/${cra.id}/consent`, token, { patientInformed: true, patientRefused: true });
    expect(refused.status, refused.body).toBe(200);
    const before = deposits.length;
    const qualified = await t.api('POST', `/patients/${patientId}/identity`, token, { identityChecked: true, card: { insuredNir: '295109912611193', rank: 1, givenName: 'Léa' } });
    expect(qualified.status, qualified.body).toBe(200);
    expect(qualified.json.patient).toMatchObject({ identityStatus: 'QUAL', ins: { value: '295109912611193' } });
    await t.maternity.outbox.drain();
    view = await t.api('GET', `/stays/${stayId}`, token);
    docs = view.json.documents as { id: string; kind: string; dmpStatus: string }[];
    expect(docs.map((d) => [d.kind, d.dmpStatus]).sort()).toEqual([['CRA', 'refused'], ['OBP_SNM', 'sent']]);
    expect(deposits.slice(before).map((d) => [d.type.code, d.ins])).toEqual([['57057-2', '295109912611193']]);
  });

  it('retries while the DMP answers 5xx and marks a 4xx refusal for a person to look at', async () => {
    dmpAnswer = () => ({ kind: 'retry', reason: 'DMP: HTTP 503' });
    const view = await t.api('GET', `/stays/${t.stayId}`, token);
    const ldl = (view.json.documents as { id: string; kind: string }[]).find((d) => d.kind === 'LDL')!;
    const corrected = await t.api('POST', `/stays/${t.stayId}/reports/discharge/corrections`, token, { ...discharge(), summary: 'Suites simples.' });
    expect(corrected.status, corrected.body).toBe(201);
    await t.maternity.outbox.drain();
    const { rows } = await t.ctx.pool.query<{ status: string; attempts: number; last_error: string }>("SELECT status, attempts, last_error FROM connector_outbox WHERE kind = 'dmp_deposit' ORDER BY id DESC LIMIT 1");
    expect(rows[0]).toMatchObject({ status: 'pending', attempts: 1, last_error: 'DMP: HTTP 503' });
    expect(ldl).toBeDefined();
    dmpAnswer = () => ({ kind: 'rejected', status: 422, reason: 'type de document inconnu' });
    await t.ctx.pool.query("UPDATE connector_outbox SET next_attempt_at = now() WHERE status = 'pending'");
    await t.maternity.outbox.drain();
    const after = await t.api('GET', `/stays/${t.stayId}`, token);
    const latest = (after.json.documents as { kind: string; version: number; dmpStatus: string; dmpDetail?: string }[]).filter((d) => d.kind === 'LDL').at(-1)!;
    expect(latest).toMatchObject({ version: 2, dmpStatus: 'rejected', dmpDetail: expect.stringContaining('type de document inconnu') as string });

    // once the cause is dealt with, the staff send it again
    const rejected = (after.json.documents as { id: string; kind: string; version: number }[]).find((d) => d.kind === 'LDL' && d.version === 2)!;
    const sent = (await t.api('POST', `/documents/${(after.json.documents as { id: string; kind: string; version: number }[]).find((d) => d.kind === 'CRA')!.id}/retry`, token, {})).status;
    expect(sent).toBe(409);
    dmpAnswer = () => ({ kind: 'accepted', documentReferenceId: `dr-${deposits.length}` });
    const retried = await t.api('POST', `/documents/${rejected.id}/retry`, token, {});
    expect(retried.status, retried.body).toBe(200);
    expect(retried.json.document).toMatchObject({ dmpStatus: 'queued' });
    await t.maternity.outbox.drain();
    const final = await t.api('GET', `/stays/${t.stayId}`, token);
    expect((final.json.documents as { id: string; dmpStatus: string }[]).find((d) => d.id === rejected.id)!.dmpStatus).toBe('sent');
  });
});
