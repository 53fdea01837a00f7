import { pathToFileURL } from 'node:url';
import type pg from 'pg';
import { migrate } from '../packages/dmp/src/db/migrate.js';
import { AuditWriter } from '../packages/dmp/src/audit/audit-writer.js';
import { PostgresReplayStore } from '../packages/dmp/src/auth/index.js';
import { ceilingActors, ceilingDeposit, ceilingRetrieve, ceilingSearch } from './ceiling.js';
import { DEPOSIT_PATIENTS_SQL, generateDataset, type DatasetSpec, type RunSql } from './dataset.js';
import type { BenchSoftware } from './http-phases.js';
import { medianOf, runLoad, type MedianResult, type Operation, type PhaseResult } from './load.js';
import { PHASES, type PhaseName } from './report.js';

/**
 * PGlite (PostgreSQL compiled to WebAssembly, in-process) for reference. The DMP host cannot run
 * on it as it is: it needs a `pg.Pool` (many connections, prepared statements by name, the pg
 * type parsers), and PGlite is one connection in the host's own thread. So only the database-only
 * ceilings run on it, through a small adapter that looks enough like a pg.Pool to run the
 * product's own statements: one connection, a lock held for the length of a transaction.
 *
 * `@electric-sql/pglite` is not a dependency of the project: the bench loads it if it resolves
 * (`npm i --no-save @electric-sql/pglite`), or from BENCH_PGLITE_MODULE (path of its dist/index.js).
 */

interface PgliteResults {
  readonly rows: Record<string, unknown>[];
  readonly affectedRows?: number;
}

interface PgliteDb {
  query(sql: string, params?: unknown[]): Promise<PgliteResults>;
  exec(sql: string): Promise<PgliteResults[]>;
  close(): Promise<void>;
}

interface PgliteModule {
  readonly PGlite: { create(dataDir?: string): Promise<PgliteDb> };
}

async function loadPglite(): Promise<PgliteModule | string> {
  const candidates = [process.env.BENCH_PGLITE_MODULE ? pathToFileURL(process.env.BENCH_PGLITE_MODULE).href : undefined, '@electric-sql/pglite'].filter(
    (c): c is string => c !== undefined,
  );
  const failures: string[] = [];
  for (const specifier of candidates) {
    try {
      const loaded = (await import(specifier)) as unknown as PgliteModule;
      if (typeof loaded.PGlite?.create === 'function') return loaded;
      failures.push(`${specifier}: no PGlite export`);
    } catch (error) {
      failures.push(`${specifier}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  }
  return `@electric-sql/pglite is not installed (not a project dependency; \`npm i --no-save @electric-sql/pglite\` or BENCH_PGLITE_MODULE=.../dist/index.js to include it): ${failures.join('; ')}`;
}

/** Buffers where node-postgres gives Buffers (PGlite gives Uint8Arrays). */
function fixRow(row: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(row)) if (value instanceof Uint8Array && !Buffer.isBuffer(value)) row[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return row;
}

type QueryInput = string | { readonly text: string; readonly values?: readonly unknown[] };

/** Enough of a pg.Pool over one PGlite connection to run the product's statements. */
class PglitePool {
  #tail: Promise<void> = Promise.resolve();

  constructor(private readonly db: PgliteDb) {}

  #lock(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const ready = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => held);
    return ready;
  }

  async run(input: QueryInput, values?: readonly unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number; command: string; fields: never[] }> {
    const text = typeof input === 'string' ? input : input.text;
    const params = (typeof input === 'string' ? values : input.values) ?? [];
    if (params.length === 0) {
      const results = await this.db.exec(text);
      const last = results.at(-1);
      return { rows: (last?.rows ?? []).map(fixRow), rowCount: last?.affectedRows ?? last?.rows.length ?? 0, command: '', fields: [] };
    }
    // PGlite serialises each parameter by its type as the server describes it (Buffers for bytea, objects for jsonb).
    const result = await this.db.query(text, [...params]);
    return { rows: result.rows.map(fixRow), rowCount: result.affectedRows ?? result.rows.length, command: '', fields: [] };
  }

  async query(input: QueryInput, values?: readonly unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number }> {
    const release = await this.#lock();
    try {
      return await this.run(input, values);
    } finally {
      release();
    }
  }

  async connect(): Promise<{ query: PglitePool['run']; release(): void; pipeline: boolean; connection: { stream: { cork(): void; uncork(): void } } }> {
    const release = await this.#lock();
    // statements "sent together" simply run one after the other on the one connection
    return { query: (input, values) => this.run(input, values), release, pipeline: true, connection: { stream: { cork() {}, uncork() {} } } };
  }

  async end(): Promise<void> {
    await this.db.close();
  }
}

export interface PgliteOptions {
  readonly spec: DatasetSpec;
  readonly software: BenchSoftware;
  readonly masterKey: Buffer;
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly reps: number;
  readonly log: (line: string) => void;
}

export type PgliteOutcome =
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'measured'; readonly results: Partial<Record<PhaseName, MedianResult>>; readonly dataset: DatasetSpec & { readonly generationSeconds: number }; readonly note: string };

export async function runPgliteCeilings(options: PgliteOptions): Promise<PgliteOutcome> {
  const loaded = await loadPglite();
  if (typeof loaded === 'string') return { kind: 'skipped', reason: loaded };
  const db = await loaded.PGlite.create();
  const pool = new PglitePool(db);
  const asPool = pool as unknown as pg.Pool;
  try {
    await migrate(asPool);
    const run: RunSql = async (text, values) => (await pool.query(text, values)).rows;
    const generationSeconds = await generateDataset(run, options.spec, options.masterKey, (line) => options.log(`  [pglite]${line}`), 20_000);
    const actors = await ceilingActors(options.software);
    const writer = new AuditWriter({ pool: asPool });
    const db = { pool: asPool, audit: writer, claims: new PostgresReplayStore(asPool) };
    const runs: Record<PhaseName, PhaseResult[]> = { deposit: [], search: [], retrieve: [] };
    for (let rep = 1; rep <= options.reps; rep++) {
      for (const phase of PHASES) {
        let operation: Operation;
        if (phase === 'deposit') operation = ceilingDeposit(db, actors, options.spec, options.masterKey);
        else if (phase === 'search') operation = ceilingSearch(db, actors, options.spec);
        else {
          const ids = (await pool.query(`SELECT id FROM document WHERE ${DEPOSIT_PATIENTS_SQL} AND size = 102400 LIMIT 20000`)).rows.map((r) => String(r.id));
          // PGlite has no COPY TO STDOUT: the same row by the equivalent SELECT (hex)
          operation = ceilingRetrieve(db, actors, ids, 'select');
        }
        const result = await runLoad(operation, { concurrency: options.concurrency, warmupMs: options.warmupMs, durationMs: options.durationMs });
        runs[phase].push(result);
        options.log(
          `  ${phase.padEnd(8)} #${rep}: ${result.throughput}/s p50 ${result.p50Ms} ms p99 ${result.p99Ms} ms (n=${result.completed}, errors ${result.errors}${result.firstError ? `: ${result.firstError}` : ''}) cpu ${result.cpu.generatorPct}%`,
        );
      }
    }
    await writer.close();
    const results: Partial<Record<PhaseName, MedianResult>> = {};
    for (const phase of PHASES) if (runs[phase].length > 0) results[phase] = medianOf(runs[phase]);
    return {
      kind: 'measured',
      results,
      dataset: { ...options.spec, generationSeconds },
      note: 'in-memory PGlite in the bench process, one connection (requests queue for it), smaller dataset, retrieves by SELECT (no COPY TO STDOUT); the DMP host itself cannot run on PGlite (it needs a pg.Pool)',
    };
  } catch (error) {
    return { kind: 'skipped', reason: `PGlite failed: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    await pool.end().catch(() => undefined);
  }
}
