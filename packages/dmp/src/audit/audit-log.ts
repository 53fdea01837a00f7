import type pg from 'pg';
import {
  entryHash,
  genesisHash,
  hashedFields,
  parseAuditActor,
  prepareRecord,
  type AuditEntry,
  type AuditOutcome,
  type AuditRecord,
  type PreparedRecord,
} from './audit-entry.js';
import type { JsonObject } from './canonical-json.js';

/**
 * Appending to the audit log and reading a patient's access history (DESIGN.md §2.2).
 * Writers take the heads of the partitions they append to with `SELECT ... FOR UPDATE`, so each
 * chain grows one transaction at a time while different patients' chains grow in parallel.
 */

/** Where an appended entry landed. */
export interface AppendedEntry {
  readonly partition: string;
  readonly seq: number;
  readonly recordedAt: Date;
  readonly hash: Buffer;
}

/**
 * Appends `records` to the log within the caller's transaction (a deposit's metadata and its
 * audit entries commit together, or neither does). The transaction must be READ COMMITTED (the
 * default). Returns the entries' places, in the order of `records`.
 * Throws InvalidAuditRecordError before touching the database if a record cannot be stored.
 */
export async function appendInTransaction(client: pg.PoolClient, records: readonly AuditRecord[]): Promise<AppendedEntry[]> {
  return (await appendPrepared(client, records.map(prepareRecord)))?.appended ?? [];
}

// Inserts the heads of partitions never written to (zero hash, seq 0), then locks every head the
// batch needs, in partition order so that two writers cannot deadlock on each other's heads.
// Rows another transaction inserted after this statement's snapshot are absent from the result:
// the caller asks again for those.
const LOCK_HEADS = `
  WITH created AS (
    INSERT INTO audit_head (partition, seq, hash)
    SELECT p, 0, $2::bytea FROM unnest($1::text[]) AS p ORDER BY p
    ON CONFLICT (partition) DO NOTHING
    RETURNING partition, seq, hash
  ), locked AS (
    SELECT partition, seq, hash FROM audit_head WHERE partition = ANY($1::text[]) ORDER BY partition FOR UPDATE
  )
  SELECT partition, seq, hash FROM created
  UNION ALL
  SELECT partition, seq, hash FROM locked`;

// One statement appends the whole batch and moves the heads, but only if every head still stands
// where the batch was chained from (`held` locks them, re-reading any that another transaction
// moved meanwhile); otherwise it writes nothing and reports 0 rows. Under `lockHeads` they always
// stand there; the group-commit writer also runs it alone, from the heads it remembers.
const APPEND = `
  WITH v AS (
    SELECT * FROM unnest($16::text[], $17::bigint[], $18::bytea[], $19::bigint[], $20::bytea[])
      AS v(partition, seq, hash, from_seq, from_hash)
  ), held AS (
    SELECT h.partition FROM audit_head h JOIN v ON h.partition = v.partition
    WHERE h.seq = v.from_seq AND h.hash = v.from_hash
    ORDER BY h.partition FOR UPDATE OF h
  ), unmoved AS (
    SELECT count(*) = cardinality($16::text[]) AS ok FROM held
  ), moved AS (
    UPDATE audit_head h SET seq = v.seq, hash = v.hash FROM v
    WHERE h.partition = v.partition AND (SELECT ok FROM unmoved)
  )
  INSERT INTO audit_entry (partition, seq, recorded_at, actor, action, outcome, rule, mode, reason,
                           document_id, document_unique_id, request_id, details, prev_hash, hash)
  SELECT e.partition, e.seq, $3::timestamptz, e.actor, e.action, e.outcome, e.rule, e.mode, e.reason,
         e.document_id, e.document_unique_id, e.request_id, e.details, e.prev_hash, e.hash
  FROM unnest($1::text[], $2::bigint[], $4::jsonb[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
              $10::uuid[], $11::text[], $12::text[], $13::jsonb[], $14::bytea[], $15::bytea[])
    AS e(partition, seq, actor, action, outcome, rule, mode, reason,
         document_id, document_unique_id, request_id, details, prev_hash, hash)
  WHERE (SELECT ok FROM unmoved)`;

/** A chain head: the last entry's sequence number and hash (seq 0 and the zero hash before the first). */
export interface ChainHead {
  readonly seq: number;
  readonly hash: Buffer;
}

interface HeadRow {
  partition: string;
  seq: string;
  hash: Buffer;
}

/**
 * Locks the heads of `partitions` for the rest of the transaction (creating those never written
 * to), in partition order so that two writers cannot deadlock on each other's heads.
 */
export async function lockHeads(client: pg.PoolClient, partitions: readonly string[]): Promise<Map<string, ChainHead>> {
  const heads = new Map<string, ChainHead>();
  for (let missing = [...partitions].sort(), round = 0; missing.length > 0; round += 1) {
    if (round === 5) throw new Error('audit log: could not lock the chain heads');
    const result = await client.query<HeadRow>({ name: 'audit-lock-heads', text: LOCK_HEADS, values: [missing, genesisHash()] });
    for (const row of result.rows) heads.set(row.partition, { seq: Number(row.seq), hash: row.hash });
    missing = missing.filter((p) => !heads.has(p));
  }
  return heads;
}

/** A batch given its places in the chains: the statement that appends it, and where it lands. */
export interface ChainedBatch {
  readonly query: pg.QueryConfig;
  readonly appended: AppendedEntry[];
  /** Each partition's head after the batch. */
  readonly heads: ReadonlyMap<string, ChainHead>;
}

/**
 * Chains `records` after `from` (the heads of every partition they go to): sequence numbers,
 * hashes, and the one statement that appends them and moves the heads if they still stand at `from`.
 */
export function chainBatch(records: readonly PreparedRecord[], from: ReadonlyMap<string, ChainHead>): ChainedBatch {
  // One time for the batch: within a partition, recording times follow the chain's order.
  const recordedAt = new Date();
  const at = recordedAt.toISOString();
  const columns = {
    partition: [] as string[],
    seq: [] as number[],
    actor: [] as string[],
    action: [] as string[],
    outcome: [] as string[],
    rule: [] as string[],
    mode: [] as (string | null)[],
    reason: [] as (string | null)[],
    documentId: [] as (string | null)[],
    documentUniqueId: [] as (string | null)[],
    requestId: [] as (string | null)[],
    details: [] as (string | null)[],
    prevHash: [] as Buffer[],
    hash: [] as Buffer[],
  };
  const heads = new Map<string, ChainHead>();
  const appended: AppendedEntry[] = [];
  for (const record of records) {
    const head = heads.get(record.partition) ?? from.get(record.partition);
    if (!head) throw new Error(`audit log: no head for partition ${record.partition}`);
    const seq = head.seq + 1;
    const hash = entryHash(head.hash, hashedFields(record, seq, at));
    columns.partition.push(record.partition);
    columns.seq.push(seq);
    columns.actor.push(record.actorJson);
    columns.action.push(record.action);
    columns.outcome.push(record.outcome);
    columns.rule.push(record.rule);
    columns.mode.push(record.mode);
    columns.reason.push(record.reason);
    columns.documentId.push(record.documentId);
    columns.documentUniqueId.push(record.documentUniqueId);
    columns.requestId.push(record.requestId);
    columns.details.push(record.detailsJson);
    columns.prevHash.push(head.hash);
    columns.hash.push(hash);
    heads.set(record.partition, { seq, hash });
    appended.push({ partition: record.partition, seq, recordedAt, hash });
  }
  // Heads in partition order: the UPDATE takes their row locks in the order lockHeads does.
  const moved = [...heads.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query: pg.QueryConfig = {
    name: 'audit-append',
    text: APPEND,
    values: [
      columns.partition,
      columns.seq,
      at,
      columns.actor,
      columns.action,
      columns.outcome,
      columns.rule,
      columns.mode,
      columns.reason,
      columns.documentId,
      columns.documentUniqueId,
      columns.requestId,
      columns.details,
      columns.prevHash,
      columns.hash,
      moved.map(([partition]) => partition),
      moved.map(([, head]) => head.seq),
      moved.map(([, head]) => head.hash),
      moved.map(([partition]) => from.get(partition)?.seq),
      moved.map(([partition]) => from.get(partition)?.hash),
    ],
  };
  return { query, appended, heads };
}

/** Appends records already checked by `prepareRecord`, within the caller's transaction, under locked heads. */
export async function appendPrepared(client: pg.PoolClient, records: readonly PreparedRecord[]): Promise<ChainedBatch | undefined> {
  if (records.length === 0) return undefined;
  const heads = await lockHeads(client, [...new Set(records.map((r) => r.partition))]);
  const batch = chainBatch(records, heads);
  const result = await client.query(batch.query);
  if (result.rowCount !== records.length) throw new Error('audit log: the chain heads moved while locked');
  return batch;
}

/** The columns of `audit_entry`, in the order `entryFromRow` reads them. */
export const ENTRY_COLUMNS =
  'partition, seq, recorded_at, actor, action, outcome, rule, mode, reason, document_id, document_unique_id, request_id, details, prev_hash, hash';

/** A row of `audit_entry` as node-postgres returns it. */
export interface EntryRow {
  partition: string;
  seq: string;
  recorded_at: Date;
  actor: unknown;
  action: string;
  outcome: string;
  rule: string;
  mode: string | null;
  reason: string | null;
  document_id: string | null;
  document_unique_id: string | null;
  request_id: string | null;
  details: unknown;
  prev_hash: Buffer;
  hash: Buffer;
}

/** Turns a stored row into an entry. */
export function entryFromRow(row: EntryRow): AuditEntry {
  return {
    partition: row.partition,
    seq: Number(row.seq),
    recordedAt: row.recorded_at,
    actor: parseAuditActor(row.actor),
    action: row.action,
    outcome: row.outcome as AuditOutcome,
    rule: row.rule,
    mode: row.mode,
    reason: row.reason,
    documentId: row.document_id,
    documentUniqueId: row.document_unique_id,
    requestId: row.request_id,
    details: typeof row.details === 'object' && row.details !== null && !Array.isArray(row.details) ? (row.details as JsonObject) : null,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** A page of a patient's access history. */
export interface HistoryQuery {
  /** The patient's INS (or `_system`). */
  readonly partition: string;
  readonly documentId?: string;
  /** The actor's id (a professional's national id, ...). */
  readonly actorId?: string;
  readonly action?: string | readonly string[];
  readonly outcome?: AuditOutcome;
  /** Entries recorded at or after this instant. */
  readonly since?: Date;
  /** Entries recorded before this instant. */
  readonly until?: Date;
  /** Page size (1..1000). */
  readonly limit: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string;
}

export interface HistoryPage {
  readonly entries: AuditEntry[];
  /** Present when there are older entries. */
  readonly nextCursor?: string;
}

/** A malformed history query (bad cursor, limit out of range). */
export class InvalidHistoryQueryError extends Error {
  override readonly name = 'InvalidHistoryQueryError';
}

/**
 * A patient's access history, newest first (the log's order within the partition), by keyset
 * pagination on the sequence number: a page costs the same however deep it is, and entries
 * appended meanwhile do not shift the pages. The source of ITI-81 (`GET /fhir/AuditEvent`).
 * Hiding entries about documents the reader may not see is the caller's (the access scope's) job.
 */
export async function queryHistory(pool: pg.Pool, query: HistoryQuery): Promise<HistoryPage> {
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 1000) {
    throw new InvalidHistoryQueryError('history: limit must be an integer from 1 to 1000');
  }
  const values: unknown[] = [query.partition];
  const where = ['partition = $1'];
  const param = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  if (query.cursor !== undefined) where.push(`seq < ${param(decodeCursor(query.cursor))}`);
  if (query.documentId !== undefined && !UUID.test(query.documentId)) throw new InvalidHistoryQueryError('history: documentId must be a uuid');
  if (query.documentId !== undefined) where.push(`document_id = ${param(query.documentId.toLowerCase())}::uuid`);
  if (query.actorId !== undefined) where.push(`actor->>'id' = ${param(query.actorId)}`);
  if (query.action !== undefined) where.push(`action = ANY(${param(typeof query.action === 'string' ? [query.action] : query.action)}::text[])`);
  if (query.outcome !== undefined) where.push(`outcome = ${param(query.outcome)}`);
  if (query.since !== undefined) where.push(`recorded_at >= ${param(query.since.toISOString())}::timestamptz`);
  if (query.until !== undefined) where.push(`recorded_at < ${param(query.until.toISOString())}::timestamptz`);
  const limit = param(query.limit + 1);
  const result = await pool.query<EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM audit_entry WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ${limit}`,
    values,
  );
  const rows = result.rows.slice(0, query.limit);
  const last = rows.at(-1);
  return {
    entries: rows.map(entryFromRow),
    ...(result.rows.length > query.limit && last ? { nextCursor: encodeCursor(Number(last.seq)) } : {}),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function encodeCursor(seq: number): string {
  return Buffer.from(`s:${seq}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^s:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1]) throw new InvalidHistoryQueryError('history: invalid cursor');
  return Number(match[1]);
}
