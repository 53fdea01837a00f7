import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ReadyLine } from './host-process.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const HOST_SCRIPT = path.join(HERE, 'host-process.ts');
const REPO_ROOT = path.resolve(HERE, '../../../..');

/** A DMP host running in a child process (see host-process.ts). */
export interface ChildHost {
  readonly process: ChildProcess;
  readonly pid: number;
  readonly port: number;
  readonly base: string;
  readonly databaseUrl: string;
  readonly recordsCreated: number;
  /** Everything the child wrote on stderr so far (the embedded PostgreSQL's log among it). */
  stderr(): string;
  /** Resolves when the process has exited (at once if it already has). */
  exited(): Promise<void>;
  /** SIGKILL: no handler runs, no connection is closed cleanly, nothing is flushed. */
  killHard(): Promise<void>;
}

/**
 * Starts the host in a child process (`node --import tsx host-process.ts`) with `env` on top of
 * this process's environment (minus DATABASE_URL unless `env` sets it), and waits for its ready line.
 */
export async function spawnChildHost(env: Record<string, string>): Promise<ChildHost> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.DATABASE_URL;
  delete childEnv.DMP_MASTER_KEY;
  Object.assign(childEnv, { DMP_PORT: '0', DMP_PORTAL_PORT: '0', DMP_DEMO_SMTP_PORT: '0' }, env);
  const child = spawn(process.execPath, ['--import', 'tsx', HOST_SCRIPT], { cwd: REPO_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exit = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const ready = await new Promise<ReadyLine>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as Partial<ReadyLine>;
        if (parsed.ready === true) resolve(parsed as ReadyLine);
      } catch {
        // not our line
      }
    });
    void exit.then(() => reject(new Error(`the host process exited before it was ready (code ${child.exitCode}, signal ${child.signalCode}):\n${stderr}`)));
  });
  const pid = child.pid!;
  return {
    process: child,
    pid,
    port: ready.port,
    base: `https://localhost:${ready.port}`,
    databaseUrl: ready.databaseUrl,
    recordsCreated: ready.recordsCreated,
    stderr: () => stderr,
    exited: () => exit,
    async killHard() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exit;
    },
  };
}

/** A TCP port free on the loopback interface right now (for the embedded PostgreSQL). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = address && typeof address === 'object' ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The postmaster of a data directory, from its `postmaster.pid` (pid on line 1, port on line 4), if it is alive. */
export function postmasterOf(dataDir: string): { pid: number; port: number } | undefined {
  const file = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  return { pid, port };
}

/** Processes whose parent is `pid` (from /proc). */
export function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return children;
}

/**
 * Crashes a PostgreSQL server with SIGKILL: freezes the postmaster (so it forks nothing more), notes
 * the processes it had started (backends, WAL writer, checkpointer...), then kills the postmaster
 * alone (`scope: 'postmaster'`; its children are left to notice and exit, as PostgreSQL's design
 * has them do) or all of them at once (`scope: 'server'`). Nothing gets a chance to shut down
 * cleanly; only what was fsynced survives. Returns the children, for `awaitExit`.
 */
export function crashPostgres(postmasterPid: number, scope: 'postmaster' | 'server'): number[] {
  process.kill(postmasterPid, 'SIGSTOP');
  const children = childrenOf(postmasterPid);
  signal(postmasterPid, 'SIGKILL');
  if (scope === 'server') for (const pid of children) signal(pid, 'SIGKILL');
  return children;
}

/**
 * Waits until the processes are gone. Those still there after `graceMs` are SIGKILLed (a safety
 * net so that a test never leaves them behind, not an expectation on how fast they go).
 */
export async function awaitExit(pids: readonly number[], graceMs = 30_000): Promise<void> {
  try {
    await waitUntil(() => pids.every((pid) => !isAlive(pid)), graceMs, 'processes to exit');
  } catch {
    for (const pid of pids) signal(pid, 'SIGKILL');
    await waitUntil(() => pids.every((pid) => !isAlive(pid)), 10_000, 'processes to die');
  }
}

/** Stops the server of a data directory if one runs (fast shutdown, then SIGKILL if it lingers). */
export async function stopPostgres(dataDir: string): Promise<void> {
  const running = postmasterOf(dataDir);
  if (!running) return;
  const children = childrenOf(running.pid);
  signal(running.pid, 'SIGINT');
  await awaitExit([running.pid, ...children]);
}

/**
 * Waits until no process, not even a zombie, holds `pid`. A killed postmaster whose parent died
 * too is reparented to PID 1, and this machine's init reaps orphans only every second or two;
 * until then `kill(pid, 0)` still succeeds, so both the host (re-attach to a running server) and
 * PostgreSQL itself (lock file `postmaster.pid`) would take the dead server for a live one.
 */
export async function awaitReaped(pid: number, timeoutMs = 60_000): Promise<void> {
  await waitUntil(
    () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    },
    timeoutMs,
    `process ${pid} to be reaped`,
  );
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // a zombie (killed, not yet reaped by its parent) still answers signal 0
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** Polls `condition` until it holds; fails after `timeoutMs` (a safety net, not a measurement). */
export async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
