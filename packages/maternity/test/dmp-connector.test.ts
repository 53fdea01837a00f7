import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { unzipSync } from 'fflate';
import { issueEstablishmentCertificate } from '@dmp/national';
import { listDocuments } from '../../dmp/src/portal/patient-documents.js';
import { seedDemo } from '../../dmp/src/demo/seed-demo.js';
import { DEMO_PATIENTS } from '../../dmp/src/demo/demo-people.js';
import { startTestHost, DEMO_PROFESSIONALS, type ProfessionalClient, type TestHost } from '../../dmp/test/harness.js';
import { SAINTE_FELICITE } from '../src/config.js';
import { DmpClient } from '../src/connector/dmp-client.js';
import { SmtpMssSender } from '../src/mss/index.js';
import { startTestMaternity, type TestMaternity } from './maternity-harness.js';
import { caesareanDelivery, caesareanOperation, discharge } from './fixtures.js';

const MOTHER = DEMO_PATIENTS.mother.ins;

interface ReceivedMail {
  readonly to: string;
  readonly subject: string;
  readonly attachments: { filename?: string; content: Buffer }[];
}

/** An SMTP server on the loopback standing for the MSS operator. */
async function startMailbox(): Promise<{ port: number; mails: ReceivedMail[]; close(): Promise<void> }> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), subject: parsed.subject ?? '', attachments: parsed.attachments.map((a) => ({ filename: a.filename, content: a.content })) });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The maternity's connector against a real DMP host: deposits over mutual TLS with the
 * establishment certificate of the test IGC-Santé, the lettre de liaison by real SMTP.
 */
describe('the maternity feeds the real DMP', () => {
  let dmp: TestHost;
  let maternity: TestMaternity;
  let mailbox: Awaited<ReturnType<typeof startMailbox>>;
  let client: DmpClient;
  let gp: ProfessionalClient;
  let token: string;
  /** Simulates the maternity dying after the DMP filed a document but before the outbox recorded it. */
  let crashAfterNextDeposit = false;

  beforeAll(async () => {
    dmp = await startTestHost();
    await seedDemo(dmp.host.services, dmp.host.insi);
    const certificate = await issueEstablishmentCertificate(dmp.host.authority, { finess: SAINTE_FELICITE.finess, name: SAINTE_FELICITE.name, facilityType: SAINTE_FELICITE.facilityType });
    client = new DmpClient({ fhirBase: `${dmp.base}/fhir`, certPem: certificate.certPem, keyPem: certificate.keyPem, caPem: dmp.host.authority.certPem, identity: SAINTE_FELICITE });
    mailbox = await startMailbox();
    const mss = new SmtpMssSender({ host: '127.0.0.1', port: mailbox.port, security: 'none' });
    const dmpTarget = {
      async deposit(...args: Parameters<DmpClient['deposit']>) {
        const outcome = await client.deposit(...args);
        if (crashAfterNextDeposit) {
          crashAfterNextDeposit = false;
          throw new Error('simulated crash between the DMP answer and the outbox commit');
        }
        return outcome;
      },
    };
    maternity = await startTestMaternity({ targets: { dmp: dmpTarget, mss }, outbox: true, retry: { baseMs: 50, capMs: 400 } });
    token = await maternity.signIn();
    gp = await dmp.client(DEMO_PROFESSIONALS.medecinTraitant);
  });
  afterAll(async () => {
    await maternity?.stop();
    client?.close();
    await mailbox?.close();
    await dmp?.stop().catch(() => undefined);
  });

  it('a caesarean: CRA, OBP-SNM, CRO and the lettre de liaison reach the DMP with their metadata, the letter leaves by MSS, the mother and her médecin traitant read them', async () => {
    expect((await maternity.api('POST', `/stays/${maternity.stayId}/reports/delivery`, token, caesareanDelivery())).status).toBe(201);
    const obstetrician = await maternity.signIn('cfontaine');
    expect((await maternity.api('POST', `/stays/${maternity.stayId}/reports/caesarean`, obstetrician, caesareanOperation())).status).toBe(201);
    expect((await maternity.api('POST', `/stays/${maternity.stayId}/reports/discharge`, token, discharge())).status).toBe(201);
    await until('the four documents in the DMP', async () => {
      const { rows } = await maternity.ctx.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM clinical_document WHERE dmp_status = 'sent'");
      return rows[0]!.n === 4;
    });

    const search = await gp.request('GET', `/fhir/DocumentReference?patient.identifier=urn:oid:1.2.250.1.213.1.4.8|${MOTHER}&status=current&_count=50`, { assertion: { patient: `urn:oid:1.2.250.1.213.1.4.8|${MOTHER}` } });
    expect(search.status).toBe(200);
    const references = (search.json.entry ?? []).map((e) => e.resource as { type: { coding: { code: string }[] }; category: { coding: { code: string }[] }[]; content: { attachment: { url: string }; format: { code: string } }[]; context: { facilityType: { coding: { code: string }[] }; practiceSetting: { coding: { code: string }[] } }; masterIdentifier: { value: string } });
    const ours = await maternity.ctx.pool.query<{ unique_id: string }>('SELECT unique_id FROM clinical_document');
    const ourIds = new Set(ours.rows.map((r) => `urn:oid:${r.unique_id}`));
    const fromMaternity = references.filter((r) => ourIds.has(r.masterIdentifier.value));
    expect(fromMaternity.map((r) => [r.type.coding[0]!.code, r.content[0]!.format.code]).sort()).toEqual([
      ['11490-0', 'urn:asip:ci-sis:ldl-ses:2017'],
      ['15508-5', 'urn:ihe:iti:xds-sd:pdf:2008'],
      ['34874-8', 'urn:ihe:iti:xds-sd:pdf:2008'],
      ['57057-2', 'urn:asip:ci-sis:obp-snm:2023'],
    ]);
    for (const r of fromMaternity) {
      expect(r.context.facilityType.coding[0]!.code).toBe('SA01');
      expect(r.context.practiceSetting.coding[0]!.code).toBe('ETABLISSEMENT');
      const retrieved = await gp.request('GET', new URL(r.content[0]!.attachment.url).pathname, { accept: '*/*', assertion: { patient: `urn:oid:1.2.250.1.213.1.4.8|${MOTHER}` } });
      expect(retrieved.status).toBe(200);
      expect(retrieved.body.toString('utf8')).toContain('<ClinicalDocument');
      expect(retrieved.body.toString('utf8')).toContain(MOTHER);
    }

    const seenByMother = await listDocuments({ actor: { kind: 'patient', ins: MOTHER }, mode: 'normal', requestId: 'test' }, dmp.host.services, MOTHER, { offset: 0, count: 100 });
    const seenIds = new Set(seenByMother.documents.map((d) => d.id));
    expect(fromMaternity.every((r) => seenIds.has((r as unknown as { id: string }).id))).toBe(true);

    await until('three letters', () => Promise.resolve(mailbox.mails.length >= 3));
    expect(mailbox.mails.map((m) => m.to).sort()).toEqual([`${MOTHER}@patient.mssante.fr`, 'jean.lefevre@medecin.mssante.fr', 'julie.francois@sage-femme.mssante.fr']);
    for (const mail of mailbox.mails) {
      const zip = mail.attachments.find((a) => a.filename === 'IHE_XDM.ZIP');
      expect(zip, mail.subject).toBeDefined();
      const files = unzipSync(new Uint8Array(zip!.content));
      expect(Object.keys(files)).toEqual(expect.arrayContaining(['IHE_XDM/SUBSET01/METADATA.XML', 'INDEX.HTM', 'README.TXT']));
      expect(mail.subject).not.toContain('LEROY');
    }
  });

  it('a crash after the DMP filed a document and before the outbox recorded it: the document is sent again and filed once', async () => {
    crashAfterNextDeposit = true;
    const corrected = await maternity.api('POST', `/stays/${maternity.stayId}/reports/caesarean/corrections`, await maternity.signIn('cfontaine'), { ...caesareanOperation(), complications: 'Aucune.' });
    expect(corrected.status, corrected.body).toBe(201);
    const { rows } = await maternity.ctx.pool.query<{ id: string; unique_id: string }>("SELECT id, unique_id FROM clinical_document WHERE kind = 'CRO' AND version = 2");
    const document = rows[0]!;
    await until('the corrected CRO sent', async () => {
      const status = await maternity.ctx.pool.query<{ dmp_status: string }>('SELECT dmp_status FROM clinical_document WHERE id = $1', [document.id]);
      return status.rows[0]!.dmp_status === 'sent';
    });
    expect(crashAfterNextDeposit).toBe(false);
    const inDmp = await dmp.host.database.pool.query<{ status: string }>('SELECT status FROM document WHERE unique_id = $1', [`urn:oid:${document.unique_id}`]);
    expect(inDmp.rows).toEqual([{ status: 'current' }]);
    const outbox = await maternity.ctx.pool.query<{ attempts: number; status: string }>("SELECT attempts, status FROM connector_outbox WHERE document_id = $1 AND kind = 'dmp_deposit'", [document.id]);
    expect(outbox.rows).toEqual([{ attempts: 1, status: 'done' }]);
    const previous = await dmp.host.database.pool.query<{ status: string }>("SELECT d.status FROM document d WHERE d.unique_id IN (SELECT 'urn:oid:' || $1::text)", [(await maternity.ctx.pool.query<{ unique_id: string }>("SELECT unique_id FROM clinical_document WHERE kind = 'CRO' AND version = 1")).rows[0]!.unique_id]);
    expect(previous.rows).toEqual([{ status: 'superseded' }]);
  });

  it('while the DMP is down the maternity deposits 200 documents; once it is back all 200 arrive, once each', async () => {
    const { config } = dmp.host;
    // the DMP host stops (its database stays): every deposit fails to connect
    await dmp.host.close();
    const cycles = 67; // a delivery (CRA + OBP-SNM) and a discharge (LDL) per cycle: 201 documents
    const started = Date.now();
    const stayIds: string[] = [];
    for (let i = 0; i < cycles; i += 1) {
      const admitted = await maternity.api('POST', '/stays', token, { admittedAt: new Date(Date.now() - 3_600_000).toISOString(), insuredNir: DEMO_PATIENTS.lea.card.insuredNir, rank: 1, familyName: 'Martin', givenName: 'Léa', birthDate: '1995-10-02', identityChecked: true });
      expect(admitted.status, admitted.body).toBe(201);
      const stayId = (admitted.json.stay as { id: string }).id;
      stayIds.push(stayId);
      const delivery = { ...caesareanDelivery(), mode: 'voie_basse_spontanee', perineum: 'intact', placentalDelivery: 'dirigee', anaesthesia: 'peridurale' };
      expect((await maternity.api('POST', `/stays/${stayId}/reports/delivery`, token, delivery)).status).toBe(201);
      expect((await maternity.api('POST', `/stays/${stayId}/reports/discharge`, token, { ...discharge(), admissionMode: 'programmee' })).status).toBe(201);
    }
    const recorded = Date.now() - started;
    const created = await maternity.ctx.pool.query<{ id: string; unique_id: string }>('SELECT id, unique_id FROM clinical_document WHERE stay_id = ANY($1)', [stayIds]);
    expect(created.rows).toHaveLength(201);
    const waiting = await maternity.ctx.pool.query<{ n: number; attempts: number }>("SELECT count(*)::int AS n, max(attempts)::int AS attempts FROM connector_outbox WHERE kind = 'dmp_deposit' AND status = 'pending' AND document_id = ANY($1)", [created.rows.map((r) => r.id)]);
    expect(waiting.rows[0]!.n).toBe(201);
    expect(waiting.rows[0]!.attempts).toBeGreaterThan(0);

    // the DMP comes back on the same port and database
    const restarted = Date.now();
    const { startHost } = await import('../../dmp/src/host.js');
    const back = await startHost({ ...config, port: dmp.host.port }, { checkpointEveryMs: 0 });
    try {
      await until('all 201 documents sent', async () => {
        const { rows } = await maternity.ctx.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM clinical_document WHERE dmp_status = 'sent' AND stay_id = ANY($1)", [stayIds]);
        return rows[0]!.n === 201;
      }, 120_000);
      const drained = Date.now() - restarted;
      const ids = created.rows.map((r) => r.unique_id);
      const inDmp = await back.database.pool.query<{ unique_id: string; n: number }>('SELECT unique_id, count(*)::int AS n FROM document WHERE unique_id = ANY($1) GROUP BY unique_id', [[...ids, ...ids.map((id) => `urn:oid:${id}`)]]);
      expect(inDmp.rows).toHaveLength(201);
      expect(inDmp.rows.every((r) => r.n === 1)).toBe(true);
      console.info(`outbox figures: 201 documents recorded while the DMP was down in ${recorded} ms; all deposited ${drained} ms after the DMP restarted`);
    } finally {
      await back.close();
    }
  });
});
