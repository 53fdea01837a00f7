import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type pg from 'pg';
import { entryHash, genesisHash, HASH_BYTES, type HashedFields } from './audit-entry.js';
import {
  auditKeyId,
  checkpointMessage,
  comparePartitions,
  headsDigest,
  signatureLink,
  type CheckpointHead,
} from './audit-checkpoint.js';
import { ENTRY_COLUMNS, type EntryRow } from './audit-log.js';

/**
 * Verifies the audit log (DESIGN.md §2.2, the `verify the audit log` command): recomputes every
 * chain from its first entry, compares each chain with its head, and checks every checkpoint's
 * signature and that the heads it signed are still in the log.
 *
 * What it catches, with the entry it names:
 * - an entry edited in place: the entry (its hash no longer matches its content);
 * - an entry removed from the middle: the first missing sequence number;
 * - entries reordered, or removed and the rest renumbered: the first entry whose `prev_hash` does
 *   not match the entry before it;
 * - entries removed from the tail: the first missing one (from the head, or, when the head was
 *   rewound too, from the checkpoints that signed the longer chain);
 * - a chain rewritten with recomputed hashes: the entry a checkpoint signed that changed;
 * - a checkpoint forged, altered or removed from the middle: the checkpoint (signature).
 *
 * It reads the log in one snapshot (REPEATABLE READ), page by page in key order, so it runs
 * beside live writers and never holds more than a page of entries in memory.
 */

/** A problem found: the first bad entry of a partition, or a bad checkpoint. */
export interface AuditProblem {
  /** The partition, or null for a problem of a checkpoint as a whole. */
  readonly partition: string | null;
  /** The first bad entry's sequence number, or null for a checkpoint problem. */
  readonly seq: number | null;
  /** The checkpoint that revealed the problem, if one did. */
  readonly checkpointId?: number;
  readonly problem: string;
}

export type AuditVerification =
  | { readonly ok: true; readonly entries: number; readonly partitions: number; readonly checkpoints: number }
  | {
      readonly ok: false;
      readonly entries: number;
      readonly partitions: number;
      readonly checkpoints: number;
      /** One problem per partition (its first bad entry), then problems of checkpoints. */
      readonly problems: AuditProblem[];
      readonly firstBad: AuditProblem;
      /** Problems left out beyond `maxProblems`. */
      readonly omittedProblems: number;
    };

export interface VerifyOptions {
  /** Entries read per query (default 5000). */
  readonly pageSize?: number;
  /** Most problems reported (default 10,000). */
  readonly maxProblems?: number;
  /**
   * Verify one chain only (a patient's history, as the portal shows it): its entries and its head.
   * Checkpoints are then left out (`checkpoints: 0`); the whole-log verification covers them.
   */
  readonly partition?: string;
}

/**
 * Verifies the whole log. `publicKeys`: the PEM (SPKI) Ed25519 public keys checkpoints may be
 * signed with (all the keys the host has used).
 */
export async function verifyAuditLog(
  pool: pg.Pool,
  publicKeys: string | readonly string[],
  options: VerifyOptions = {},
): Promise<AuditVerification> {
  const keys = new Map<string, KeyObject>();
  for (const pem of typeof publicKeys === 'string' ? [publicKeys] : publicKeys) {
    const key = createPublicKey(pem);
    keys.set(auditKeyId(key), key);
  }
  const problems = new ProblemList(options.maxProblems ?? 10_000);
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { entries, partitions } = await verifyChains(client, problems, options.pageSize ?? 5000, options.partition);
    const checkpoints = options.partition === undefined ? await verifyCheckpoints(client, keys, problems) : 0;
    await client.query('COMMIT');
    const list = problems.list();
    const firstBad = list[0];
    return firstBad
      ? { ok: false, entries, partitions, checkpoints, problems: list, firstBad, omittedProblems: problems.omitted }
      : { ok: true, entries, partitions, checkpoints };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Keeps the lowest bad entry of each partition, in the order partitions were met. */
class ProblemList {
  readonly #byPartition = new Map<string, AuditProblem>();
  readonly #checkpoints: AuditProblem[] = [];
  omitted = 0;

  constructor(private readonly max: number) {}

  add(problem: AuditProblem): void {
    if (problem.partition === null || problem.seq === null) {
      if (this.#size() < this.max) this.#checkpoints.push(problem);
      else this.omitted += 1;
      return;
    }
    const known = this.#byPartition.get(problem.partition);
    if (known) {
      if (known.seq !== null && problem.seq < known.seq) this.#byPartition.set(problem.partition, problem);
    } else if (this.#size() < this.max) {
      this.#byPartition.set(problem.partition, problem);
    } else {
      this.omitted += 1;
    }
  }

  list(): AuditProblem[] {
    return [...this.#byPartition.values(), ...this.#checkpoints];
  }

  #size(): number {
    return this.#byPartition.size + this.#checkpoints.length;
  }
}

interface Head {
  readonly seq: number;
  readonly hash: Buffer;
}

interface ChainState {
  readonly partition: string;
  readonly head: Head | undefined;
  expected: number;
  lastHash: Buffer;
  bad: boolean;
}

async function verifyChains(client: pg.PoolClient, problems: ProblemList, pageSize: number, only?: string): Promise<{ entries: number; partitions: number }> {
  let entries = 0;
  let partitions = 0;
  let chain: ChainState | undefined;
  let after: { partition: string; seq: string } = { partition: '', seq: '0' };
  const bad = (state: ChainState, seq: number, problem: string): void => {
    state.bad = true;
    problems.add({ partition: state.partition, seq, problem });
  };

  for (;;) {
    const { rows } = await client.query<EntryRow>(
      only === undefined
        ? `SELECT ${ENTRY_COLUMNS} FROM audit_entry WHERE (partition, seq) > ($1, $2) ORDER BY partition, seq LIMIT $3`
        : `SELECT ${ENTRY_COLUMNS} FROM audit_entry WHERE partition = $4 AND (partition, seq) > ($1, $2) ORDER BY partition, seq LIMIT $3`,
      only === undefined ? [after.partition, after.seq, pageSize] : [after.partition, after.seq, pageSize, only],
    );
    if (rows.length === 0) break;
    const heads = await loadHeads(client, [...new Set(rows.map((row) => row.partition))]);
    for (const row of rows) {
      if (chain?.partition !== row.partition) {
        if (chain) finishChain(chain, bad);
        chain = { partition: row.partition, head: heads.get(row.partition), expected: 1, lastHash: genesisHash(), bad: false };
        partitions += 1;
      }
      entries += 1;
      if (!chain.bad) checkEntry(chain, row, bad);
    }
    const last = rows[rows.length - 1] as EntryRow;
    after = { partition: last.partition, seq: last.seq };
  }
  if (chain) finishChain(chain, bad);

  // Heads of chains whose every entry is gone.
  const orphans = await client.query<{ partition: string; seq: string }>(
    `SELECT partition, seq FROM audit_head h
     WHERE seq > 0 AND ($1::text IS NULL OR partition = $1) AND NOT EXISTS (SELECT 1 FROM audit_entry e WHERE e.partition = h.partition)`,
    [only ?? null],
  );
  for (const head of orphans.rows) {
    problems.add({ partition: head.partition, seq: 1, problem: `entries 1 to ${head.seq} are missing: the chain's head is at ${head.seq}` });
  }
  return { entries, partitions };
}

function checkEntry(chain: ChainState, row: EntryRow, bad: (state: ChainState, seq: number, problem: string) => void): void {
  const seq = Number(row.seq);
  if (seq !== chain.expected) {
    bad(chain, chain.expected, `entries ${chain.expected} to ${seq - 1} are missing (removed from the log)`);
    return;
  }
  if (!row.prev_hash.equals(chain.lastHash)) {
    bad(
      chain,
      seq,
      seq === 1
        ? 'the first entry does not start from the zero hash'
        : `prev_hash does not match the hash of entry ${seq - 1}: entries were removed, inserted or reordered`,
    );
    return;
  }
  let computed: Buffer;
  try {
    computed = entryHash(row.prev_hash, fieldsOfRow(row));
  } catch {
    bad(chain, seq, 'the entry cannot be read as JSON: it was altered');
    return;
  }
  if (!computed.equals(row.hash)) {
    bad(chain, seq, 'the entry does not match its hash: it was altered');
    return;
  }
  chain.lastHash = row.hash;
  chain.expected = seq + 1;
}

function finishChain(chain: ChainState, bad: (state: ChainState, seq: number, problem: string) => void): void {
  if (chain.bad) return;
  const last = chain.expected - 1;
  const head = chain.head;
  if (!head) bad(chain, last, 'the chain has no head');
  else if (head.seq > last) bad(chain, last + 1, `entries ${last + 1} to ${head.seq} are missing: the chain's head is at ${head.seq}`);
  else if (head.seq < last) bad(chain, head.seq + 1, `the chain's head is at ${head.seq} but the log holds entries up to ${last}`);
  else if (!head.hash.equals(chain.lastHash)) bad(chain, last, "the chain's head does not match its last entry");
}

function fieldsOfRow(row: EntryRow): HashedFields {
  return {
    partition: row.partition,
    seq: Number(row.seq),
    recordedAt: row.recorded_at.toISOString(),
    actor: row.actor,
    action: row.action,
    outcome: row.outcome,
    rule: row.rule,
    mode: row.mode,
    reason: row.reason,
    documentId: row.document_id,
    documentUniqueId: row.document_unique_id,
    requestId: row.request_id,
    details: row.details,
  };
}

async function loadHeads(client: pg.PoolClient, partitions: string[]): Promise<Map<string, Head>> {
  const { rows } = await client.query<{ partition: string; seq: string; hash: Buffer }>(
    'SELECT partition, seq, hash FROM audit_head WHERE partition = ANY($1::text[])',
    [partitions],
  );
  return new Map(rows.map((row) => [row.partition, { seq: Number(row.seq), hash: row.hash }]));
}

interface CheckpointRow {
  id: string;
  created_at: Date;
  heads_digest: Buffer;
  head_count: number;
  signature: Buffer;
  key_id: string;
  heads: unknown;
}

interface MissingHeadRow {
  partition: string;
  seq: string;
  present: boolean;
  last_seq: string | null;
}

async function verifyCheckpoints(client: pg.PoolClient, keys: ReadonlyMap<string, KeyObject>, problems: ProblemList): Promise<number> {
  let count = 0;
  let previousSignature: Buffer | undefined;
  for (let after = '0'; ; ) {
    const { rows } = await client.query<CheckpointRow>(
      'SELECT id, created_at, heads_digest, head_count, signature, key_id, heads FROM audit_checkpoint WHERE id > $1 ORDER BY id LIMIT 1',
      [after],
    );
    const row = rows[0];
    if (!row) break;
    count += 1;
    after = row.id;
    const id = Number(row.id);
    const previous = previousSignature;
    previousSignature = row.signature;
    const fail = (problem: string): void => problems.add({ partition: null, seq: null, checkpointId: id, problem: `checkpoint #${id}: ${problem}` });

    const key = keys.get(row.key_id);
    if (!key) {
      fail(`signed with a key this verification does not know (${row.key_id})`);
      continue;
    }
    const message = checkpointMessage({
      id,
      createdAt: row.created_at.toISOString(),
      headCount: row.head_count,
      headsDigest: row.heads_digest.toString('hex'),
      keyId: row.key_id,
      previous: previous ? signatureLink(previous) : null,
    });
    if (!verify(null, message, key, row.signature)) {
      fail('the signature does not verify: the checkpoint, or the one before it, was forged, altered or removed');
      continue;
    }
    const heads = parseHeads(row.heads);
    if (!heads || heads.length !== row.head_count || !headsDigest(heads).equals(row.heads_digest)) {
      fail('the heads it lists do not match its signed digest');
      continue;
    }
    const missing = await client.query<MissingHeadRow>(
      `SELECT h.partition, h.seq, e.hash IS NOT NULL AS present,
              (SELECT max(m.seq) FROM audit_entry m WHERE m.partition = h.partition) AS last_seq
       FROM audit_checkpoint c
       CROSS JOIN LATERAL jsonb_to_recordset(c.heads) AS h(partition text, seq bigint, hash text)
       LEFT JOIN audit_entry e ON e.partition = h.partition AND e.seq = h.seq
       WHERE c.id = $1 AND (e.hash IS NULL OR e.hash <> decode(h.hash, 'hex'))`,
      [row.id],
    );
    for (const head of missing.rows) {
      const seq = Number(head.seq);
      const lastSeq = head.last_seq === null ? 0 : Number(head.last_seq);
      if (head.present) {
        problems.add({ partition: head.partition, seq, checkpointId: id, problem: `entry ${seq} is not the one checkpoint #${id} signed: the chain was rewritten` });
      } else if (lastSeq < seq) {
        problems.add({
          partition: head.partition,
          seq: lastSeq + 1,
          checkpointId: id,
          problem: `entries ${lastSeq + 1} to ${seq}, which checkpoint #${id} signed, are missing: the chain was truncated`,
        });
      } else {
        problems.add({ partition: head.partition, seq, checkpointId: id, problem: `entry ${seq}, which checkpoint #${id} signed, is missing` });
      }
    }
  }
  return count;
}

/** The heads a checkpoint lists, or undefined if they are not a well-formed sorted list. */
function parseHeads(value: unknown): CheckpointHead[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const heads: CheckpointHead[] = [];
  for (const item of value as unknown[]) {
    if (typeof item !== 'object' || item === null) return undefined;
    const { partition, seq, hash } = item as Record<string, unknown>;
    if (typeof partition !== 'string' || typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return undefined;
    if (typeof hash !== 'string' || !new RegExp(`^[0-9a-f]{${HASH_BYTES * 2}}$`).test(hash)) return undefined;
    const previous = heads.at(-1);
    if (previous && comparePartitions(previous.partition, partition) >= 0) return undefined;
    heads.push({ partition, seq, hash });
  }
  return heads;
}
