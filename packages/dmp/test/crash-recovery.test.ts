import { createHash } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildDocumentReference, buildProvideBundle, newUniqueId } from '@dmp/core';
import { createTestAuthority, issueCpsCertificate, type IssuedCertificate, type TestAuthority } from '@dmp/national';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../src/audit/index.js';
import { DEMO_PATIENTS, DEMO_PROFESSIONALS, type DemoProfessional } from '../src/demo/demo-people.js';
import { deliveryReport, pdfOf } from './fixtures/documents.js';
import { awaitExit, awaitReaped, crashPostgres, freePort, postmasterOf, spawnChildHost, stopPostgres, type ChildHost } from './support/child-host.js';
import type { TestRecord } from './support/host-process.js';
import { remoteProfessionalClient, type RemoteProfessionalClient } from './support/professional-client.js';
import { freshDatabaseUrl } from './test-database.js';
import type { TestResponse } from './harness.js';

/**
 * Nothing accepted is ever lost (DESIGN.md §2.3). The DMP host runs in a child process; eight
 * streams deposit 100 KB PDFs into it; once enough deposits are acknowledged the process is killed
 * with SIGKILL while the other streams' requests are in flight (and, in one case, the PostgreSQL
 * server too). After a restart on the same home and database: every acknowledged document is
 * there, current, and reads back byte for byte; nothing half-written is visible (every document
 * has its content and its audit entry, the audit log verifies); and what was in flight can simply
 * be sent again.
 *
 * Four cases:
 * - embedded PostgreSQL, the app killed: its postgres keeps running and the restarted host re-attaches to it;
 * - embedded PostgreSQL, the postmaster killed too (its backends left to notice and exit), and
 *   again with every PostgreSQL process killed at once: the restart runs PostgreSQL's crash recovery;
 * - an external PostgreSQL (a fresh database on the suite's server: the suite's embedded one by
 *   default, the machine's PostgreSQL when TEST_DATABASE_URL names it): the app killed.
 */
const AUTHOR = DEMO_PROFESSIONALS.obstetrician;
const READER = DEMO_PROFESSIONALS.medecinTraitant;
const PATIENTS = [DEMO_PATIENTS.mother, DEMO_PATIENTS.lea, DEMO_PATIENTS.julien];
const RECORDS: TestRecord[] = PATIENTS.map((p) => ({ card: p.card, changes: [{ kind: 'declare-medecin-traitant', nationalId: READER.nationalId }] }));
const STREAMS = 8;
const CONTENT_SIZE = 100_000;
/** Acknowledged deposits before the kill. */
const KILL_AFTER = 40;

/** One deposit as sent: enough to check it afterwards and to send it again. */
interface Deposit {
  readonly ins: string;
  readonly uniqueId: string;
  readonly path: '/fhir' | '/fhir/DocumentReference';
  readonly body: Record<string, unknown>;
  readonly content: Buffer;
  readonly sha1: string;
}

interface Acknowledged extends Deposit {
  readonly id: string;
}

/** Everything this file starts, so afterAll can stop whatever a failed test left running. */
const children: ChildHost[] = [];
const dataDirs: string[] = [];
const homes: string[] = [];
const databases: { drop(): Promise<void> }[] = [];
const pools: pg.Pool[] = [];
const clients: RemoteProfessionalClient[] = [];

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
  for (const child of children) await child.killHard();
  for (const dir of dataDirs) await stopPostgres(dir);
  for (const database of databases) await database.drop().catch(() => undefined);
  for (const home of homes) await rm(home, { recursive: true, force: true });
});

async function newHome(): Promise<string> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'dmp-crash-'));
  // the embedded server runs as the `postgres` system user when the tests run as root: it must reach home/pg
  await chmod(home, 0o755);
  homes.push(home);
  return home;
}

async function startChild(env: Record<string, string>): Promise<ChildHost> {
  const child = await spawnChildHost({ DMP_TEST_RECORDS: JSON.stringify(RECORDS), DMP_TEST_CHECKPOINT_MS: '200', ...env });
  children.push(child);
  return child;
}

async function clientFor(child: ChildHost, authority: TestAuthority, professional: DemoProfessional, credentials: IssuedCertificate): Promise<RemoteProfessionalClient> {
  const client = await remoteProfessionalClient(child.base, authority, professional, credentials);
  clients.push(client);
  return client;
}

function newDeposit(stream: number, n: number): Deposit {
  const patient = PATIENTS[(stream + n) % PATIENTS.length]!;
  const uniqueId = `urn:oid:${newUniqueId()}`;
  const content = pdfOf(`crash test stream ${stream} deposit ${n}`, CONTENT_SIZE);
  const doc = deliveryReport(patient.ins, AUTHOR, { uniqueId, content });
  const simplified = (stream + n) % 2 === 0;
  return {
    ins: patient.ins,
    uniqueId,
    path: simplified ? '/fhir/DocumentReference' : '/fhir',
    body: simplified ? buildDocumentReference(doc, undefined) : buildProvideBundle([doc]),
    content,
    sha1: createHash('sha1').update(content).digest('base64'),
  };
}

/** The DocumentReference id an acknowledgement names (ITI-105: the resource; ITI-65: the transaction-response). */
function acknowledgedId(response: TestResponse): string | undefined {
  if (response.json.resourceType === 'DocumentReference') return typeof response.json.id === 'string' ? response.json.id : undefined;
  const location = response.json.entry?.map((e) => e.response?.location ?? '').find((l) => l.startsWith('DocumentReference/'));
  return location?.slice('DocumentReference/'.length);
}

interface RunOutcome {
  readonly acknowledged: Acknowledged[];
  /** Sent but not acknowledged: in flight at the kill, or refused by a dying server. */
  readonly unsettled: Deposit[];
  /** Failures before the kill (there should be none). */
  readonly unexpected: string[];
  /** Requests awaiting their answer at the moment the kill started. */
  readonly inFlightAtKill: number;
}

/**
 * `STREAMS` concurrent streams of deposits; as soon as `KILL_AFTER` are acknowledged, `kill` runs
 * (while the other streams wait for their answers) and no stream sends anything more.
 */
async function depositUntilKilled(client: RemoteProfessionalClient, kill: () => Promise<void>): Promise<RunOutcome> {
  const acknowledged: Acknowledged[] = [];
  const unsettled: Deposit[] = [];
  const unexpected: string[] = [];
  let inFlight = 0;
  let inFlightAtKill = -1;
  let killing: Promise<void> | undefined;
  const stream = async (s: number): Promise<void> => {
    for (let n = 0; killing === undefined; n++) {
      const deposit = newDeposit(s, n);
      let response: TestResponse;
      inFlight++;
      try {
        response = await client.request('POST', deposit.path, { body: deposit.body });
      } catch (error) {
        if (killing === undefined) unexpected.push(`stream ${s}: ${error instanceof Error ? error.message : String(error)}`);
        unsettled.push(deposit);
        return;
      } finally {
        inFlight--;
      }
      const id = acknowledgedId(response);
      if ((response.status === 200 || response.status === 201) && id) {
        acknowledged.push({ ...deposit, id });
        if (acknowledged.length >= KILL_AFTER && killing === undefined) {
          inFlightAtKill = inFlight;
          killing = kill();
        }
      } else {
        if (killing === undefined) unexpected.push(`stream ${s}: ${response.status} ${JSON.stringify(response.json)}`);
        unsettled.push(deposit);
      }
    }
  };
  await Promise.all(Array.from({ length: STREAMS }, (_, s) => stream(s)));
  await killing;
  return { acknowledged, unsettled, unexpected, inFlightAtKill };
}

/** The checks after the restart: every acknowledged document whole and current, nothing half-written, the audit log intact. */
async function checkRecovered(child: ChildHost, reader: RemoteProfessionalClient, author: RemoteProfessionalClient, pool: pg.Pool, home: string, run: RunOutcome): Promise<void> {
  // every acknowledged document: present, current, its bytes and SHA-1 as sent (ITI-68)
  for (const deposit of run.acknowledged) {
    const read = await reader.request('GET', `/fhir/DocumentReference/${deposit.id}`);
    expect(read.status, `${deposit.uniqueId}: ${JSON.stringify(read.json)}`).toBe(200);
    expect(read.json.status).toBe('current');
    expect((read.json.masterIdentifier as { value: string }).value).toBe(deposit.uniqueId);
    const attachment = (read.json.content as { attachment: { url: string; hash: string; size: number } }[])[0]!.attachment;
    expect(attachment.hash).toBe(deposit.sha1);
    expect(attachment.size).toBe(deposit.content.length);
    const retrieved = await reader.request('GET', new URL(attachment.url).pathname, { accept: 'application/pdf' });
    expect(retrieved.status).toBe(200);
    expect(createHash('sha1').update(retrieved.body).digest('base64')).toBe(deposit.sha1);
    expect(retrieved.body.equals(deposit.content)).toBe(true);
  }

  // nothing half-written: every document has its content and exactly one deposit audit entry, and nothing else exists
  const counts = await pool.query<{ documents: number; without_content: number; content_without_document: number; deposit_entries: number; documents_not_audited_once: number }>(
    `SELECT (SELECT count(*) FROM document)::int AS documents,
            (SELECT count(*) FROM document d WHERE NOT EXISTS (SELECT 1 FROM document_content c WHERE c.document_id = d.id))::int AS without_content,
            (SELECT count(*) FROM document_content c WHERE NOT EXISTS (SELECT 1 FROM document d WHERE d.id = c.document_id))::int AS content_without_document,
            (SELECT count(*) FROM audit_entry WHERE action = 'document.deposit' AND outcome = 'allowed')::int AS deposit_entries,
            (SELECT count(*) FROM document d WHERE (SELECT count(*) FROM audit_entry a
               WHERE a.partition = d.ins AND a.document_id = d.id AND a.action = 'document.deposit' AND a.outcome = 'allowed') <> 1)::int AS documents_not_audited_once`,
  );
  const c = counts.rows[0]!;
  expect(c).toMatchObject({ without_content: 0, content_without_document: 0, documents_not_audited_once: 0 });
  expect(c.deposit_entries).toBe(c.documents);
  // every acknowledged deposit is a row; rows beyond them are deposits that committed but whose answer was lost with the process
  expect(c.documents).toBeGreaterThanOrEqual(run.acknowledged.length);
  expect(c.documents).toBeLessThanOrEqual(run.acknowledged.length + run.unsettled.length);

  // and each of those rows reads back whole too (its content matches the SHA-1 recorded with it)
  const acknowledgedIds = new Set(run.acknowledged.map((d) => d.id));
  const rows = await pool.query<{ id: string; sha1: string; size: string; status: string }>('SELECT id, sha1, size, status FROM document');
  for (const row of rows.rows.filter((r) => !acknowledgedIds.has(r.id))) {
    expect(row.status).toBe('current');
    const retrieved = await reader.request('GET', `/fhir/Binary/${row.id}`, { accept: 'application/pdf' });
    expect(retrieved.status).toBe(200);
    expect(retrieved.body.length).toBe(Number(row.size));
    expect(createHash('sha1').update(retrieved.body).digest('base64')).toBe(row.sha1);
  }

  // the audit log (chains and the checkpoints signed before the crash) verifies
  const publicKey = await readFile(path.join(home, 'keys', 'audit-signing.pub.pem'), 'utf8');
  const verification = await verifyAuditLog(pool, publicKey);
  expect(verification.ok, JSON.stringify(verification)).toBe(true);

  // what was in flight can be sent again: created now, or answered as the deposit that did commit
  for (const deposit of run.unsettled) {
    const again = await author.request('POST', deposit.path, { body: deposit.body });
    expect([200, 201], `${deposit.uniqueId}: ${again.status} ${JSON.stringify(again.json)}`).toContain(again.status);
  }
  const after = await pool.query<{ documents: number; deposit_entries: number }>(
    "SELECT (SELECT count(*) FROM document)::int AS documents, (SELECT count(*) FROM audit_entry WHERE action = 'document.deposit' AND outcome = 'allowed')::int AS deposit_entries",
  );
  expect(after.rows[0]).toEqual({ documents: run.acknowledged.length + run.unsettled.length, deposit_entries: run.acknowledged.length + run.unsettled.length });
  expect(child.recordsCreated).toBe(0); // the restart found the records it had created
}

/** The run before the crash: a child host, its records, clients with certificates from its PKI, deposits until `kill`. */
async function runUntilKilled(env: Record<string, string>, home: string, kill: (child: ChildHost) => Promise<void>) {
  const first = await startChild(env);
  expect(first.recordsCreated).toBe(PATIENTS.length);
  const authority = await createTestAuthority({ dir: path.join(home, 'pki') });
  const credentials = {
    author: await issueCpsCertificate(authority, certificateRequest(AUTHOR)),
    reader: await issueCpsCertificate(authority, certificateRequest(READER)),
  };
  const author = await clientFor(first, authority, AUTHOR, credentials.author);
  const run = await depositUntilKilled(author, () => kill(first));
  expect(run.unexpected).toEqual([]);
  expect(run.acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER);
  // killed mid-stream: the other streams were all waiting for answers
  expect(run.inFlightAtKill).toBe(STREAMS - 1);
  await first.exited();
  return { first, authority, credentials, run };
}

async function reconnect(child: ChildHost, authority: TestAuthority, credentials: { author: IssuedCertificate; reader: IssuedCertificate }) {
  return {
    author: await clientFor(child, authority, AUTHOR, credentials.author),
    reader: await clientFor(child, authority, READER, credentials.reader),
  };
}

function certificateRequest(p: DemoProfessional) {
  return {
    rpps: p.rpps,
    profession: p.profession,
    ...(p.specialty ? { specialty: p.specialty } : {}),
    familyName: p.familyName,
    givenName: p.givenName,
    ...(p.structure ? { structure: p.structure } : {}),
  };
}

function poolOf(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  pools.push(pool);
  return pool;
}

describe('crash recovery: a host killed with SIGKILL in the middle of concurrent deposits', () => {
  it('embedded PostgreSQL: the restarted host re-attaches to the server the killed one left running, and nothing acknowledged is lost', { timeout: 240_000 }, async () => {
    const home = await newHome();
    const dataDir = path.join(home, 'pg');
    dataDirs.push(dataDir);
    const env = { DMP_HOME: home, DMP_EMBEDDED_PG_PORT: String(await freePort()) };

    const { authority, credentials, run } = await runUntilKilled(env, home, (child) => child.killHard());
    const survivor = postmasterOf(dataDir);
    expect(survivor, 'the killed host left its PostgreSQL running').toBeDefined();

    const second = await startChild(env);
    expect(postmasterOf(dataDir)?.pid, 're-attached to the same server').toBe(survivor!.pid);
    const { author, reader } = await reconnect(second, authority, credentials);
    await checkRecovered(second, reader, author, poolOf(second.databaseUrl), home, run);
  });

  for (const scope of ['postmaster', 'server'] as const) {
    const what = scope === 'postmaster' ? 'the postmaster killed too (its children left to exit)' : 'every PostgreSQL process killed too';
    it(`embedded PostgreSQL, ${what}: crash recovery brings back every acknowledged document`, { timeout: 240_000 }, async () => {
      const home = await newHome();
      const dataDir = path.join(home, 'pg');
      dataDirs.push(dataDir);
      const env = { DMP_HOME: home, DMP_EMBEDDED_PG_PORT: String(await freePort()) };

      let killedPostmaster = 0;
      const { authority, credentials, run } = await runUntilKilled(env, home, async (child) => {
        const postmaster = postmasterOf(dataDir);
        if (!postmaster) throw new Error('no postmaster found for the embedded server');
        killedPostmaster = postmaster.pid;
        const orphans = crashPostgres(postmaster.pid, scope);
        await child.killHard();
        await awaitExit([postmaster.pid, ...orphans]);
        // restart only once the dead postmaster's pid is free (see awaitReaped): an operator restarts after the crash, not during it
        await awaitReaped(postmaster.pid);
      });
      expect(postmasterOf(dataDir), 'no server left on the data directory').toBeUndefined();

      const second = await startChild(env);
      const restarted = postmasterOf(dataDir);
      expect(restarted?.pid).toBeDefined();
      expect(restarted!.pid).not.toBe(killedPostmaster);
      // PostgreSQL noticed the unclean stop and replayed its WAL
      expect(second.stderr()).toMatch(/not properly shut down; automatic recovery in progress/);
      const { author, reader } = await reconnect(second, authority, credentials);
      await checkRecovered(second, reader, author, poolOf(second.databaseUrl), home, run);
    });
  }

  it('external PostgreSQL: the restarted host finds every acknowledged document', { timeout: 240_000 }, async () => {
    const home = await newHome();
    const database = await freshDatabaseUrl();
    databases.push(database);
    const env = { DMP_HOME: home, DATABASE_URL: database.url };

    const { authority, credentials, run } = await runUntilKilled(env, home, (child) => child.killHard());
    const second = await startChild(env);
    expect(second.databaseUrl).toBe(database.url);
    const { author, reader } = await reconnect(second, authority, credentials);
    await checkRecovered(second, reader, author, poolOf(database.url), home, run);
  });
});
