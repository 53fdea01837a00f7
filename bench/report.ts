import type { MedianResult } from './load.js';

/** The issue's targets on this 2-core machine with PostgreSQL. */
export const TARGETS = {
  deposit: { throughput: 170, p99Ms: 100, ratio: 0.5 },
  search: { throughput: 500, p99Ms: 30, ratio: 0.5 },
  retrieve: { throughput: 500, ratio: 0.5 },
  rssBytes: 250 * 1024 * 1024,
} as const;

export type PhaseName = 'deposit' | 'search' | 'retrieve';
export const PHASES: readonly PhaseName[] = ['deposit', 'search', 'retrieve'];
const UNIT: Record<PhaseName, string> = { deposit: 'docs/s', search: 'req/s', retrieve: 'req/s' };

export interface Verdict {
  readonly pass: boolean;
  readonly failures: string[];
}

export function verdictOf(phase: PhaseName, http: MedianResult | undefined, ceiling: MedianResult | undefined): Verdict {
  const target = TARGETS[phase];
  const failures: string[] = [];
  if (!http) return { pass: false, failures: ['not measured'] };
  if (http.throughput < target.throughput) failures.push(`throughput ${http.throughput} < ${target.throughput}`);
  if ('p99Ms' in target && http.p99Ms > target.p99Ms) failures.push(`p99 ${http.p99Ms} ms > ${target.p99Ms} ms`);
  if (ceiling) {
    const ratio = http.throughput / ceiling.throughput;
    if (ratio < target.ratio) failures.push(`${pct(ratio)} of the DB-only ceiling < ${pct(target.ratio)}`);
  } else failures.push('no ceiling measured');
  if (http.errors > 0) failures.push(`${http.errors} errors`);
  return { pass: failures.length === 0, failures };
}

export function pct(ratio: number): string {
  return `${Math.round(ratio * 100)} %`;
}

export function mb(bytes: number | undefined): string {
  return bytes === undefined ? '-' : `${Math.round(bytes / 1024 / 1024)} MB`;
}

function figure(result: MedianResult | undefined, phase: PhaseName): string {
  if (!result) return '-';
  return `${result.throughput} ${UNIT[phase]} (${result.throughputRange[0]}-${result.throughputRange[1]}), p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`;
}

/** A plain-text table, as wide as its widest cell per column. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.map(line)].join('\n');
}

export interface ScenarioResults {
  readonly httpAuditOn: Partial<Record<PhaseName, MedianResult>>;
  readonly httpAuditOff: Partial<Record<PhaseName, MedianResult>>;
  readonly dbOnly: Partial<Record<PhaseName, MedianResult>>;
  readonly dbOnlyAuditOff: Partial<Record<PhaseName, MedianResult>>;
  readonly pglite: Partial<Record<PhaseName, MedianResult>>;
}

export function summaryTables(results: ScenarioResults, hostRss: { auditOnMax?: number; auditOnPeak?: number; auditOffMax?: number; auditOffPeak?: number }): string {
  const out: string[] = [];
  out.push(
    table(
      ['phase', 'DMP host, HTTPS + mTLS + assertion, audit on', 'DB-only ceiling (same statements, audit on)', 'ratio', 'target', 'result'],
      PHASES.map((phase) => {
        const http = results.httpAuditOn[phase];
        const ceiling = results.dbOnly[phase];
        const target = TARGETS[phase];
        const verdict = verdictOf(phase, http, ceiling);
        return [
          phase,
          figure(http, phase),
          figure(ceiling, phase),
          http && ceiling ? pct(http.throughput / ceiling.throughput) : '-',
          `>= ${target.throughput}${'p99Ms' in target ? `, p99 <= ${target.p99Ms} ms` : ''}, >= ${pct(target.ratio)}`,
          verdict.pass ? 'PASS' : `FAIL (${verdict.failures.join('; ')})`,
        ];
      }),
    ),
  );
  out.push('');
  const rssPass = hostRss.auditOnPeak !== undefined && hostRss.auditOnPeak <= TARGETS.rssBytes && (hostRss.auditOffPeak ?? 0) <= TARGETS.rssBytes;
  out.push(
    `DMP host RSS: audit on: highest sampled ${mb(hostRss.auditOnMax)}, peak (VmHWM) ${mb(hostRss.auditOnPeak)}; audit off: highest ${mb(hostRss.auditOffMax)}, peak ${mb(hostRss.auditOffPeak)}; target <= ${mb(TARGETS.rssBytes)}: ${rssPass ? 'PASS' : 'FAIL'}`,
  );
  out.push('');
  out.push(
    table(
      ['phase', 'audit off (DMP_BENCH_AUDIT_OFF=1)', 'vs audit on', 'DB-only ceiling without audit', 'ratio'],
      PHASES.map((phase) => {
        const off = results.httpAuditOff[phase];
        const on = results.httpAuditOn[phase];
        const ceiling = results.dbOnlyAuditOff[phase];
        return [
          phase,
          figure(off, phase),
          off && on ? `${off.throughput >= on.throughput ? '+' : ''}${Math.round((off.throughput / on.throughput - 1) * 100)} %` : '-',
          figure(ceiling, phase),
          off && ceiling ? pct(off.throughput / ceiling.throughput) : '-',
        ];
      }),
    ),
  );
  if (Object.keys(results.pglite).length > 0) {
    out.push('');
    out.push(
      table(
        ['phase', 'PGlite DB-only (reference)', 'vs PostgreSQL DB-only'],
        PHASES.map((phase) => {
          const lite = results.pglite[phase];
          const pgCeiling = results.dbOnly[phase];
          return [phase, figure(lite, phase), lite && pgCeiling ? pct(lite.throughput / pgCeiling.throughput) : '-'];
        }),
      ),
    );
  }
  out.push('');
  const contended: string[] = [];
  for (const [name, scenario] of [['HTTP audit on', results.httpAuditOn], ['HTTP audit off', results.httpAuditOff], ['DB-only', results.dbOnly], ['DB-only no audit', results.dbOnlyAuditOff]] as const) {
    for (const phase of PHASES) {
      const r = scenario[phase];
      if (r && r.cpu.othersPct > 20) contended.push(`${name} ${phase} (${r.cpu.othersPct} %)`);
    }
  }
  if (contended.length > 0) {
    out.push(`WARNING: other processes used more than 20 % of a core during: ${contended.join(', ')}. Those figures are lower than this machine gives when it is idle.`);
    out.push('');
  }
  out.push('CPU during the measured windows, percent of one core (this machine has 2 = 200 %), and in brackets CPU milliseconds per request:');
  const cpuRows: string[][] = [];
  const scenarios: [string, Partial<Record<PhaseName, MedianResult>>][] = [
    ['HTTP audit on', results.httpAuditOn],
    ['HTTP audit off', results.httpAuditOff],
    ['DB-only', results.dbOnly],
    ['DB-only no audit', results.dbOnlyAuditOff],
  ];
  for (const [name, scenario] of scenarios) {
    for (const phase of PHASES) {
      const r = scenario[phase];
      if (!r) continue;
      const c = r.cpuMsPerRequest;
      cpuRows.push([
        name,
        phase,
        `${r.cpu.generatorPct} (${c.generator} ms)`,
        r.cpu.hostPct > 0 ? `${r.cpu.hostPct} (${c.host} ms)` : '-',
        `${r.cpu.postgresPct} (${c.postgres} ms)`,
        `${r.cpu.othersPct}`,
        `${r.cpu.machinePct}`,
      ]);
    }
  }
  out.push(table(['scenario', 'phase', 'load generator / DB client', 'DMP host', 'PostgreSQL (bench database)', 'other processes', 'machine'], cpuRows));
  return out.join('\n');
}
