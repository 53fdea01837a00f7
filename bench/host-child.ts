import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryOf } from './proc.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');

export interface HostChildOptions {
  readonly home: string;
  readonly databaseUrl: string;
  readonly auditOff: boolean;
  /** Write a V8 CPU profile of the host into this folder (node --cpu-prof). */
  readonly cpuProfileDir?: string;
  /** Run this compiled bundle of host-process.ts (see host-bundle.ts) with plain node; absent: the TypeScript under tsx. */
  readonly bundle?: string;
  /** Node options for the host (V8 heap sizes, ...). */
  readonly nodeFlags?: readonly string[];
  readonly log: (line: string) => void;
}

/** The DMP host running in a child process (`node host.mjs`, the compiled bundle, or `node --import tsx bench/host-process.ts`). */
export class HostChild {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly pid: number,
    private readonly exited: Promise<void>,
    private readonly lines: string[],
  ) {}

  static async start(options: HostChildOptions): Promise<HostChild> {
    const args = [
      ...(options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir] : []),
      '--expose-gc',
      ...(options.nodeFlags ?? []),
      ...(options.bundle ? [options.bundle] : ['--import', 'tsx', path.join(HERE, 'host-process.ts')]),
    ];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DMP_HOME: options.home,
      DATABASE_URL: options.databaseUrl,
      DMP_PORT: '0',
      DMP_PORTAL_PORT: '0',
      DMP_DEMO_SMTP_PORT: '0',
      DMP_HOST: '127.0.0.1',
      NODE_ENV: 'production',
    };
    delete env.DMP_BENCH_AUDIT_OFF;
    if (options.auditOff) env.DMP_BENCH_AUDIT_OFF = '1';
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk
        .toString('utf8')
        .split('\n')
        .filter((line) => line.trim() !== '' && !/FSTDEP|--trace-warnings/.test(line))
        .join('\n');
      if (text) options.log(`  [host stderr] ${text}`);
    });
    const ready = await new Promise<{ port: number; pid: number }>((resolve, reject) => {
      const reader = createInterface({ input: child.stdout! });
      const timer = setTimeout(() => {
        child.kill('SIGKILL'); // not left running behind the bench
        reject(new Error('the DMP host did not start within 60 s'));
      }, 60_000);
      reader.on('line', (line) => {
        lines.push(line);
        const match = /^BENCH_HOST_READY (.*)$/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(JSON.parse(match[1]!) as { port: number; pid: number });
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the DMP host exited (code ${code}) before it was ready`));
      });
    });
    return new HostChild(child, ready.port, ready.pid, exited, lines);
  }

  memory(): { rss: number; peak: number } | undefined {
    return memoryOf(this.pid);
  }

  /** V8's view of the host's memory, before and after a full GC (bytes), or undefined if it does not answer. */
  async heap(): Promise<{ before: NodeJS.MemoryUsage; after: NodeJS.MemoryUsage; rssAfterGc: number } | undefined> {
    const seen = this.lines.length;
    this.child.kill('SIGUSR2');
    for (let i = 0; i < 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const line = this.lines.slice(seen).map((l) => /^BENCH_HOST_MEMORY (.*)$/.exec(l)?.[1]).find((v) => v !== undefined);
      if (line) {
        const parsed = JSON.parse(line) as { before: NodeJS.MemoryUsage; after: NodeJS.MemoryUsage };
        return { ...parsed, rssAfterGc: memoryOf(this.pid)?.rss ?? 0 };
      }
    }
    return undefined;
  }

  /** Stops the host (SIGTERM: it closes cleanly); returns its audit writer's counters if it printed them. */
  async stop(): Promise<Record<string, number> | undefined> {
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(timer);
    const stats = this.lines.map((l) => /^BENCH_HOST_AUDIT (.*)$/.exec(l)?.[1]).find((v) => v !== undefined);
    return stats ? (JSON.parse(stats) as Record<string, number>) : undefined;
  }
}
