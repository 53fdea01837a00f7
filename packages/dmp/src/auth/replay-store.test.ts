import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { down, up } from '../db/migrations/003-assertion-replay.js';
import { InMemoryReplayStore, PostgresReplayStore } from './replay-store.js';

const later = (): Date => new Date(Date.now() + 60_000);

describe('in-memory replay store', () => {
  it('lets each jti be claimed once', async () => {
    const store = new InMemoryReplayStore();
    expect(await store.claim('a'.repeat(16), later())).toBe(true);
    expect(await store.claim('a'.repeat(16), later())).toBe(false);
    expect(await store.claim('b'.repeat(16), later())).toBe(true);
  });

  it('forgets expired ids when it sweeps', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const store = new InMemoryReplayStore(() => now);
    await store.claim('x', new Date(now.getTime() + 1000));
    now = new Date(now.getTime() + 120_000);
    await store.claim('y', new Date(now.getTime() + 1000));
    expect(store.size).toBe(1);
  });
});

/** A stand-in for pg.Pool recording queries; the table holds what INSERT ... ON CONFLICT would. */
function fakePool(): { pool: Pick<pg.Pool, 'query'>; queries: string[] } {
  const rows = new Map<string, Date>();
  const queries: string[] = [];
  const query = async (text: string, values: unknown[]) => {
    queries.push(text);
    if (text.startsWith('INSERT')) {
      const jti = String(values[0]);
      if (rows.has(jti)) return { rowCount: 0 };
      rows.set(jti, values[1] as Date);
      return { rowCount: 1 };
    }
    let deleted = 0;
    for (const [jti, expiresAt] of rows) {
      if (expiresAt < (values[0] as Date)) {
        rows.delete(jti);
        deleted++;
      }
    }
    return { rowCount: deleted };
  };
  return { pool: { query } as unknown as Pick<pg.Pool, 'query'>, queries };
}

describe('PostgreSQL replay store (logic)', () => {
  it('claims with INSERT ... ON CONFLICT DO NOTHING and purges at most once per interval', async () => {
    const { pool, queries } = fakePool();
    let now = new Date('2026-01-01T00:00:00Z');
    const store = new PostgresReplayStore(pool, { clock: () => now, purgeIntervalMs: 60_000 });
    expect(await store.claim('j1', new Date(now.getTime() + 1000))).toBe(true);
    expect(await store.claim('j1', new Date(now.getTime() + 1000))).toBe(false);
    expect(queries.filter((q) => q.startsWith('DELETE'))).toHaveLength(1);
    now = new Date(now.getTime() + 61_000);
    expect(await store.claim('j2', new Date(now.getTime() + 1000))).toBe(true);
    expect(queries.filter((q) => q.startsWith('DELETE'))).toHaveLength(2);
    expect(queries[0]).toMatch(/ON CONFLICT \(jti\) DO NOTHING/);
  });

  it('a failing purge does not refuse the claim', async () => {
    const errors: unknown[] = [];
    const pool = {
      query: async (text: string) => {
        if (text.startsWith('DELETE')) throw new Error('lock timeout');
        return { rowCount: 1 };
      },
    } as unknown as Pick<pg.Pool, 'query'>;
    const store = new PostgresReplayStore(pool, { onPurgeError: (error) => errors.push(error) });
    expect(await store.claim('j', later())).toBe(true);
    expect(errors).toHaveLength(1);
  });
});

/** Against a real server when TEST_DATABASE_URL names one (in a schema of its own, dropped after). */
describe.skipIf(!process.env.TEST_DATABASE_URL)('PostgreSQL replay store (real database)', () => {
  it('applies migration 003 and lets exactly one of concurrent claims win', async () => {
    const schema = `replay_${Date.now().toString(36)}`;
    const pool = new pg.Pool({ connectionString: process.env.TEST_DATABASE_URL, max: 8, options: `-c search_path=${schema}` });
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: { connect: () => pool.connect(), end: async () => undefined } as unknown as pg.Pool }) });
    try {
      await pool.query(`CREATE SCHEMA ${schema}`);
      await up(db);
      const store = new PostgresReplayStore(pool);
      const results = await Promise.all(Array.from({ length: 8 }, () => store.claim('same-jti-0123456789', later())));
      expect(results.filter(Boolean)).toHaveLength(1);
      await pool.query(`INSERT INTO assertion_jti VALUES ('old-jti-0123456789', now() - interval '1 hour')`);
      expect(await store.purge()).toBe(1);
      await down(db);
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await db.destroy();
      await pool.end();
    }
  });
});
