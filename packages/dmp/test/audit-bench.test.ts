import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuditWriter,
  appendInTransaction,
  createCheckpoint,
  generateAuditSigningKey,
  queryHistory,
  verifyAuditLog,
  type AuditRecord,
} from '../src/audit/index.js';
import { inTransaction, type Database } from '../src/db/database.js';
import { freshDatabase } from './test-database.js';

/**
 * What the audit log costs and sustains on this machine. Off by default (it runs for a minute);
 * `AUDIT_BENCH=1 npx vitest run --project integration packages/dmp/test/audit-bench.test.ts`.
 */

const PATIENTS = Array.from({ length: 1000 }, (_, i) => `2${String(i).padStart(14, '0')}`);

function record(i: number): AuditRecord {
  return {
    patientIns: PATIENTS[i % PATIENTS.length],
    actor: { kind: 'professional', id: '810000000001', profession: '10', specialty: 'G15_10/SM26', familyName: 'Martin', givenName: 'Anne', software: 'bench' },
    action: 'document.read',
    outcome: 'allowed',
    rule: 'authorised-professional',
    mode: 'normal',
    documentId: '6f1c2d3e-4b5a-4c6d-8e7f-001122334455',
    requestId: `bench-${i}`,
  };
}

/** `writers` loops, each writing one entry and awaiting it before the next, for `ms`. */
async function sustained(writers: number, ms: number, write: (i: number) => Promise<unknown>): Promise<number> {
  let count = 0;
  const end = Date.now() + ms;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (Date.now() < end) await write(count++);
    }),
  );
  return Math.round(count / ((performance.now() - started) / 1000));
}

describe.runIf(process.env.AUDIT_BENCH === '1')('audit log bench', () => {
  let db: Database & { drop(): Promise<void> };
  const report: Record<string, unknown> = {};

  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    console.log(JSON.stringify(report, null, 2));
    await db?.drop();
  });

  it('measures writers, verification and history', { timeout: 600_000 }, async () => {
    const seconds = Number(process.env.AUDIT_BENCH_SECONDS ?? 5);
    const off = new AuditWriter({ pool: db.pool, enabled: false });
    report['8 writers, audit disabled (entries/s)'] = await sustained(8, 1000, (i) => off.write(record(i)));

    for (const writers of [1, 8, 64]) {
      const writer = new AuditWriter({ pool: db.pool });
      const rate = await sustained(writers, seconds * 1000, (i) => writer.write(record(i)));
      await writer.close();
      const { flushes, entries } = writer.stats;
      report[`${writers} writers, group commit`] = {
        entriesPerSecond: rate,
        transactions: flushes,
        meanBatch: +(entries / flushes).toFixed(1),
      };
    }

    report['8 writers, one transaction per entry (appendInTransaction, entries/s)'] = await sustained(8, seconds * 1000, (i) =>
      inTransaction(db.pool, (client) => appendInTransaction(client, [record(i)])),
    );

    const burst = new AuditWriter({ pool: db.pool, maxBatch: 500 });
    const burstStart = performance.now();
    for (let chunk = 0; chunk < 10; chunk += 1) {
      await Promise.all(Array.from({ length: 10_000 }, (_, i) => burst.write(record(chunk * 10_000 + i))));
    }
    await burst.close();
    report['100,000 writes in bursts of 10,000, batches of 500 (entries/s)'] = Math.round(100_000 / ((performance.now() - burstStart) / 1000));

    const key = generateAuditSigningKey();
    const checkpointStart = performance.now();
    const checkpoint = await createCheckpoint(db.pool, key.privateKeyPem);
    report[`checkpoint over ${checkpoint.headCount} heads (ms)`] = Math.round(performance.now() - checkpointStart);

    const verifyStart = performance.now();
    const verification = await verifyAuditLog(db.pool, key.publicKeyPem);
    const verifySeconds = (performance.now() - verifyStart) / 1000;
    expect(verification.ok).toBe(true);
    if (verification.ok) {
      report['verify'] = { entries: verification.entries, seconds: +verifySeconds.toFixed(1), entriesPerSecond: Math.round(verification.entries / verifySeconds) };
    }

    const historyStart = performance.now();
    for (let i = 0; i < 200; i += 1) await queryHistory(db.pool, { partition: PATIENTS[i % PATIENTS.length] as string, limit: 20 });
    report['history page of 20 (ms, mean of 200)'] = +((performance.now() - historyStart) / 200).toFixed(2);
  });
});
