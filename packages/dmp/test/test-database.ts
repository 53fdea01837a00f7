import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../src/db/database.js';

/**
 * A fresh, migrated database of its own for one test file, on the suite's server
 * (embedded, or TEST_DATABASE_URL). Dropped by `drop()`.
 */
export async function freshDatabase(): Promise<Database & { drop(): Promise<void> }> {
  const created = await freshDatabaseUrl();
  const db = await openDatabase({ url: created.url, embeddedDir: '', embeddedPort: 0, poolSize: 10 });
  return {
    ...db,
    async drop() {
      await db.close();
      await created.drop();
    },
  };
}

/** A new empty database on the suite's server (not migrated: the host migrates it when it starts). */
export async function freshDatabaseUrl(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = inject('adminDatabaseUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
