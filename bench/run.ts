import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../packages/dmp/src/config.js';
import { migrate } from '../packages/dmp/src/db/migrate.js';
import { AuditWriter } from '../packages/dmp/src/audit/audit-writer.js';
import { ceilingActors, ceilingDeposit, ceilingRetrieve, ceilingSearch, type CeilingActors, type CeilingDb } from './ceiling.js';
import { PostgresReplayStore } from '../packages/dmp/src/auth/index.js';
import { DEPOSIT_PATIENTS_SQL, datasetReady, generateDataset, removeDeposits, type DatasetSpec, type RunSql } from './dataset.js';
import { HostChild } from './host-child.js';
import { buildHostBundle } from './host-bundle.js';
import { connectHttp, DepositBodies, depositOperation, prepareSoftware, retrieveOperation, searchOperation, type BenchSoftware, type HttpBench } from './http-phases.js';
import { medianOf, runLoad, type MedianResult, type Operation, type PhaseResult } from './load.js';
import { runPgliteCeilings } from './pglite.js';
import { scopePostgres, waitForQuiet } from './proc.js';
import { formatProfile, mainProfile, summarizeProfile } from './profile.js';
import { mb, PHASES, summaryTables, verdictOf, type PhaseName, type ScenarioResults } from './report.js';

/**
 * `npm run bench [-- options]`: the DMP host under load on PostgreSQL (ITI-65 deposit, ITI-67
 * search, ITI-68 retrieve), each figure beside the database-only ceiling measured in the same
 * run, then again with the audit log switched off, and PGlite for reference. See bench/README.md.
 */

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');

interface Options {
  readonly quick: boolean;
  readonly spec: DatasetSpec;
  readonly databaseUrl: string;
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly reps: number;
  readonly only: ReadonlySet<string>;
  /** The phases measured (all by default); retrieve alone first deposits for a few seconds, unmeasured. */
  readonly phases: readonly PhaseName[];
  readonly profile: boolean;
  readonly regenerate: boolean;
  readonly home: string;
  readonly pglitePatients: number;
  /** Longest wait for the machine to be idle before a measured phase. */
  readonly quietMaxMs: number;
  /** How the host runs: compiled (an esbuild bundle, plain node) or its TypeScript under tsx. */
  readonly hostRuntime: 'bundle' | 'tsx';
  /** Node options of the host process. */
  readonly hostNodeFlags: readonly string[];
}

function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): Options {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument ${arg} (see bench/README.md)`);
    flags.set(match[1]!, match[2] ?? 'true');
  }
  const quick = flags.has('quick') || env.BENCH_QUICK === '1';
  const number = (flag: string, variable: string, fallback: number): number => {
    const value = flags.get(flag) ?? env[variable];
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`--${flag} / ${variable}: a positive number, not ${value}`);
    return parsed;
  };
  const patients = number('patients', 'BENCH_PATIENTS', quick ? 1_000 : 100_000);
  const database = quick ? 'dmp_bench_quick' : 'dmp_bench';
  const only = (flags.get('only') ?? env.BENCH_ONLY ?? 'http,db,off,pglite').split(',').map((s) => s.trim());
  for (const name of only) if (!['http', 'db', 'off', 'pglite'].includes(name)) throw new Error(`--only: http, db, off, pglite; not ${name}`);
  const phases = (flags.get('phases') ?? env.BENCH_PHASES ?? PHASES.join(',')).split(',').map((s) => s.trim());
  for (const name of phases) if (!(PHASES as readonly string[]).includes(name)) throw new Error(`--phases: ${PHASES.join(', ')}; not ${name}`);
  return {
    quick,
    spec: { patients, docsPerPatient: number('docs-per-patient', 'BENCH_DOCS_PER_PATIENT', 20), depositPatients: number('deposit-patients', 'BENCH_DEPOSIT_PATIENTS', quick ? 100 : 2_000) },
    databaseUrl: flags.get('database-url') ?? env.BENCH_DATABASE_URL ?? `postgres://postgres@127.0.0.1:5432/${database}`,
    concurrency: number('concurrency', 'BENCH_CONCURRENCY', 8),
    warmupMs: number('warmup', 'BENCH_WARMUP_S', quick ? 2 : 3) * 1000,
    durationMs: number('duration', 'BENCH_DURATION_S', quick ? 5 : 20) * 1000,
    reps: number('reps', 'BENCH_REPS', quick ? 1 : 3),
    only: new Set(only),
    phases: PHASES.filter((phase) => phases.includes(phase)),
    profile: flags.has('profile') || env.BENCH_PROFILE === '1',
    regenerate: flags.has('regenerate'),
    home: flags.get('home') ?? env.BENCH_HOME ?? path.join(os.tmpdir(), 'dmp-bench-home'),
    pglitePatients: number('pglite-patients', 'BENCH_PGLITE_PATIENTS', quick ? 200 : 5_000),
    quietMaxMs: number('quiet-max', 'BENCH_QUIET_MAX_S', quick ? 3 : 15) * 1000,
    hostRuntime: hostRuntimeOf(flags.get('host') ?? env.BENCH_HOST ?? 'bundle'),
    hostNodeFlags: (flags.get('host-node-flags') ?? env.BENCH_HOST_NODE_FLAGS ?? HOST_NODE_FLAGS).split(' ').filter((f) => f !== ''),
  };
}

/**
 * V8 heap settings for the host (README, Performance): a young generation of 2 x 8 MB rather than
 * 2 x 16, and an old generation allowed to double its live size before the next full collection
 * rather than V8's up-to-fourfold, so that garbage promoted under load does not pile up to several
 * times the live heap. No cap: a host must never die of a large upload.
 */
const HOST_NODE_FLAGS = '--max-semi-space-size=8 --heap-growing-percent=100';

function hostRuntimeOf(value: string): 'bundle' | 'tsx' {
  if (value !== 'bundle' && value !== 'tsx') throw new Error(`--host: bundle or tsx, not ${value}`);
  return value;
}

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function runnerOf(client: pg.Client | pg.Pool): RunSql {
  return async (text, values) => (await client.query<Record<string, unknown>>(text, values)).rows;
}

/** Creates (or regenerates) the bench database and its dataset; returns generation seconds (0 when reused). */
async function ensureDataset(options: Options, masterKey: Buffer): Promise<number> {
  const url = new URL(options.databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name ${name}: lower-case letters, digits and _ only`);
  const adminUrl = new URL(url);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  try {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
    if (exists && !options.regenerate) {
      const probe = new pg.Client({ connectionString: options.databaseUrl });
      await probe.connect();
      const ready = await datasetReady(runnerOf(probe), options.spec).finally(() => probe.end());
      if (ready) {
        log(`dataset: reusing ${name} (${options.spec.patients} patients x ${options.spec.docsPerPatient} documents)`);
        return 0;
      }
    }
    log(`dataset: generating ${name}: ${options.spec.patients} patients x ${options.spec.docsPerPatient} documents + ${options.spec.depositPatients} deposit patients`);
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
  await migrate(pool);
  await pool.end();
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    const seconds = await generateDataset(runnerOf(client), options.spec, masterKey, log);
    log(`dataset: generated in ${seconds} s`);
    return seconds;
  } finally {
    await client.end();
  }
}

/** The compiled host (built once per run when `--host=bundle`). */
let hostBundle: string | undefined;

/** Roughly how many requests a phase serves, to pre-sign enough assertions (adjusted after each run). */
const expectedRate: Record<PhaseName, number> = { deposit: 500, search: 2_000, retrieve: 2_000 };

interface Scenario {
  readonly name: string;
  readonly results: Partial<Record<PhaseName, MedianResult>>;
}

/** Before a measured phase: a checkpoint (so none falls at random into a window), then a wait for the machine to be idle. */
async function settle(pool: pg.Pool, options: Options): Promise<void> {
  await pool.query('CHECKPOINT').catch(() => undefined);
  const quiet = await waitForQuiet(options.quietMaxMs);
  if (quiet.busyCores >= 0.3) log(`  (machine busy with other work: ${quiet.busyCores} cores used before the phase, after waiting ${Math.round(quiet.waitedMs / 1000)} s)`);
}

/** The HTTP phases against a host child: rep after rep, deposit, search, retrieve. */
async function httpScenario(
  options: Options,
  pool: pg.Pool,
  auditOff: boolean,
  software: () => Promise<BenchSoftware>,
  profileDir: string | undefined,
): Promise<{
  results: Partial<Record<PhaseName, MedianResult>>;
  rssMax: number;
  rssPeak: number;
  rssAfter: Record<string, number>;
  audit?: Record<string, number>;
  heap?: { before: NodeJS.MemoryUsage; after: NodeJS.MemoryUsage; rssAfterGc: number };
  signing: Record<string, number>;
}> {
  const child = await HostChild.start({
    home: options.home,
    databaseUrl: options.databaseUrl,
    auditOff,
    ...(profileDir ? { cpuProfileDir: profileDir } : {}),
    ...(hostBundle ? { bundle: hostBundle } : {}),
    nodeFlags: options.hostNodeFlags,
    log,
  });
  log(`host: pid ${child.pid}, port ${child.port}, audit ${auditOff ? 'OFF' : 'on'}, RSS at start ${mb(child.memory()?.rss)}`);
  const http: HttpBench = connectHttp(await software(), child.port, options.concurrency);
  const bodies = new DepositBodies();
  const runs: Record<PhaseName, PhaseResult[]> = { deposit: [], search: [], retrieve: [] };
  const rssAfter: Record<string, number> = {};
  const signing: Record<string, number> = {};
  let rssMax = 0;
  try {
    if (options.phases.includes('retrieve') && !options.phases.includes('deposit')) {
      // the retrieves read what this run deposited: deposit for a few seconds first, unmeasured
      http.depositor.assertions.fill(Math.ceil(expectedRate.deposit * 5));
      await runLoad(depositOperation(http, options.spec, bodies), { concurrency: options.concurrency, warmupMs: 0, durationMs: 3_000 });
    }
    for (let rep = 1; rep <= options.reps; rep++) {
      for (const phase of options.phases) {
        const operation: Operation =
          phase === 'deposit' ? depositOperation(http, options.spec, bodies) : phase === 'search' ? searchOperation(http, options.spec) : retrieveOperation(http);
        const signer = phase === 'deposit' ? http.depositor.assertions : http.reader.assertions;
        const count = Math.ceil((expectedRate[phase] * (options.warmupMs + options.durationMs)) / 1000);
        const signMs = signer.fill(count);
        signing[`${phase}#${rep}`] = Math.round((signMs / count) * 1000) / 1000;
        await settle(pool, options);
        const result = await runLoad(operation, { concurrency: options.concurrency, warmupMs: options.warmupMs, durationMs: options.durationMs, hostPid: child.pid });
        if (signer.signedLate > 0) log(`  (${signer.signedLate} assertions signed during the phase: the pool of ${count} ran dry)`);
        expectedRate[phase] = Math.max(expectedRate[phase], result.throughput * 1.5);
        runs[phase].push(result);
        const memory = child.memory();
        rssAfter[`${phase}#${rep}`] = memory?.rss ?? 0;
        rssMax = Math.max(rssMax, result.hostRssMax ?? 0, memory?.rss ?? 0);
        log(
          `  ${phase.padEnd(8)} #${rep}: ${result.throughput}/s p50 ${result.p50Ms} ms p99 ${result.p99Ms} ms (n=${result.completed}, errors ${result.errors}${result.firstError ? `: ${result.firstError}` : ''}) ` +
            `cpu gen ${result.cpu.generatorPct}% host ${result.cpu.hostPct}% (${result.cpuMsPerRequest.host} ms/req) pg ${result.cpu.postgresPct}% (${result.cpuMsPerRequest.postgres} ms/req) others ${result.cpu.othersPct}% | host RSS ${mb(memory?.rss)} (peak ${mb(memory?.peak)})`,
        );
      }
    }
  } finally {
    await http.close();
  }
  const rssPeak = child.memory()?.peak ?? 0;
  const heap = await child.heap();
  if (heap) {
    log(
      `  host memory at the end: RSS ${mb(heap.before.rss)}, V8 heap used ${mb(heap.before.heapUsed)} of ${mb(heap.before.heapTotal)}, external ${mb(heap.before.external)}, array buffers ${mb(heap.before.arrayBuffers)}; ` +
        `after a full GC: heap used ${mb(heap.after.heapUsed)} of ${mb(heap.after.heapTotal)}, RSS ${mb(heap.rssAfterGc)}`,
    );
  }
  const audit = await child.stop();
  if (audit) log(`  host audit writer: ${JSON.stringify(audit)}`);
  const results: Partial<Record<PhaseName, MedianResult>> = {};
  for (const phase of PHASES) if (runs[phase].length > 0) results[phase] = medianOf(runs[phase]);
  return { results, rssMax, rssPeak, rssAfter, ...(audit ? { audit } : {}), ...(heap ? { heap } : {}), signing };
}

/** The database-only ceilings: the same statements from a minimal client, concurrency workers, one connection each. */
async function dbScenario(options: Options, actors: CeilingActors, masterKey: Buffer, audit: boolean): Promise<Partial<Record<PhaseName, MedianResult>>> {
  // in pipeline mode, as the host's pool (statements a request sends together share a round trip)
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.concurrency + 1, pipeline: true });
  // the host's group-commit audit writer (searches and retrieves) and replay store (its own connection, synchronous_commit off)
  const writer = audit ? new AuditWriter({ pool }) : undefined;
  const claimsPool = new pg.Pool({ connectionString: options.databaseUrl, max: 1, options: '-c synchronous_commit=off' });
  const db: CeilingDb = { pool, claims: new PostgresReplayStore(claimsPool), ...(writer ? { audit: writer } : {}) };
  const runs: Record<PhaseName, PhaseResult[]> = { deposit: [], search: [], retrieve: [] };
  try {
    for (let rep = 1; rep <= options.reps; rep++) {
      for (const phase of options.phases) {
        let operation: Operation;
        if (phase === 'deposit') operation = ceilingDeposit(db, actors, options.spec, masterKey);
        else if (phase === 'search') operation = ceilingSearch(db, actors, options.spec);
        else {
          const depositedIds = async (): Promise<string[]> =>
            (await pool.query<{ id: string }>(`SELECT id FROM document WHERE ${DEPOSIT_PATIENTS_SQL} AND size = 102400 LIMIT 20000`)).rows.map((r) => r.id);
          let ids = await depositedIds();
          if (ids.length === 0) {
            // nothing deposited yet in this run (--phases without deposit): deposit for a few seconds, unmeasured
            await runLoad(ceilingDeposit(db, actors, options.spec, masterKey), { concurrency: options.concurrency, warmupMs: 0, durationMs: 3_000 });
            ids = await depositedIds();
          }
          operation = ceilingRetrieve(db, actors, ids);
        }
        await settle(pool, options);
        const result = await runLoad(operation, { concurrency: options.concurrency, warmupMs: options.warmupMs, durationMs: options.durationMs });
        runs[phase].push(result);
        log(
          `  ${phase.padEnd(8)} #${rep}: ${result.throughput}/s p50 ${result.p50Ms} ms p99 ${result.p99Ms} ms (n=${result.completed}, errors ${result.errors}${result.firstError ? `: ${result.firstError}` : ''}) ` +
            `cpu client ${result.cpu.generatorPct}% (${result.cpuMsPerRequest.generator} ms/req) pg ${result.cpu.postgresPct}% (${result.cpuMsPerRequest.postgres} ms/req) others ${result.cpu.othersPct}%`,
        );
      }
    }
  } finally {
    await writer?.close();
    await claimsPool.end();
    await pool.end();
  }
  const results: Partial<Record<PhaseName, MedianResult>> = {};
  for (const phase of PHASES) if (runs[phase].length > 0) results[phase] = medianOf(runs[phase]);
  return results;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const started = Date.now();
  mkdirSync(options.home, { recursive: true });
  const config = loadConfig({ DMP_HOME: options.home });
  const resultsDir = path.join(HERE, 'results');
  mkdirSync(resultsDir, { recursive: true });
  log(`DMP host benchmark${options.quick ? ' (--quick)' : ''}: ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB, node ${process.version}`);
  log(
    `  database ${new URL(options.databaseUrl).pathname.slice(1)}; concurrency ${options.concurrency}; ${options.reps} x (${options.warmupMs / 1000} s warm-up + ${options.durationMs / 1000} s measured) per phase; scenarios ${[...options.only].join(', ')}`,
  );

  if (options.hostRuntime === 'bundle' && (options.only.has('http') || options.only.has('off'))) {
    hostBundle = await buildHostBundle(path.join(ROOT, 'node_modules', '.cache', 'dmp-bench-host'));
    log(`  host: compiled into ${path.relative(process.cwd(), hostBundle)} (esbuild), run with plain node`);
  } else log('  host: TypeScript under tsx');
  const generationSeconds = await ensureDataset(options, config.masterKey);
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
  const backend = (await pool.query<{ pid: number; db: string }>('SELECT pg_backend_pid() AS pid, current_database() AS db')).rows[0]!;
  scopePostgres(backend.pid, backend.db);
  const server = (await pool.query<{ version: string; shared_buffers: string; synchronous_commit: string; fsync: string }>(
    `SELECT version(), current_setting('shared_buffers') AS shared_buffers, current_setting('synchronous_commit') AS synchronous_commit, current_setting('fsync') AS fsync`,
  )).rows[0]!;
  log(`  ${server.version.split(' on ')[0]}, shared_buffers ${server.shared_buffers}, synchronous_commit ${server.synchronous_commit}, fsync ${server.fsync}`);
  const cleaner = new pg.Client({ connectionString: options.databaseUrl });
  await cleaner.connect();
  const removed = await removeDeposits(runnerOf(cleaner)).finally(() => cleaner.end());
  if (removed > 0) {
    log(`  removed ${removed} documents deposited by earlier runs`);
    await pool.query('VACUUM document, document_content, submission_set');
  }
  const counts = (await pool.query<{ patients: string; documents: string }>(`SELECT (SELECT count(*) FROM patient_record) AS patients, (SELECT count(*) FROM document) AS documents`)).rows[0]!;
  log(`  dataset: ${counts.patients} patients, ${counts.documents} documents`);

  let software: BenchSoftware | undefined;
  const getSoftware = async (): Promise<BenchSoftware> => (software ??= await prepareSoftware(options.home));
  const profileDir = options.profile ? path.join(resultsDir, `profile-${new Date().toISOString().replace(/[:.]/g, '-')}`) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });

  const results: ScenarioResults = { httpAuditOn: {}, httpAuditOff: {}, dbOnly: {}, dbOnlyAuditOff: {}, pglite: {} };
  const scenarios: Scenario[] = [];
  const extra: Record<string, unknown> = {};
  const rss: { auditOnMax?: number; auditOnPeak?: number; auditOffMax?: number; auditOffPeak?: number } = {};

  if (options.only.has('http')) {
    log('\nHTTP, audit on (DMP host in a child process)');
    const on = await httpScenario(options, pool, false, getSoftware, profileDir);
    Object.assign(results.httpAuditOn, on.results);
    scenarios.push({ name: 'http-audit-on', results: on.results });
    rss.auditOnMax = on.rssMax;
    rss.auditOnPeak = on.rssPeak;
    extra.httpAuditOn = { rssAfter: on.rssAfter, hostHeap: on.heap, auditWriter: on.audit, signingMsPerAssertion: on.signing };
    if (profileDir) {
      const file = mainProfile(profileDir);
      if (file) {
        const summary = summarizeProfile(file, 30);
        extra.profile = summary;
        log(`\n${formatProfile(summary)}`);
      }
    }
  }
  if (options.only.has('db')) {
    // The ceilings need deposited 100 KB documents for their retrieves: the HTTP deposits, or their own.
    const actors = await ceilingActors(await getSoftware());
    log('\nDB-only ceilings, audit on (node-postgres client, no HTTP, no TLS)');
    Object.assign(results.dbOnly, await dbScenario(options, actors, config.masterKey, true));
    log('\nDB-only ceilings, no audit statements');
    Object.assign(results.dbOnlyAuditOff, await dbScenario(options, actors, config.masterKey, false));
  }
  if (options.only.has('off')) {
    log('\nHTTP, audit OFF (DMP_BENCH_AUDIT_OFF=1: the group-commit writer writes nothing; deposits still append their audit entry in their transaction)');
    const off = await httpScenario(options, pool, true, getSoftware, undefined);
    Object.assign(results.httpAuditOff, off.results);
    rss.auditOffMax = off.rssMax;
    rss.auditOffPeak = off.rssPeak;
    extra.httpAuditOff = { rssAfter: off.rssAfter, hostHeap: off.heap, auditWriter: off.audit };
  }
  if (options.only.has('pglite')) {
    log('\nPGlite, DB-only ceilings for reference');
    const outcome = await runPgliteCeilings({
      spec: { patients: options.pglitePatients, docsPerPatient: options.spec.docsPerPatient, depositPatients: Math.min(options.spec.depositPatients, 100) },
      software: await getSoftware(),
      masterKey: config.masterKey,
      concurrency: options.concurrency,
      warmupMs: options.warmupMs,
      durationMs: options.durationMs,
      reps: 1, // a reference only: one run of each phase keeps the whole bench within its time
      log,
    });
    if (outcome.kind === 'skipped') log(`  PGlite skipped: ${outcome.reason}`);
    else Object.assign(results.pglite, outcome.results);
    extra.pglite = outcome.kind === 'skipped' ? { skipped: outcome.reason } : { dataset: outcome.dataset, note: outcome.note };
  }
  await pool.end();

  const tables = summaryTables(results, rss);
  log(`\n${'='.repeat(100)}\nResults (median of ${options.reps}), dataset ${options.spec.patients} patients / ${options.spec.patients * options.spec.docsPerPatient} documents, concurrency ${options.concurrency}\n`);
  log(tables);
  const verdicts = Object.fromEntries(PHASES.map((phase) => [phase, verdictOf(phase, results.httpAuditOn[phase], results.dbOnly[phase])]));
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(resultsDir, `bench-${options.quick ? 'quick-' : ''}${stamp}.json`);
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        durationSeconds: Math.round((Date.now() - started) / 1000),
        options: { ...options, only: [...options.only] },
        machine: { cores: os.cpus().length, model: os.cpus()[0]?.model, memoryBytes: os.totalmem(), node: process.version },
        server,
        dataset: { ...options.spec, generationSeconds, counts },
        results,
        ratios: Object.fromEntries(
          PHASES.map((phase) => {
            const http = results.httpAuditOn[phase];
            const ceiling = results.dbOnly[phase];
            return [phase, http && ceiling ? Math.round((http.throughput / ceiling.throughput) * 1000) / 1000 : null];
          }),
        ),
        verdicts,
        hostRss: rss,
        ...extra,
      },
      null,
      2,
    )}\n`,
  );
  log(`\nJSON: ${path.relative(process.cwd(), file)}; total ${Math.round((Date.now() - started) / 1000)} s`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
