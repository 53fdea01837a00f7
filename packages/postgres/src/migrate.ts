import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Kysely, Migrator, PostgresDialect, type Migration, type MigrationProvider } from 'kysely';
import type pg from 'pg';

/**
 * Applies every migration in `migrationsDir` not yet applied (Kysely's migrator: ordered by file
 * name, recorded in `kysely_migration`, guarded by a lock so concurrent starters apply each once).
 */
export async function migrate(pool: pg.Pool, migrationsDir: string): Promise<void> {
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
      for (const file of (await fs.readdir(migrationsDir)).sort()) {
        if (!/\.(ts|js|mjs)$/.test(file) || file.endsWith('.d.ts') || file.includes('.test.')) continue;
        const module = (await import(pathToFileURL(path.join(migrationsDir, file)).href)) as Migration;
        migrations[file.slice(0, file.lastIndexOf('.'))] = module;
      }
      return migrations;
    },
  };
}
