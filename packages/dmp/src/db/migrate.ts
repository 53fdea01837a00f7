import type pg from 'pg';
import { migrate as migrateFolder } from '@dmp/postgres';
import { DMP_MIGRATIONS } from './database.js';

/** Applies the DMP host's migrations not yet applied. */
export function migrate(pool: pg.Pool): Promise<void> {
  return migrateFolder(pool, DMP_MIGRATIONS);
}
