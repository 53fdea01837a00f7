import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase as openSystemDatabase, type Database, type DatabaseOptions } from '@dmp/postgres';

export { inTransaction, type Database } from '@dmp/postgres';

/** The DMP host's migrations. */
export const DMP_MIGRATIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Opens the DMP host's database (starting the embedded PostgreSQL unless `url` names a server)
 * and applies the host's migrations not yet applied.
 */
export function openDatabase(options: Omit<DatabaseOptions, 'migrationsDir'>): Promise<Database> {
  return openSystemDatabase({ database: 'dmp', ...options, migrationsDir: DMP_MIGRATIONS });
}
