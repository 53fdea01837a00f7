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

/**
 * On PostgreSQL, table `assertion_jti` (migration 003): the primary key makes the claim atomic
 * across processes (`INSERT ... ON CONFLICT DO NOTHING`). Expired rows are deleted now and then;
 * a jti is kept until its assertion can no longer be accepted anyway.
 */
export class PostgresReplayStore implements ReplayStore {
  private lastPurge = 0;
  private readonly purgeIntervalMs: number;
  private readonly clock: () => Date;

  constructor(
    private readonly pool: Pick<pg.Pool, 'query'>,
    private readonly options: PostgresReplayStoreOptions = {},
  ) {
    this.purgeIntervalMs = options.purgeIntervalMs ?? 60_000;
    this.clock = options.clock ?? (() => new Date());
  }

  async claim(jti: string, expiresAt: Date): Promise<boolean> {
    const result = await this.pool.query(
      'INSERT INTO assertion_jti (jti, expires_at) VALUES ($1, $2) ON CONFLICT (jti) DO NOTHING',
      [jti, expiresAt],
    );
    const claimed = result.rowCount === 1;
    const now = this.clock();
    if (now.getTime() - this.lastPurge >= this.purgeIntervalMs) {
      this.lastPurge = now.getTime();
      await this.purge(now).catch((error: unknown) => this.options.onPurgeError?.(error));
    }
    return claimed;
  }

  /** Deletes the ids whose assertions expired before `now`; returns how many. */
  async purge(now: Date = this.clock()): Promise<number> {
    const result = await this.pool.query('DELETE FROM assertion_jti WHERE expires_at < $1', [now]);
    return result.rowCount ?? 0;
  }
}
