import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded-postgres.js';
import { migrate } from './migrate.js';

/** A system's database: a pg pool, and the embedded server when the application started one. */
export interface Database {
  readonly pool: pg.Pool;
  readonly url: string;
  readonly embedded?: EmbeddedServer;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** The folder of this system's migrations (see `migrate`). */
  readonly migrationsDir: string;
  /** An external PostgreSQL (`postgres://...`); when absent an embedded server is started. */
  readonly url?: string;
  /** For the embedded server: where its cluster lives. */
  readonly embeddedDir: string;
  readonly embeddedPort: number;
  readonly database?: string;
  readonly poolSize?: number;
  readonly onLog?: (line: string) => void;
  /** Stop an embedded server found already running when closing (a host does; CLI commands don't). */
  readonly stopReusedServer?: boolean;
}

/**
 * Opens the database (starting the embedded PostgreSQL unless `url` names a server) and applies
 * the migrations not yet applied.
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const embedded = options.url
    ? undefined
    : await startEmbeddedPostgres({
        dataDir: options.embeddedDir,
        port: options.embeddedPort,
        database: options.database ?? 'postgres',
        ...(options.onLog ? { onLog: options.onLog } : {}),
        ...(options.stopReusedServer ? { stopReused: true } : {}),
      });
  const url = options.url ?? embedded!.url;
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 16 });
  // A connection the server drops (restart, admin kill) must not crash the process.
  pool.on('error', (error) => options.onLog?.(`database pool: ${error.message}`));
  await migrate(pool, options.migrationsDir);
  return {
    pool,
    url,
    ...(embedded ? { embedded } : {}),
    async close() {
      await pool.end();
      await embedded?.stop();
    },
  };
}

/** Runs `work` in a transaction on one connection; rolls back on any error. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
