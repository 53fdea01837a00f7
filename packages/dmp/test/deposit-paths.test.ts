import { readFileSync } from 'node:fs';
import { buildProvideBundle } from '@dmp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../src/audit/index.js';
import type { HostServices, RequestContext } from '../src/context.js';
import { DEMO_PATIENTS } from '../src/demo/demo-people.js';
import { createRecordFromCarteVitale } from '../src/identity/create-record.js';
import { enqueueMessage } from '../src/messaging/index.js';
import type { Notifier } from '../src/notifications/notifier.js';
import { depositDocuments } from '../src/records/deposit-documents.js';
import { parseProvideBundle } from '../src/records/parse-submission.js';
import { deliveryReport } from './fixtures/documents.js';
import { DEMO_PROFESSIONALS, startTestHost, type TestHost } from './harness.js';

const { lea } = DEMO_PATIENTS;

/**
 * New documents are deposited by a short path (its statements sent together, node-postgres
 * pipeline mode); what it cannot settle goes the general way. Both commit the document, its
 * content, its audit entry and its notifications together, or nothing.
 */
describe('the deposit of new documents', () => {
  let t: TestHost;
  let midwife: RequestContext;

  beforeAll(async () => {
    t = await startTestHost();
    await createRecordFromCarteVitale(t.admin, t.host.services, t.host.insi, lea.card);
    midwife = {
      actor: { kind: 'professional', professional: { nationalId: DEMO_PROFESSIONALS.midwife.nationalId, profession: DEMO_PROFESSIONALS.midwife.profession } },
      mode: 'normal',
      requestId: 'deposit-paths',
    };
  });
  afterAll(async () => t?.stop());

  const submission = () => parseProvideBundle(buildProvideBundle([deliveryReport(lea.ins, DEMO_PROFESSIONALS.midwife)])).submission;
  const countOf = async (sql: string, values: unknown[]) => Number((await t.host.database.pool.query<{ n: string }>(sql, values)).rows[0]!.n);

  it('keeps the deposit when queuing its notifications fails, and drops what the notifier had queued', async () => {
    const failing: Notifier = {
      async documentsDeposited(db, _ctx, ins) {
        await enqueueMessage(db, t.host.config.masterKey, { channel: 'email', recipient: 'lea@example.org', subject: 'x', body: 'y', idempotencyKey: `deposit-paths:${ins}` });
        throw new Error('the outbox refused');
      },
      async accessed() {},
    };
    const services: HostServices = { ...t.host.services, notifier: failing };
    const result = await depositDocuments(midwife, services, submission());
    const id = result.documents[0]!.id;
    expect(result.documents[0]!.created).toBe(true);
    expect(await countOf('SELECT count(*) AS n FROM document_content WHERE document_id = $1', [id])).toBe(1);
    expect(await countOf(`SELECT count(*) AS n FROM audit_entry WHERE document_id = $1 AND action = 'document.deposit'`, [id])).toBe(1);
    expect(await countOf(`SELECT count(*) AS n FROM message_outbox WHERE idempotency_key LIKE 'deposit-paths:%'`, [])).toBe(0);
  });

  it('answers a resend as the first time by the general path, with no second audit entry', async () => {
    const sent = submission();
    const first = await depositDocuments(midwife, t.host.services, sent);
    const again = await depositDocuments(midwife, t.host.services, sent);
    expect(again.documents).toEqual([{ id: first.documents[0]!.id, created: false }]);
    expect(again.submissionSetId).toBe(first.submissionSetId);
    expect(await countOf(`SELECT count(*) AS n FROM audit_entry WHERE document_id = $1`, [first.documents[0]!.id])).toBe(1);
  });

  it('leaves the audit log whole', async () => {
    const publicKey = readFileSync(t.host.config.auditSigningKeyFile.replace(/\.pem$/, '.pub.pem'), 'utf8');
    const verification = await verifyAuditLog(t.host.database.pool, publicKey);
    expect(verification).toMatchObject({ ok: true });
  });
});
