import { readdirSync, readFileSync } from 'node:fs';

/**
 * What the bench reads from /proc: a process's memory (VmRSS, VmHWM) and the CPU time of the
 * processes sharing the machine's two cores (the load generator, the DMP host, PostgreSQL).
 */

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

/** VmRSS and VmHWM (peak) of a process, bytes; undefined once it has gone. */
export function memoryOf(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds of one process (0 when it is gone). */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command may hold spaces and parentheses: fields start after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Which PostgreSQL processes count as the bench's: those of its server, serving its database (or none). */
let postgresScope: { postmaster: number; database: string } | undefined;

/**
 * Counts only the PostgreSQL server at `postmaster` (the parent of the bench's backends): its
 * auxiliary processes (WAL writer, checkpointer, ...) and its backends connected to `database`,
 * not the backends of other databases (other people's tests on the same machine).
 */
export function scopePostgres(backendPid: number, database: string): void {
  try {
    const stat = readFileSync(`/proc/${backendPid}/stat`, 'utf8');
    const postmaster = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    postgresScope = { postmaster, database };
  } catch {
    postgresScope = undefined; // not on this machine: count every postgres process
  }
}

/** The bench's PostgreSQL processes now (see scopePostgres; else every `postgres` process): pid and CPU seconds. */
function postgresProcesses(): Map<number, number> {
  const found = new Map<number, number>();
  const scope = postgresScope;
  if (scope) found.set(scope.postmaster, cpuSecondsOf(scope.postmaster));
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      if (scope) {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== scope.postmaster) continue;
        const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
        const isBackend = /\(\d+\)|\[local\]/.test(title);
        if (isBackend && !title.includes(` ${scope.database} `)) continue;
      }
      found.set(Number(entry), cpuSecondsOf(Number(entry)));
    } catch {
      // the process ended meanwhile
    }
  }
  return found;
}

/**
 * CPU of PostgreSQL processes over a window, robust to backends that end during it (a pool closing
 * an idle connection): each process's last value seen is kept, so sample() now and then.
 */
export class PostgresCpu {
  readonly #start = new Map<number, number>();
  readonly #last = new Map<number, number>();

  constructor() {
    for (const [pid, cpu] of postgresProcesses()) {
      this.#start.set(pid, cpu);
      this.#last.set(pid, cpu);
    }
  }

  sample(): void {
    for (const [pid, cpu] of postgresProcesses()) this.#last.set(pid, cpu);
  }

  /** CPU seconds used since construction (processes started since count from zero). */
  seconds(): number {
    this.sample();
    let total = 0;
    for (const [pid, cpu] of this.#last) total += Math.max(0, cpu - (this.#start.get(pid) ?? 0));
    return total;
  }
}

/** Waits (at most `maxMs`) until the machine is nearly idle: other people's work skews a bench. Returns the last busy share, in cores. */
export async function waitForQuiet(maxMs: number, threshold = 0.3): Promise<{ waitedMs: number; busyCores: number }> {
  const started = performance.now();
  for (;;) {
    const a = machineCpuSeconds();
    const from = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const b = machineCpuSeconds();
    const busyCores = (b.busy - a.busy) / ((performance.now() - from) / 1000);
    const waitedMs = performance.now() - started;
    if (busyCores < threshold || waitedMs >= maxMs) return { waitedMs, busyCores: round1(busyCores) };
  }
}

/** Busy and total CPU seconds of the whole machine (all cores), from /proc/stat. */
export function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}

/** A snapshot of CPU counters, to subtract from a later one. */
export interface CpuSnapshot {
  readonly at: number;
  readonly generator: number;
  readonly host: number;
  readonly postgres: number;
  readonly machineBusy: number;
  readonly machineTotal: number;
}

/** `postgres`: the window's PostgreSQL tracker (0 at its start). */
export function cpuSnapshot(hostPid: number | undefined, postgres?: PostgresCpu): CpuSnapshot {
  const own = process.cpuUsage();
  const machine = machineCpuSeconds();
  return {
    at: performance.now(),
    generator: (own.user + own.system) / 1e6,
    host: hostPid === undefined ? 0 : cpuSecondsOf(hostPid),
    postgres: postgres ? postgres.seconds() : 0,
    machineBusy: machine.busy,
    machineTotal: machine.total,
  };
}

/** CPU used between two snapshots, in percent of one core (200 % = both cores of this machine). */
export interface CpuShare {
  readonly generatorPct: number;
  readonly hostPct: number;
  readonly postgresPct: number;
  /** All processes of the machine, percent of one core. */
  readonly machinePct: number;
  /** What none of the above used: other people's processes on the machine, the kernel's work for no one counted. */
  readonly othersPct: number;
}

export function cpuShare(from: CpuSnapshot, to: CpuSnapshot): CpuShare {
  const seconds = (to.at - from.at) / 1000;
  const pct = (a: number, b: number): number => round1(((b - a) / seconds) * 100);
  const cores = (to.machineTotal - from.machineTotal) / seconds;
  const generatorPct = pct(from.generator, to.generator);
  const hostPct = pct(from.host, to.host);
  const postgresPct = pct(from.postgres, to.postgres);
  const machinePct = round1(((to.machineBusy - from.machineBusy) / (to.machineTotal - from.machineTotal)) * cores * 100);
  return { generatorPct, hostPct, postgresPct, machinePct, othersPct: round1(Math.max(0, machinePct - generatorPct - hostPct - postgresPct)) };
}

export function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
