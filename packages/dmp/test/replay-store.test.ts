import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresReplayStore } from '../src/auth/index.js';
import type { Database } from '../src/db/database.js';
import { freshDatabase } from './test-database.js';

const later = (): Date => new Date(Date.now() + 60_000);

/** The assertion replay store on a real PostgreSQL (migration 003). */
describe('PostgreSQL replay store', () => {
  let db: Database & { drop(): Promise<void> };
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => db?.drop());

  it('lets exactly one of concurrent claims of a jti win, in one batch or across batches', async () => {
    const store = new PostgresReplayStore(db.pool);
    const results = await Promise.all(Array.from({ length: 20 }, () => store.claim('same-jti-0123456789', later())));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.claim('same-jti-0123456789', later())).toBe(false);
    // two stores (two host processes) racing on one jti
    const other = new PostgresReplayStore(db.pool);
    const raced = await Promise.all([store.claim('raced-jti-0123456789', later()), other.claim('raced-jti-0123456789', later())]);
    expect(raced.filter(Boolean)).toHaveLength(1);
  });

  it('claims many distinct ids concurrently in few statements, each once', async () => {
    const store = new PostgresReplayStore(db.pool);
    const ids = Array.from({ length: 500 }, (_, i) => `bulk-jti-${String(i).padStart(8, '0')}`);
    const results = await Promise.all(ids.map((id) => store.claim(id, later())));
    expect(results.every(Boolean)).toBe(true);
    const rows = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM assertion_jti WHERE jti LIKE 'bulk-jti-%'");
    expect(rows.rows[0]?.n).toBe(500);
  });

  it('purges expired ids, and a failed claim batch rejects its callers', async () => {
    const store = new PostgresReplayStore(db.pool);
    await db.pool.query("INSERT INTO assertion_jti VALUES ('old-jti-0123456789', now() - interval '1 hour')");
    expect(await store.purge()).toBeGreaterThanOrEqual(1);
    // a NULL id violates the primary key's NOT NULL: the whole batch fails, and says so
    await expect(store.claim(null as unknown as string, later())).rejects.toThrow(/null/);
  });
});
