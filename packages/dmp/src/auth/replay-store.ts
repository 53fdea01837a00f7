import type pg from 'pg';

/**
 * Remembers the `jti` of every assertion accepted, until it expires, so that each assertion is
 * used once. `claim` is atomic: of concurrent claims of one jti, exactly one gets `true`.
 */
export interface ReplayStore {
  /** True the first time `jti` is claimed; false if it was claimed before (a replay). */
  claim(jti: string, expiresAt: Date): Promise<boolean>;
}

/** For unit tests and single-process tools: a map, swept of expired ids as it is used. */
export class InMemoryReplayStore implements ReplayStore {
  private readonly seen = new Map<string, number>();
  private lastSweep = 0;

  constructor(private readonly clock: () => Date = () => new Date()) {}

  async claim(jti: string, expiresAt: Date): Promise<boolean> {
    const now = this.clock().getTime();
    if (now - this.lastSweep > 60_000 || this.seen.size > 100_000) this.sweep(now);
    if (this.seen.has(jti)) return false;
    this.seen.set(jti, expiresAt.getTime());
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private sweep(now: number): void {
    this.lastSweep = now;
    for (const [jti, expiresAt] of this.seen) if (expiresAt < now) this.seen.delete(jti);
  }
}

export interface PostgresReplayStoreOptions {
  /** Least time between two purges of expired rows. Default one minute. */
  readonly purgeIntervalMs?: number;
  readonly clock?: () => Date;
  /** Told when a purge fails (a purge failure never refuses an assertion). */
  readonly onPurgeError?: (error: unknown) => void;
}

interface PendingClaim {
  readonly jti: string;
  readonly expiresAt: Date;
  readonly resolve: (claimed: boolean) => void;
  readonly reject: (error: Error) => void;
}

/**
 * On PostgreSQL, table `assertion_jti` (migration 003): the primary key makes the claim atomic
 * across processes (`INSERT ... ON CONFLICT DO NOTHING`). Concurrent claims share one statement
 * and one commit (group commit: while one batch is in flight, the next accumulates), so a busy host
 * pays one round trip and one WAL flush per batch, not per request. Expired rows are deleted now
 * and then; a jti is kept until its assertion can no longer be accepted anyway.
 */
export class PostgresReplayStore implements ReplayStore {
  private lastPurge = 0;
  private readonly purgeIntervalMs: number;
  private readonly clock: () => Date;
  private queue: PendingClaim[] = [];
  private draining: Promise<void> | undefined;

  constructor(
    private readonly pool: Pick<pg.Pool, 'query'>,
    private readonly options: PostgresReplayStoreOptions = {},
  ) {
    this.purgeIntervalMs = options.purgeIntervalMs ?? 60_000;
    this.clock = options.clock ?? (() => new Date());
  }

  claim(jti: string, expiresAt: Date): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ jti, expiresAt, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    try {
      // the claims of the requests read in this turn of the event loop join the first batch
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, 1000);
        await this.flush(batch);
      }
    } finally {
      this.draining = undefined;
    }
    const now = this.clock();
    if (now.getTime() - this.lastPurge >= this.purgeIntervalMs) {
      this.lastPurge = now.getTime();
      await this.purge(now).catch((error: unknown) => this.options.onPurgeError?.(error));
    }
  }

  private async flush(batch: PendingClaim[]): Promise<void> {
    // The first claim of a jti within the batch is the one that may win; later ones are replays.
    const first = new Map<string, PendingClaim>();
    for (const claim of batch) if (!first.has(claim.jti)) first.set(claim.jti, claim);
    try {
      const unique = [...first.values()];
      const result = await this.pool.query<{ jti: string }>({
        name: 'claim-jti',
        text: `INSERT INTO assertion_jti (jti, expires_at)
               SELECT * FROM unnest($1::text[], $2::timestamptz[])
               ON CONFLICT (jti) DO NOTHING RETURNING jti`,
        values: [unique.map((c) => c.jti), unique.map((c) => c.expiresAt)],
      });
      const won = new Set(result.rows.map((r) => r.jti));
      for (const claim of batch) claim.resolve(first.get(claim.jti) === claim && won.has(claim.jti));
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const claim of batch) claim.reject(failure);
    }
  }

  /** Deletes the ids whose assertions expired before `now`; returns how many. */
  async purge(now: Date = this.clock()): Promise<number> {
    const result = await this.pool.query('DELETE FROM assertion_jti WHERE expires_at < $1', [now]);
    return result.rowCount ?? 0;
  }
}
