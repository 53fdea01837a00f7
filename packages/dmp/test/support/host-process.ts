/**
 * The DMP host as a child process, for tests that kill it (crash-recovery.test.ts). Run with
 * `node --import tsx packages/dmp/test/support/host-process.ts`.
 *
 * Configuration comes from the environment, as for the real host (`loadConfig`: DMP_HOME,
 * DATABASE_URL, DMP_PORT, DMP_EMBEDDED_PG_PORT), plus two test settings:
 * - DMP_TEST_RECORDS: a JSON array of `{ card, changes }` (Carte Vitale data, record changes such as
 *   authorising a professional): records created, by an administrator context as the CLI does, before
 *   the host announces itself ready; a record already there (a restart) is left as it is;
 * - DMP_TEST_CHECKPOINT_MS: interval of the signed audit checkpoints (default 60 s).
 *
 * Once listening, it prints one JSON line on stdout: `{"ready":true,"port":...,"pid":...,"databaseUrl":...}`.
 * The embedded PostgreSQL's own log goes to stderr. SIGTERM closes the host cleanly.
 */
import type { CarteVitaleData } from '@dmp/national';
import { loadConfig } from '../../src/config.js';
import type { RequestContext } from '../../src/context.js';
import { startHost } from '../../src/host.js';
import { createRecordFromCarteVitale } from '../../src/identity/create-record.js';
import { changeRecord, type RecordChange } from '../../src/identity/manage-record.js';

/** A record the child creates at start (DMP_TEST_RECORDS). */
export interface TestRecord {
  readonly card: CarteVitaleData;
  readonly changes?: readonly RecordChange[];
}

/** The line the child prints once it serves requests. */
export interface ReadyLine {
  readonly ready: true;
  readonly port: number;
  readonly pid: number;
  readonly databaseUrl: string;
  readonly recordsCreated: number;
}

const ADMIN: RequestContext = { actor: { kind: 'administrator', operatorId: 'crash-test-admin' }, mode: 'normal', requestId: 'host-process' };

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const checkpointEveryMs = process.env.DMP_TEST_CHECKPOINT_MS === undefined ? undefined : Number(process.env.DMP_TEST_CHECKPOINT_MS);
  const host = await startHost(config, {
    ...(checkpointEveryMs === undefined ? {} : { checkpointEveryMs }),
    onLog: (line) => process.stderr.write(`[postgres] ${line.endsWith('\n') ? line : `${line}\n`}`),
  });
  const records = JSON.parse(process.env.DMP_TEST_RECORDS ?? '[]') as TestRecord[];
  let recordsCreated = 0;
  for (const record of records) {
    const result = await createRecordFromCarteVitale(ADMIN, host.services, host.insi, record.card);
    if (!result.created) continue;
    recordsCreated++;
    for (const change of record.changes ?? []) await changeRecord(ADMIN, host.services, result.ins, change);
  }
  let closing = false;
  process.on('SIGTERM', () => {
    if (closing) return;
    closing = true;
    host.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`close failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  });
  const ready: ReadyLine = { ready: true, port: host.port, pid: process.pid, databaseUrl: host.database.url, recordsCreated };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`host-process failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
