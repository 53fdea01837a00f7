import { buildDocumentReference, nirKey } from '@dmp/core';
import { DEMO_PROFESSIONALS } from '../packages/dmp/src/demo/demo-people.js';
import { sealContent } from '../packages/dmp/src/records/content-crypto.js';
import { presentationOf } from '../packages/dmp/src/records/document-presentation.js';
import { chainBatch } from '../packages/dmp/src/audit/audit-log.js';
import { genesisHash, prepareRecord } from '../packages/dmp/src/audit/audit-entry.js';
import { auditRecordOf } from '../packages/dmp/src/records/audit-trail.js';
import type { RequestContext } from '../packages/dmp/src/context.js';
import { pdfOf } from '../packages/dmp/test/fixtures/documents.js';

/**
 * The synthetic dataset: patients with 20 documents each (the bulk: metadata, small shared
 * contents), generated server-side with `generate_series` in large INSERT ... SELECT statements,
 * plus a few "deposit patients" that receive the documents the bench deposits (real 100 KB
 * contents), so the search patients keep exactly 20 documents however often the bench runs.
 *
 * A patient's documents are spread across the table: document k belongs to patient k mod P, so
 * consecutive rows cycle through all patients, as documents arriving over time would.
 */

/** Bump when the generated data changes shape: a dataset of another version is regenerated. */
export const GENERATOR_VERSION = 4;

export interface DatasetSpec {
  readonly patients: number;
  readonly docsPerPatient: number;
  /** Patients that receive the deposits (and whose documents the retrieve phase reads). */
  readonly depositPatients: number;
}

/** Runs one SQL statement; returns its rows. */
export type RunSql = (text: string, values?: unknown[]) => Promise<Record<string, unknown>[]>;

/** The professional who searches and retrieves: every generated patient authorised her. */
export const READER = DEMO_PROFESSIONALS.obstetrician;
/** The professional who deposits (CR d'accouchement). */
export const DEPOSITOR = DEMO_PROFESSIONALS.midwife;

const SEARCH_PREFIX = '2850675'; // woman, born 1985-06, Paris; commune+order = patient number
const DEPOSIT_PREFIX = '2850775'; // the same, born 1985-07: the deposit patients
const INS_OID = '1.2.250.1.213.1.4.8';

function insOf(prefix: string, n: number): string {
  const body = `${prefix}${String(n).padStart(6, '0')}`;
  return `${body}${nirKey(body)}`;
}

/** INS of search patient n (1-based). */
export function searchPatient(n: number): string {
  return insOf(SEARCH_PREFIX, n);
}

/** INS of deposit patient n (1-based). */
export function depositPatient(n: number): string {
  return insOf(DEPOSIT_PREFIX, n);
}

/** SQL condition selecting the deposit patients' rows by `ins` (a btree range). */
export const DEPOSIT_PATIENTS_SQL = `ins >= '${DEPOSIT_PREFIX}' AND ins < '${String(Number(DEPOSIT_PREFIX) + 1)}'`;

/** The SQL expression of the INS of patient number `n` (an SQL expression) with a prefix. */
function insSql(prefix: string, n: string): string {
  const body = `('${prefix}' || lpad((${n})::text, 6, '0'))`;
  return `(${body} || lpad((97 - (${body}::bigint % 97))::text, 2, '0'))`;
}

/** Whether the database already holds a complete dataset of this spec. */
export async function datasetReady(run: RunSql, spec: DatasetSpec): Promise<boolean> {
  const exists = await run(`SELECT to_regclass('bench_meta') IS NOT NULL AS present`);
  if (exists[0]?.present !== true) return false;
  const rows = await run(`SELECT value FROM bench_meta WHERE key = 'dataset'`);
  const value = rows[0]?.value as { version?: number; patients?: number; docsPerPatient?: number; depositPatients?: number; complete?: boolean } | undefined;
  return (
    value?.complete === true &&
    value.version === GENERATOR_VERSION &&
    value.patients === spec.patients &&
    value.docsPerPatient === spec.docsPerPatient &&
    value.depositPatients === spec.depositPatients
  );
}

/**
 * Fills a freshly migrated database. `log` reports progress. `chunk` documents go in one statement.
 * `superuser`: foreign-key triggers are skipped during the load (session_replication_role), and
 * VACUUM/CHECKPOINT are run (PostgreSQL); data is consistent by construction.
 */
export async function generateDataset(run: RunSql, spec: DatasetSpec, masterKey: Buffer, log: (line: string) => void, chunk = 100_000): Promise<number> {
  const started = performance.now();
  const total = spec.patients * spec.docsPerPatient;
  await run(`CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb NOT NULL)`);
  await run(`INSERT INTO bench_meta (key, value) VALUES ('dataset', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [
    JSON.stringify({ version: GENERATOR_VERSION, ...spec, complete: false }),
  ]);
  await run(`SET session_replication_role = replica`).catch(() => log('  (not superuser: foreign keys checked during the load)'));
  await run(`SET maintenance_work_mem = '512MB'`).catch(() => undefined);

  // Patients, and their authorisation of the reading professional.
  for (const [prefix, count] of [[SEARCH_PREFIX, spec.patients], [DEPOSIT_PREFIX, spec.depositPatients]] as const) {
    await run(
      `INSERT INTO patient_record (ins, ins_oid, status, identity, minor, created_at)
       SELECT ${insSql(prefix, 'n')}, '${INS_OID}', 'open', decode(md5(n::text), 'hex'), false, timestamptz '2019-01-01' + n * interval '1 second'
       FROM generate_series(1, ${count}) AS n`,
    );
    await run(
      `INSERT INTO record_professional (ins, national_id, setting)
       SELECT ${insSql(prefix, 'n')}, $1, 'authorised' FROM generate_series(1, ${count}) AS n`,
      [READER.nationalId],
    );
  }
  log(`  ${spec.patients + spec.depositPatients} patients (${Math.round(performance.now() - started)} ms)`);
  await generateCreationEntries(run, spec);
  log(`  their histories: the creation of each record in its audit chain (${Math.round(performance.now() - started)} ms)`);

  // Secondary indexes are built once at the end rather than maintained row by row.
  const secondary = await run(
    `SELECT pg_get_indexdef(i.indexrelid) AS def, i.indexrelid::regclass::text AS name
       FROM pg_index i WHERE i.indrelid = 'document'::regclass
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
  );
  for (const index of secondary) await run(`DROP INDEX ${String(index.name)}`);

  // One stored DocumentReference (without content) as every bulk row's template.
  const sample = pdfOf('document de la base synthétique', 400);
  const resource = buildDocumentReference(
    {
      ins: searchPatient(1),
      uniqueId: 'urn:oid:2.25.1',
      type: { code: '15508-5', display: "CR d'accouchement" },
      classCode: '10',
      formatCode: 'urn:ihe:iti:xds-sd:pdf:2008',
      author: {
        nationalId: READER.nationalId,
        profession: READER.profession,
        ...(READER.specialty ? { specialty: READER.specialty } : {}),
        familyName: READER.familyName,
        givenName: READER.givenName,
        ...(READER.structure ? { structureId: READER.structure.id, structureName: READER.structure.name } : {}),
      },
      facilityType: 'SA01',
      practiceSetting: 'ETABLISSEMENT',
      title: "Compte rendu d'accouchement",
      mimeType: 'application/pdf',
      content: sample,
      date: '2020-01-01T00:00:00+01:00',
      period: { start: '2020-01-01T00:00:00+01:00', end: '2020-01-01T06:00:00+01:00' },
    },
    'urn:uuid:00000000-0000-4000-8000-000000000000',
  );
  // The shared small content: sealed once (its associated data is not the bulk rows' ids: the
  // bench never retrieves bulk documents, only those it deposits through the API).
  const sealed = sealContent(sample, masterKey, 'bench-bulk');
  // Each row's stored presentation (as a deposit writes it), from one made with placeholders for
  // what differs between rows: the patient, the unique id and the deposit time.
  const epoch = new Date(0);
  const templated = structuredClone(resource) as { subject: { reference: string }; masterIdentifier: { value: string } } & Record<string, unknown>;
  templated.subject.reference = `Patient?identifier=urn:oid:${INS_OID}|__INS__`;
  templated.masterIdentifier.value = '__UID__';
  const content = Array.isArray(templated.content) ? (templated.content as { attachment?: Record<string, unknown> }[]) : [];
  for (const item of content) delete item.attachment?.data;
  const presentation = presentationOf(templated, { size: sample.length, sha1: 'c2hhcmVk', mimeType: 'application/pdf', depositedAt: epoch, replaces: null, classCode: '10' });

  for (let from = 0; from < total; from += chunk) {
    const to = Math.min(total, from + chunk) - 1;
    const rows = `SELECT k, (k % ${spec.patients}) + 1 AS n, md5('bench-doc:' || k)::uuid AS id, timestamptz '2019-01-01' + k * interval '47 seconds' AS at
                  FROM generate_series(${from}, ${to}) AS k`;
    await run(
      `INSERT INTO document (id, ins, unique_id, status, type_code, class_code, format_code, confidentiality, visibility,
                             author_id, author_given, author_family, facility_type, practice_setting, document_date, period_start, period_end,
                             mime_type, size, sha1, submission_digest, deposited_at, resource, presentation)
       SELECT s.id, s.ins, s.uid, 'current', '15508-5', '10', 'urn:ihe:iti:xds-sd:pdf:2008', '{N}', '{}',
              $1, $2, $3, 'SA01', 'ETABLISSEMENT', s.at, s.at - interval '6 hours', s.at,
              'application/pdf', $4, $5, md5(s.uid), s.at + interval '1 hour',
              jsonb_set(jsonb_set($6::jsonb, '{subject,reference}', to_jsonb('Patient?identifier=urn:oid:${INS_OID}|' || s.ins)),
                        '{masterIdentifier,value}', to_jsonb(s.uid)),
              replace(replace(replace($7, '__INS__', s.ins), '__UID__', s.uid), '${epoch.toISOString()}',
                      to_char((s.at + interval '1 hour') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
       FROM (SELECT r.id, r.at, ${insSql(SEARCH_PREFIX, 'r.n')} AS ins, 'urn:oid:2.25.9' || lpad(r.k::text, 12, '0') AS uid FROM (${rows}) r) s`,
      [READER.nationalId, READER.givenName, READER.familyName, sample.length, 'c2hhcmVk', JSON.stringify(resource), presentation],
    );
    await run(
      `INSERT INTO document_content (document_id, wrapped_key, iv, tag, ciphertext)
       SELECT md5('bench-doc:' || k)::uuid, $1, $2, $3, $4 FROM generate_series(${from}, ${to}) AS k`,
      [sealed.wrappedKey, sealed.iv, sealed.tag, sealed.ciphertext],
    );
    const seconds = (performance.now() - started) / 1000;
    log(`  documents ${to + 1}/${total} (${seconds.toFixed(0)} s)`);
  }
  for (const index of secondary) {
    await run(String(index.def));
    log(`  index ${String(index.name)} rebuilt (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  await run(`SET session_replication_role = origin`).catch(() => undefined);
  await run(`VACUUM ANALYZE`);
  await run(`CHECKPOINT`).catch(() => undefined);
  const seconds = Math.round((performance.now() - started) / 1000);
  await run(`UPDATE bench_meta SET value = $1 WHERE key = 'dataset'`, [
    JSON.stringify({ version: GENERATOR_VERSION, ...spec, complete: true, generatedAt: new Date().toISOString(), seconds }),
  ]);
  return seconds;
}

/**
 * Each record's history starts with its creation, as the host writes it (`record.create`, allowed,
 * by an administrator): every patient's audit chain and its head exist, as for a real record, so
 * the bench's searches and reads extend existing chains. Chained and appended with the host's own
 * functions, in batches.
 */
export async function generateCreationEntries(run: RunSql, spec: DatasetSpec, batchSize = 2_000): Promise<void> {
  const patients = [
    ...Array.from({ length: spec.patients }, (_, i) => searchPatient(i + 1)),
    ...Array.from({ length: spec.depositPatients }, (_, i) => depositPatient(i + 1)),
  ];
  const ctx: RequestContext = { actor: { kind: 'administrator', operatorId: 'bench-dataset' }, mode: 'normal', requestId: 'bench-dataset', software: 'dmp-bench' };
  for (let from = 0; from < patients.length; from += batchSize) {
    // (chains already begun, by earlier runs on an older dataset, are left as they are)
    const begun = new Set((await run('SELECT partition FROM audit_head WHERE partition = ANY($1::text[])', [patients.slice(from, from + batchSize)])).map((r) => String(r.partition)));
    const batch = patients.slice(from, from + batchSize).filter((ins) => !begun.has(ins));
    if (batch.length === 0) continue;
    await run(`INSERT INTO audit_head (partition, seq, hash) SELECT p, 0, $2::bytea FROM unnest($1::text[]) AS p ON CONFLICT (partition) DO NOTHING`, [batch, genesisHash()]);
    const records = batch.map((ins) => prepareRecord(auditRecordOf(ctx, { action: 'record.create', outcome: 'allowed', rule: 'record-create', ins })));
    const chained = chainBatch(records, new Map(batch.map((ins) => [ins, { seq: 0, hash: genesisHash() }])));
    const appended = await run(`${chained.query.text} RETURNING 1`, chained.query.values);
    if (appended.length !== batch.length) throw new Error('dataset: the creation entries did not append (audit heads not at genesis: regenerate)');
  }
}

/**
 * Deletes what earlier runs deposited (documents, contents, submission sets of the deposit
 * patients), so the tables do not grow run after run. Audit entries stay: the log is append-only.
 */
export async function removeDeposits(run: RunSql): Promise<number> {
  // Foreign-key triggers off (superuser): the referencing rows go first anyway, and checking that
  // no document references a submission set is a scan of the whole document table per set
  // (document.submission_set_id has no index).
  const replica = await run(`SET session_replication_role = replica`).then(
    () => true,
    () => false,
  );
  try {
    await run(`DELETE FROM document_content WHERE document_id IN (SELECT id FROM document WHERE ${DEPOSIT_PATIENTS_SQL})`);
    const deleted = await run(`WITH d AS (DELETE FROM document WHERE ${DEPOSIT_PATIENTS_SQL} RETURNING 1) SELECT count(*)::int AS n FROM d`);
    if (replica) await run(`DELETE FROM submission_set WHERE ${DEPOSIT_PATIENTS_SQL}`);
    return Number(deleted[0]?.n ?? 0);
  } finally {
    if (replica) await run(`SET session_replication_role = origin`);
  }
}
