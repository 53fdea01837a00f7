import type pg from 'pg';
import { inTransaction } from '../db/database.js';
import { prepareRecord, type AuditRecord, type PreparedRecord } from './audit-entry.js';
import { appendPrepared, chainBatch, type ChainHead } from './audit-log.js';

/**
 * Group commit for the audit log (DESIGN.md §2.2): an answer that shows health data goes out only
 * once its audit entry is durable, and many requests' entries share one commit.
 *
 * The classic loop: when no flush is in flight, the entries written so far go in one transaction
 * at once; while it is in flight, new entries wait, then all go in the next transaction (at most
 * `maxBatch` entries a transaction). Light load costs one transaction an entry with no added
 * delay; heavy load costs one transaction a batch.
 *
 * A batch is one statement, one round trip: the writer chains it from the heads it knows (those
 * it left, or those a caller read with its record and gave with the entry) and appends it only if
 * no one else moved them meanwhile (a deposit's `appendInTransaction`, another process). Heads it
 * does not know it reads first (one statement, no lock). If a head has moved, or a chain has never
 * been written, the batch goes the locked way (`appendPrepared`: lock the heads, then the same
 * statement).
 *
 * @example
 * const audit = new AuditWriter({ pool });
 * await audit.write({ patientIns, actor, action: 'document.read', outcome: 'allowed', rule, documentId });
 * // only now send the document
 */
export interface AuditWriterOptions {
  readonly pool: pg.Pool;
  /** Most entries in one transaction (default 500). */
  readonly maxBatch?: number;
  /**
   * Bench only: `false` makes `write` resolve at once without writing anything, to measure what
   * the audit costs. Never in production: every access must be audited.
   */
  readonly enabled?: boolean;
  /** Attempts of a batch that failed on a deadlock or serialization failure (default 3). */
  readonly attempts?: number;
  /** Most chain heads remembered, the least recently used forgotten first (default 10,000: searches and reads give the heads they read with the record). */
  readonly rememberedHeads?: number;
}

/** Counters for tests, benches and metrics. */
export interface AuditWriterStats {
  /** Transactions committed. */
  readonly flushes: number;
  /** Entries committed. */
  readonly entries: number;
  /** Batches that failed (their writers were rejected). */
  readonly failedFlushes: number;
  /** Largest batch committed. */
  readonly largestBatch: number;
  /** Batches retried after a deadlock or serialization failure. */
  readonly retries: number;
  /** Batches whose remembered heads had moved (another writer appended), redone under locks. */
  readonly staleHeads: number;
  /** Batches appended under locks (a head neither remembered, given, nor readable; or moved). */
  readonly lockedFlushes: number;
}

/** A batch could not be committed: the entries are not in the log, so the caller must not answer with health data. */
export class AuditWriteError extends Error {
  override readonly name = 'AuditWriteError';
}

interface Waiter {
  readonly record: PreparedRecord;
  /** The head of the record's chain as the caller last saw it, if it read it. */
  readonly head: ChainHead | undefined;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

const RETRYABLE = new Set(['40P01', '40001']); // deadlock_detected, serialization_failure

export class AuditWriter {
  readonly #pool: pg.Pool;
  readonly #maxBatch: number;
  readonly #enabled: boolean;
  readonly #attempts: number;
  readonly #maxHeads: number;
  /** Heads this writer left, by partition; Map order is least recently used first. */
  readonly #heads = new Map<string, ChainHead>();
  #queue: Waiter[] = [];
  /**
   * The flushing loop, while one runs. Cleared by the loop itself in the microtask of its last
   * look at the queue, so a write never counts on a loop that has just ended.
   */
  #draining: Promise<void> | undefined;
  #closed = false;
  #stats = { flushes: 0, entries: 0, failedFlushes: 0, largestBatch: 0, retries: 0, staleHeads: 0, lockedFlushes: 0 };

  constructor(options: AuditWriterOptions) {
    this.#pool = options.pool;
    this.#maxBatch = Math.max(1, options.maxBatch ?? 500);
    this.#enabled = options.enabled ?? true;
    this.#attempts = Math.max(1, options.attempts ?? 3);
    this.#maxHeads = Math.max(0, options.rememberedHeads ?? 10_000);
  }

  /**
   * Records one entry. Resolves once the transaction holding it has committed (durable, with the
   * server's `synchronous_commit`); rejects with InvalidAuditRecordError for a record that cannot
   * be stored, or AuditWriteError if its batch could not be committed.
   *
   * `head`: the head of the entry's chain (its patient's) as the caller read it in its own
   * statement, if it did; a hint that spares the writer reading it (the append checks it still
   * stands, as for remembered heads).
   */
  write(record: AuditRecord, head?: ChainHead): Promise<void> {
    if (this.#closed) return Promise.reject(new AuditWriteError('audit writer is closed'));
    if (!this.#enabled) return Promise.resolve();
    let prepared: PreparedRecord;
    try {
      prepared = prepareRecord(record);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ record: prepared, head, resolve, reject });
      this.#draining ??= this.#drain();
    });
  }

  /** Records several entries (one request's); resolves when all are durable. */
  async writeAll(records: readonly AuditRecord[]): Promise<void> {
    await Promise.all(records.map((record) => this.write(record)));
  }

  get stats(): AuditWriterStats {
    return { ...this.#stats };
  }

  /** Refuses new entries and waits until those already written are committed (or rejected). */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#draining) await this.#draining;
  }

  /** One flushing loop: takes what has accumulated, commits it, and again until nothing waits. */
  async #drain(): Promise<void> {
    try {
      // Let the writes of this turn of the event loop join the first batch: the answers the
      // database has just sent for other requests are read in the same turn, and theirs follow.
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.#maxBatch);
        await this.#flush(batch);
      }
    } finally {
      this.#draining = undefined;
    }
  }

  async #flush(batch: readonly Waiter[]): Promise<void> {
    const records = batch.map((waiter) => waiter.record);
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.#append(records, attempt === 1 ? batch : []);
        break;
      } catch (error) {
        if (attempt < this.#attempts && RETRYABLE.has(errorCode(error))) {
          this.#stats.retries += 1;
          continue;
        }
        this.#stats.failedFlushes += 1;
        const failure = new AuditWriteError(
          `audit log: a batch of ${batch.length} entries could not be committed: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
        for (const waiter of batch) waiter.reject(failure);
        return;
      }
    }
    this.#stats.flushes += 1;
    this.#stats.entries += batch.length;
    this.#stats.largestBatch = Math.max(this.#stats.largestBatch, batch.length);
    for (const waiter of batch) waiter.resolve();
  }

  /**
   * Appends a batch in one statement from the heads known (remembered, or given with the entries)
   * if they still stand; heads not known are read first (one statement, no lock); if one has moved
   * or has never been written, under locks.
   */
  async #append(records: readonly PreparedRecord[], hinted: readonly Waiter[]): Promise<void> {
    const from = this.#known(records, hinted) ?? (await this.#read(records));
    if (from) {
      const batch = chainBatch(records, from);
      try {
        const result = await this.#pool.query(batch.query);
        if (result.rowCount === records.length) {
          this.#remember(batch.heads);
          return;
        }
      } catch (error) {
        this.#forget(records);
        throw error;
      }
      this.#forget(records);
      this.#stats.staleHeads += 1;
    }
    this.#stats.lockedFlushes += 1;
    const batch = await inTransaction(this.#pool, (client) => appendPrepared(client, records));
    if (batch) this.#remember(batch.heads);
  }

  /** The head of every partition of the batch, remembered or given (the furthest along), or undefined if one is not known. */
  #known(records: readonly PreparedRecord[], hinted: readonly Waiter[]): Map<string, ChainHead> | undefined {
    const given = new Map<string, ChainHead>();
    for (const { record, head } of hinted) {
      const seen = given.get(record.partition);
      if (head && (!seen || head.seq > seen.seq)) given.set(record.partition, head);
    }
    const from = new Map<string, ChainHead>();
    for (const { partition } of records) {
      if (from.has(partition)) continue;
      const mine = this.#heads.get(partition);
      const theirs = given.get(partition);
      const head = mine && theirs ? (theirs.seq > mine.seq ? theirs : mine) : (mine ?? theirs);
      if (!head) return undefined;
      from.set(partition, head);
    }
    return from;
  }

  /** Reads the heads of the batch's partitions (no lock); undefined if one has never been written. */
  async #read(records: readonly PreparedRecord[]): Promise<Map<string, ChainHead> | undefined> {
    const partitions = [...new Set(records.map((r) => r.partition))];
    const result = await this.#pool.query<{ partition: string; seq: string; hash: Buffer }>({
      name: 'audit-read-heads',
      text: 'SELECT partition, seq, hash FROM audit_head WHERE partition = ANY($1::text[])',
      values: [partitions],
    });
    if (result.rows.length !== partitions.length) return undefined;
    return new Map(result.rows.map((row) => [row.partition, { seq: Number(row.seq), hash: row.hash }]));
  }

  #remember(heads: ReadonlyMap<string, ChainHead>): void {
    for (const [partition, head] of heads) {
      this.#heads.delete(partition);
      this.#heads.set(partition, head);
    }
    for (const oldest of this.#heads.keys()) {
      if (this.#heads.size <= this.#maxHeads) break;
      this.#heads.delete(oldest);
    }
  }

  #forget(records: readonly PreparedRecord[]): void {
    for (const { partition } of records) this.#heads.delete(partition);
  }
}

function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : '';
}
