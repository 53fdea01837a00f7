import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileMigrationProvider, Kysely, Migrator, PostgresDialect } from 'kysely';
import type pg from 'pg';

const MIGRATIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Applies every migration in `db/migrations/` not yet applied (Kysely's migrator: ordered by file
 * name, recorded in `kysely_migration`, guarded by a lock so concurrent starters apply each once).
 */
export async function migrate(pool: pg.Pool): Promise<void> {
  // Kysely ends the pool it is given on destroy(): hand it a view that leaves our pool open.
  const borrowed = { connect: () => pool.connect(), end: async () => undefined } as unknown as pg.Pool;
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: borrowed }) });
  try {
    const migrator = new Migrator({
      db,
      provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS }),
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
      throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  } finally {
    await db.destroy();
  }
}
