import { createHash, createPublicKey, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { SimulatedDirectory } from '@dmp/national';
import { buildDocumentReference, newUniqueId, type PdsmDocument } from '@dmp/core';
import { decide, searchScope, type SearchScope } from '../packages/dmp/src/access/index.js';
import type { Actor } from '../packages/dmp/src/access/types.js';
import { chainBatch, lockHeads, type ChainHead } from '../packages/dmp/src/audit/audit-log.js';
import { AuditWriter } from '../packages/dmp/src/audit/audit-writer.js';
import { prepareRecord } from '../packages/dmp/src/audit/audit-entry.js';
import { classifyCertificateUnchecked, InMemoryReplayStore, verifyAssertion, type ReplayStore } from '../packages/dmp/src/auth/index.js';
import type { RequestContext } from '../packages/dmp/src/context.js';
import { auditRecordOf, type AuditFacts } from '../packages/dmp/src/records/audit-trail.js';
import { sealContent } from '../packages/dmp/src/records/content-crypto.js';
import { documentAccessState, INSERT_NEW_DOCUMENT, INSERT_NEW_SUBMISSION_SET, together } from '../packages/dmp/src/records/deposit-documents.js';
import { outboxNotifier } from '../packages/dmp/src/notifications/notifier.js';
import { PRESENTED_COLUMNS, type PresentedRow } from '../packages/dmp/src/records/document-presenter.js';
import { presentationOf } from '../packages/dmp/src/records/document-presentation.js';
import { documentSearchWhere } from '../packages/dmp/src/records/document-search.js';
import { copyOutRows } from '../packages/dmp/src/records/copy-out.js';
import { recordAndSearchStatement, retrieveSelect } from '../packages/dmp/src/records/read-documents.js';
import { auditHeadOf, loadRecord, recordAccessOf, type RecordAccessRow } from '../packages/dmp/src/records/record-repository.js';
import { deliveryReport, pdfOf } from '../packages/dmp/test/fixtures/documents.js';
import { DEPOSITOR, depositPatient, searchPatient, type DatasetSpec } from './dataset.js';
import type { BenchSoftware } from './http-phases.js';
import { CONTENT_SIZE } from './http-phases.js';
import type { Operation } from './load.js';

/**
 * The database-only ceilings: the statements the host runs for each request, sent by a minimal
 * Node client (node-postgres in pipeline mode as the host's pool, as many connections as workers,
 * no HTTP, no TLS, no signature checks), using the product's own functions and SQL texts. Every
 * request first claims an assertion id as the host does (its replay store, on a connection of its
 * own); the audit entries of searches and retrieves go through the host's group-commit writer
 * (AuditWriter), given the chain head the statement read, as in the host: many requests' entries
 * share one statement and one commit.
 *
 * - deposit: the host's three round trips (its pool in pipeline mode, each group sent together):
 *   [BEGIN; the record FOR SHARE; the audit chain's head FOR UPDATE], [INSERT submission set;
 *   INSERT document and its content (100 KB, already sealed); audit append; SAVEPOINT; the
 *   notifier's query], [RELEASE; COMMIT]
 * - search: the record and the search page in one SELECT (the product's statement, with the scope
 *   the host guesses once it has served the reader); the audit entry (group commit)
 * - retrieve: the document row, its record and its content (100 KB) in one binary COPY; the audit
 *   entry (group commit)
 */

/** What the ceilings need to act as the bench's professionals (their actors, as the host derives them). */
export interface CeilingActors {
  readonly depositor: RequestContext;
  readonly reader: RequestContext;
}

/** The database side of the ceilings: the pool, and the host's group-commit audit writer and replay store on it. */
export interface CeilingDb {
  /** In node-postgres' pipeline mode, as the host's. */
  readonly pool: pg.Pool;
  /** Audit entries of searches and retrieves; absent: no audit statements (deposits append none either). */
  readonly audit?: AuditWriter;
  /** The host claims each assertion's id once: the same statement, on a connection of its own (synchronous_commit off). */
  readonly claims: ReplayStore;
}

/** Claims a fresh assertion id, as the host does for every request. */
async function claim(db: CeilingDb): Promise<void> {
  if (!(await db.claims.claim(randomUUID(), new Date(Date.now() + 330_000)))) throw new Error('claim: a fresh id was refused');
}

/** The actors of the bench's professionals, as the host's assertion check derives them. */
export async function ceilingActors(software: BenchSoftware): Promise<CeilingActors> {
  const contextOf = async (s: BenchSoftware['depositor']): Promise<RequestContext> => {
    const token = s.assertions.take().slice('Bearer '.length);
    const certificate = classifyCertificateUnchecked(s.credentials.certPem);
    const verified = await verifyAssertion(token, certificate, createPublicKey(s.credentials.certPem), new InMemoryReplayStore());
    const actor: Actor = verified.actor;
    return { actor, mode: verified.mode, requestId: 'bench', ...(verified.software ? { software: verified.software } : {}) };
  };
  return { depositor: await contextOf(software.depositor), reader: await contextOf(software.reader) };
}

function randomInt(below: number): number {
  return Math.floor(Math.random() * below);
}

function withRequestId(ctx: RequestContext): RequestContext {
  return { ...ctx, requestId: randomUUID() };
}

/** A deposit's parts computed once (the client seals and hashes nothing per request: the database's work only). */
class DepositMaterial {
  readonly sealed: ReturnType<typeof sealContent>;
  readonly sha1: string;
  readonly digest: string;
  readonly doc: PdsmDocument;

  constructor(masterKey: Buffer) {
    const content = pdfOf('Compte rendu d’accouchement (plafond base seule)', CONTENT_SIZE);
    this.doc = deliveryReport(depositPatient(1), DEPOSITOR, { content });
    this.sealed = sealContent(content, masterKey, randomUUID());
    this.sha1 = createHash('sha1').update(content).digest('base64');
    this.digest = createHash('sha256').update(content).digest('hex');
  }
}

export function ceilingDeposit(db: CeilingDb, actors: CeilingActors, spec: DatasetSpec, masterKey: Buffer): Operation {
  const { pool } = db;
  const audit = db.audit !== undefined;
  const material = new DepositMaterial(masterKey);
  const doc = material.doc;
  // the host's notifier, for its statements (the bench's patients have no portal account: it queues nothing)
  const notifier = outboxNotifier({ pool, masterKey, directory: new SimulatedDirectory() });
  return async () => {
    const ins = depositPatient(1 + randomInt(spec.depositPatients));
    const uniqueId = `urn:oid:${newUniqueId()}`;
    const setUniqueId = `urn:oid:${newUniqueId()}`;
    const ctx = withRequestId(actors.depositor);
    const resource = buildDocumentReference({ ...doc, ins, uniqueId }, `urn:uuid:${randomUUID()}`);
    await claim(db);
    // the host's deposit of new documents: three round trips, the statements of each sent together
    const client = await pool.connect();
    try {
      const [, loaded, locked] = await Promise.all(
        together(client, () => [client.query('BEGIN'), loadRecord(client, ins, 'share'), audit ? lockHeads(client, [ins]) : Promise.resolve(new Map<string, ChainHead>())] as const),
      );
      if (!loaded) throw new Error(`no record ${ins}`);
      const setId = randomUUID();
      const id = randomUUID();
      const depositedAt = new Date();
      const values = [
        id, ins, uniqueId, setId, doc.type.code, doc.classCode, doc.formatCode, ['N'], [],
        doc.author.nationalId, doc.author.givenName ?? null, doc.author.familyName ?? null, doc.facilityType, doc.practiceSetting,
        doc.date ?? null, doc.period?.start ?? null, doc.period?.end ?? null, doc.mimeType, CONTENT_SIZE, material.sha1, material.digest,
        null, resource, depositedAt,
        presentationOf(resource, { size: CONTENT_SIZE, sha1: material.sha1, mimeType: doc.mimeType, depositedAt, replaces: null, classCode: doc.classCode ?? null }),
        material.sealed.wrappedKey, material.sealed.iv, material.sealed.tag, material.sealed.ciphertext,
      ];
      const facts: AuditFacts = { action: 'document.deposit', outcome: 'allowed', rule: 'deposit', ins, documentId: id, documentUniqueId: uniqueId, details: { type: doc.type.code } };
      const batch = audit ? chainBatch([prepareRecord(auditRecordOf(ctx, facts))], locked) : undefined;
      const list = { resourceType: 'List', identifier: [{ value: setUniqueId }], subject: { reference: `Patient?identifier=urn:oid:1.2.250.1.213.1.4.8|${ins}` } };
      const written = together(client, () => ({
        set: client.query({ name: 'insert-new-submission-set', text: INSERT_NEW_SUBMISSION_SET, values: [setId, ins, setUniqueId, 'urn:oid:1.2.250.1.213.1.1.9', doc.author.nationalId, list] }),
        inserted: client.query({ name: 'insert-new-document', text: INSERT_NEW_DOCUMENT, values }),
        others: [batch ? client.query(batch.query) : Promise.resolve(undefined), client.query('SAVEPOINT notify'), notifier.documentsDeposited(client, ctx, ins, [{ id, visibility: [] }])],
      }));
      const [set, inserted] = await Promise.all([written.set, written.inserted, ...written.others]);
      if (set.rowCount !== 1 || inserted.rowCount !== 1) throw new Error('deposit: not new');
      await Promise.all(together(client, () => [client.query('RELEASE SAVEPOINT notify'), client.query('COMMIT')]));
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    return true;
  };
}

export function ceilingSearch(db: CeilingDb, actors: CeilingActors, spec: DatasetSpec): Operation {
  const { pool, audit } = db;
  // The scope of the reader on any search patient (all authorised her): the host's guess once it has served her.
  let predicted: Extract<SearchScope, { kind: 'documents' }> | undefined;
  return async () => {
    const ins = searchPatient(1 + randomInt(spec.patients));
    const ctx = withRequestId(actors.reader);
    await claim(db);
    const filters = { ins, statuses: ['current'] as const, includeArchived: false, date: [], period: [] };
    if (!predicted) {
      const first = await loadRecord(pool, ins);
      const scope = searchScope(ctx.actor, first, { mode: ctx.mode });
      if (scope.kind === 'none') throw new Error(`search refused: ${scope.reason}`);
      predicted = scope;
    }
    const result = await pool.query<{ k: number } & RecordAccessRow & PresentedRow>(recordAndSearchStatement(documentSearchWhere(filters, predicted), PRESENTED_COLUMNS, { count: 20, offset: 0 }));
    const record = result.rows[0];
    if (!record || record.k !== 0) throw new Error(`no record ${ins}`);
    const scope = searchScope(ctx.actor, recordAccessOf(record), { mode: ctx.mode });
    if (scope.kind === 'none') throw new Error(`search refused: ${scope.reason}`);
    const rows = result.rows.slice(1, 21);
    if (rows.length !== Math.min(20, spec.docsPerPatient)) throw new Error(`search: ${rows.length} rows for ${ins}`);
    if (audit) {
      const facts: AuditFacts = { action: 'document.search', outcome: 'allowed', rule: scope.rule, ins, details: { returned: rows.length, documents: rows.map((r) => r.id) } };
      await audit.write(auditRecordOf(ctx, facts), auditHeadOf(record));
    }
    return true;
  };
}

/** The rows of a retrieve's SELECT as binary COPY gives them (text fields as UTF-8, bytea as is), for a database without COPY TO STDOUT. */
async function selectRows(client: pg.PoolClient, select: string): Promise<(Buffer | null)[][]> {
  const result = await client.query<Record<string, unknown>>(select);
  return result.rows.map((row) =>
    Object.keys(row).map((_, i) => {
      const value = row[`f${i}`];
      return value === null || value === undefined ? null : Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'utf8');
    }),
  );
}

export function ceilingRetrieve(db: CeilingDb, actors: CeilingActors, ids: readonly string[], read: 'copy' | 'select' = 'copy'): Operation {
  const { pool, audit } = db;
  return async () => {
    const id = ids[randomInt(ids.length)];
    if (!id) throw new Error('retrieve: nothing deposited');
    const ctx = withRequestId(actors.reader);
    await claim(db);
    // the host's statement: the document, its record and its sealed content by binary COPY
    const client = await pool.connect();
    const fields = await (read === 'copy' ? copyOutRows(client, retrieveSelect(id)) : selectRows(client, retrieveSelect(id))).finally(() => client.release());
    const row = fields[0];
    if (!row) throw new Error(`no document ${id}`);
    const text = (i: number): string => row[i]?.toString('utf8') ?? '';
    const list = (i: number): string[] => JSON.parse(text(i)) as string[];
    const record = recordAccessOf({
      record_ins: text(14),
      record_status: text(15) as 'open' | 'closed',
      record_minor: text(16) === 'true',
      record_medecin_traitant: row[17] ? text(17) : null,
      record_emergency_opposed: text(18) === 'true',
      record_authorised: list(19),
      record_blocked: list(20),
      record_representatives: list(21),
      record_audit_head: null,
    });
    const document = { type_code: text(6), class_code: text(7), visibility: list(5), author_id: text(8), status: text(3), archived: text(4) === 'true' };
    const decision = decide(ctx.actor, 'document.read', record, { mode: ctx.mode, document: documentAccessState(document) });
    if (!decision.allowed) throw new Error(`retrieve refused: ${decision.reason}`);
    if (row[13]?.length !== CONTENT_SIZE) throw new Error(`content of ${id}: ${row[13]?.length ?? 'none'}`);
    const ins = text(1);
    const uniqueId = text(2);
    if (audit) {
      const facts: AuditFacts = { action: 'document.retrieve', ins, documentId: id, documentUniqueId: uniqueId, outcome: 'allowed', rule: decision.rule };
      await audit.write(auditRecordOf(ctx, facts), row[22] ? auditHeadOf({ record_audit_head: text(22) }) : undefined);
    }
    return true;
  };
}
