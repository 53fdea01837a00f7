import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Migration, MigrationProvider } from 'kysely';
import type pg from 'pg';

/**
 * Applies every migration in `migrationsDir` not yet applied (Kysely's migrator: ordered by file
 * name, recorded in `kysely_migration`, guarded by a lock so concurrent starters apply each once).
 * When every one is recorded already (the usual start), answers from one query without loading
 * Kysely nor the migrations: a process that does not migrate does not keep them in memory.
 */
export async function migrate(pool: pg.Pool, migrationsDir: string): Promise<void> {
  if (await allApplied(pool, migrationsDir)) return;
  const { Kysely, Migrator, PostgresDialect } = await import('kysely');
  // Kysely ends the pool it is given on destroy(): hand it a view that leaves our pool open.
  const borrowed = { connect: () => pool.connect(), end: async () => undefined } as unknown as pg.Pool;
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: borrowed }) });
  try {
    const migrator = new Migrator({
      db,
      provider: folderProvider(migrationsDir),
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

/** The migrations of `migrationsDir`, by name (file name without extension), in order. */
async function migrationFiles(migrationsDir: string): Promise<{ name: string; file: string }[]> {
  return (await fs.readdir(migrationsDir))
    .sort()
    .filter((file) => /\.(ts|js|mjs)$/.test(file) && !file.endsWith('.d.ts') && !file.includes('.test.'))
    .map((file) => ({ name: file.slice(0, file.lastIndexOf('.')), file }));
}

/** Whether every migration of `migrationsDir` is recorded as applied (false too when nothing is recorded yet). */
async function allApplied(pool: pg.Pool, migrationsDir: string): Promise<boolean> {
  const exists = await pool.query<{ table: string | null }>("SELECT to_regclass('kysely_migration')::text AS table");
  if (!exists.rows[0]?.table) return false;
  const applied = new Set((await pool.query<{ name: string }>('SELECT name FROM kysely_migration')).rows.map((row) => row.name));
  return (await migrationFiles(migrationsDir)).every((migration) => applied.has(migration.name));
}

/**
 * The files of `migrationsDir` (named by file name without extension, as Kysely's
 * FileMigrationProvider does). Imported from here rather than from inside node_modules/kysely, so
 * that whatever runs this TypeScript (tsx, Vitest) also loads the `.ts` migrations: under Vitest,
 * Kysely's own `import()` goes to Node's native loader, which refuses `.ts` files.
 */
function folderProvider(migrationsDir: string): MigrationProvider {
  return {
    async getMigrations() {
      const migrations: Record<string, Migration> = {};
      for (const { name, file } of await migrationFiles(migrationsDir)) {
        migrations[name] = (await import(pathToFileURL(path.join(migrationsDir, file)).href)) as Migration;
      }
      return migrations;
    },
  };
}
