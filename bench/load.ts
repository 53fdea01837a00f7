import { cpuShare, cpuSnapshot, memoryOf, PostgresCpu, round1, type CpuShare } from './proc.js';

/**
 * A closed-loop load generator: `concurrency` workers each send one request, wait for its answer,
 * and send the next, for a warm-up (not counted) and then a measured window of fixed duration.
 * Latency is measured per request; throughput is the requests completed in the window divided by
 * its length.
 */

/** One request of a phase; resolves to true when its answer was the one expected. */
export type Operation = (worker: number) => Promise<boolean>;

export interface LoadOptions {
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** The DMP host's pid: its CPU and memory are sampled during the window. */
  readonly hostPid?: number;
}

export interface PhaseResult {
  /** Requests completed per second in the measured window. */
  readonly throughput: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly maxMs: number;
  readonly completed: number;
  /** Answers that were not the expected ones, or requests that threw. */
  readonly errors: number;
  readonly firstError?: string;
  readonly cpu: CpuShare;
  /**
   * CPU milliseconds per request of each party: what a request costs, whatever else ran on the
   * machine (throughput depends on contention, these much less).
   */
  readonly cpuMsPerRequest: { readonly generator: number; readonly host: number; readonly postgres: number };
  /** Highest VmRSS of the host seen while sampling the window (bytes), when a host pid was given. */
  readonly hostRssMax?: number;
}

export async function runLoad(operation: Operation, options: LoadOptions): Promise<PhaseResult> {
  const start = performance.now();
  const windowStart = start + options.warmupMs;
  const windowEnd = windowStart + options.durationMs;
  let latencies = new Float64Array(65_536);
  let count = 0;
  let errors = 0;
  let firstError: string | undefined;
  let cpuFrom: ReturnType<typeof cpuSnapshot> | undefined;
  let postgres: PostgresCpu | undefined;
  let rssMax = 0;
  const sampleRss = (): void => {
    postgres?.sample();
    if (options.hostPid === undefined) return;
    const memory = memoryOf(options.hostPid);
    if (memory) rssMax = Math.max(rssMax, memory.rss);
  };
  const sampler = setInterval(sampleRss, 250);
  const windowTimer = setTimeout(() => {
    postgres = new PostgresCpu();
    cpuFrom = cpuSnapshot(options.hostPid, postgres);
  }, options.warmupMs);

  const worker = async (index: number): Promise<void> => {
    for (;;) {
      const sent = performance.now();
      if (sent >= windowEnd) return;
      let ok: boolean;
      try {
        ok = await operation(index);
      } catch (error) {
        ok = false;
        firstError ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      const done = performance.now();
      if (sent < windowStart || done > windowEnd) continue;
      if (!ok) {
        errors += 1;
        firstError ??= 'unexpected answer';
        continue;
      }
      if (count === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[count++] = done - sent;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, i) => worker(i)));
  const cpuTo = cpuSnapshot(options.hostPid, postgres);
  clearInterval(sampler);
  clearTimeout(windowTimer);
  sampleRss();

  const sorted = latencies.subarray(0, count).sort();
  const quantile = (q: number): number => (count === 0 ? NaN : sorted[Math.min(count - 1, Math.floor(q * count))]!);
  let sum = 0;
  for (const value of sorted) sum += value;
  const cpu = cpuShare(cpuFrom ?? cpuSnapshot(options.hostPid, postgres), cpuTo);
  const throughput = count / (options.durationMs / 1000);
  const perRequest = (pct: number): number => (throughput === 0 ? NaN : round2((pct * 10) / throughput));
  return {
    throughput: round1(count / (options.durationMs / 1000)),
    p50Ms: round2(quantile(0.5)),
    p99Ms: round2(quantile(0.99)),
    meanMs: round2(count === 0 ? NaN : sum / count),
    maxMs: round2(count === 0 ? NaN : sorted[count - 1]!),
    completed: count,
    errors,
    ...(firstError ? { firstError } : {}),
    cpu,
    cpuMsPerRequest: { generator: perRequest(cpu.generatorPct), host: perRequest(cpu.hostPct), postgres: perRequest(cpu.postgresPct) },
    ...(options.hostPid !== undefined ? { hostRssMax: rssMax } : {}),
  };
}

/** The median of repeated runs, figure by figure (each figure's own median). */
export interface MedianResult {
  readonly throughput: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Smallest and largest throughput of the repeats, to show the noise. */
  readonly throughputRange: readonly [number, number];
  readonly errors: number;
  readonly firstError?: string;
  readonly cpu: CpuShare;
  readonly cpuMsPerRequest: PhaseResult['cpuMsPerRequest'];
  readonly hostRssMax?: number;
  readonly runs: readonly PhaseResult[];
}

export function medianOf(runs: readonly PhaseResult[]): MedianResult {
  const pick = (f: (r: PhaseResult) => number): number => median(runs.map(f));
  const throughputs = runs.map((r) => r.throughput);
  const firstError = runs.find((r) => r.firstError)?.firstError;
  const rss = runs.map((r) => r.hostRssMax).filter((v): v is number => v !== undefined);
  return {
    throughput: pick((r) => r.throughput),
    p50Ms: pick((r) => r.p50Ms),
    p99Ms: pick((r) => r.p99Ms),
    throughputRange: [Math.min(...throughputs), Math.max(...throughputs)],
    errors: runs.reduce((a, r) => a + r.errors, 0),
    ...(firstError ? { firstError } : {}),
    cpu: {
      generatorPct: pick((r) => r.cpu.generatorPct),
      hostPct: pick((r) => r.cpu.hostPct),
      postgresPct: pick((r) => r.cpu.postgresPct),
      machinePct: pick((r) => r.cpu.machinePct),
      othersPct: pick((r) => r.cpu.othersPct),
    },
    cpuMsPerRequest: {
      generator: pick((r) => r.cpuMsPerRequest.generator),
      host: pick((r) => r.cpuMsPerRequest.host),
      postgres: pick((r) => r.cpuMsPerRequest.postgres),
    },
    ...(rss.length > 0 ? { hostRssMax: Math.max(...rss) } : {}),
    runs,
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : round2((sorted[middle - 1]! + sorted[middle]!) / 2);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
