import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabaseUrl } from '../../dmp/test/test-database.js';
import { migrate } from '../src/migrate.js';

/** A migration file as a deployment ships it (compiled JavaScript), creating one table. */
const migration = (table: string) => `export async function up(db) { await db.schema.createTable('${table}').addColumn('id', 'integer').execute(); }\n`;

describe('migrate', () => {
  let database: { url: string; drop(): Promise<void> };
  let pool: pg.Pool;
  let dir: string;
  const tables = async () => (await pool.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE tablename LIKE 'm\\_%' ORDER BY 1")).rows.map((r) => r.tablename);

  beforeAll(async () => {
    database = await freshDatabaseUrl();
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
    dir = await mkdtemp(path.join(os.tmpdir(), 'migrations-'));
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies what is not applied yet, once, and a migration added later on the next start', async () => {
    await writeFile(path.join(dir, '001-first.mjs'), migration('m_first'));
    await migrate(pool, dir);
    expect(await tables()).toEqual(['m_first']);
    await migrate(pool, dir); // all applied: nothing to do (a second CREATE TABLE would fail)
    await writeFile(path.join(dir, '002-second.mjs'), migration('m_second'));
    await migrate(pool, dir);
    expect(await tables()).toEqual(['m_first', 'm_second']);
    expect((await pool.query('SELECT name FROM kysely_migration ORDER BY name')).rows.map((r: { name: string }) => r.name)).toEqual(['001-first', '002-second']);
  });

  it('says which migration failed, and applies nothing of it', async () => {
    await writeFile(path.join(dir, '003-broken.mjs'), "export async function up(db) { await db.schema.createTable('m_third').addColumn('id', 'integer').execute(); throw new Error('broken'); }\n");
    await expect(migrate(pool, dir)).rejects.toThrow(/003-broken/);
    expect(await tables()).toEqual(['m_first', 'm_second']);
  });
});
