import { createHash } from 'node:crypto';
import type pg from 'pg';
import { checkAssertedPatient } from './asserted-patient.js';
import { decide, searchScope, type RecordAccessState, type SearchScope } from '../access/index.js';
import type { HostServices, RequestContext } from '../context.js';
import { FhirError } from '../fhir/fhir-error.js';
import { openContent } from './content-crypto.js';
import { copyOutRows, type CopyRow } from './copy-out.js';
import { documentAccessState } from './deposit-documents.js';
import { DOCUMENT_COLUMNS, PRESENTED_COLUMNS, type DocumentRow, type PresentedRow } from './document-presenter.js';
import { documentSearchWhere, type DocumentFilters, type SqlWhere } from './document-search.js';
import { recordAudit } from './audit-trail.js';
import { auditHeadOf, loadRecord, RECORD_ACCESS_COLUMNS, RECORD_ACCESS_NAMES, recordAccessOf, type RecordAccessRow, type StoredRecord } from './record-repository.js';
import type { ChainHead } from '../audit/audit-log.js';

type ScopedRow = DocumentRow & { type_code: string; class_code: string; author_id: string };

/** Loads the record a request names, or answers 404. */
export async function requireRecord(services: HostServices, ins: string): Promise<StoredRecord> {
  const record = await loadRecord(services.pool, ins);
  if (!record) throw FhirError.of(404, 'not-found', `no DMP record for INS ${ins}`);
  return record;
}

/** A page of a search: `count` rows from `offset`. */
export interface Page {
  readonly count: number;
  readonly offset: number;
}

/** The documents of one search page, and whether more follow. */
export interface SearchPage<R> {
  readonly rows: R[];
  readonly hasMore: boolean;
}

const ORDER = 'ORDER BY d.document_date DESC NULLS LAST, d.id';

/** A statement's name for node-postgres: each connection prepares it once, then only binds values. */
const statementNames = new Map<string, string>();
function statementName(prefix: string, text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `${prefix}-${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    if (statementNames.size >= 10_000) statementNames.clear();
    statementNames.set(text, name);
  }
  return name;
}

/** The search statement: `columns` of the documents `where` selects, one page (and one row more, to tell whether more follow). */
export function documentSearchStatement(where: SqlWhere, columns: string, page: Page): pg.QueryConfig {
  const values = [...where.values, page.count + 1, page.offset];
  const text = `SELECT ${columns} FROM document d WHERE ${where.text} ${ORDER} LIMIT $${values.length - 1} OFFSET $${values.length}`;
  return { name: statementName('search', text), text, values };
}

/**
 * The record (its access state) and a search page in one statement: the record's row first
 * (`k` = 0), then the documents in order (`k` = 1). `where` must name the patient as `$1`.
 */
export function recordAndSearchStatement(where: SqlWhere, columns: string, page: Page): pg.QueryConfig {
  const values = [...where.values, page.count + 1, page.offset];
  const text = `SELECT 0 AS k, 0::bigint AS n, ${RECORD_ACCESS_COLUMNS}, s.*
      FROM patient_record r LEFT JOIN (SELECT ${columns} FROM document d WHERE false) s ON true WHERE r.ins = $1
    UNION ALL
    SELECT 1, row_number() OVER (), ${RECORD_ACCESS_NAMES.map(() => 'NULL').join(', ')}, s.*
      FROM (SELECT ${columns} FROM document d WHERE ${where.text} ${ORDER} LIMIT $${values.length - 1} OFFSET $${values.length}) s
    ORDER BY k, n`;
  return { name: statementName('record-search', text), text, values };
}

/**
 * The scope last computed for an actor acting the same way, used to ask for the record and the
 * documents in one round trip. Only a guess: the documents are used only if the scope computed
 * from the record that came back is the same; otherwise they are dropped unseen and asked for
 * again with the right scope.
 */
const predictedScopes = new Map<string, Extract<SearchScope, { kind: 'documents' }>>();

function predictionKey(ctx: RequestContext): string {
  return JSON.stringify([ctx.actor, ctx.mode, ctx.reason ?? null]);
}

function sameWhere(a: SqlWhere, b: SqlWhere): boolean {
  return a.text === b.text && JSON.stringify(a.values) === JSON.stringify(b.values);
}

/**
 * IHE ITI-67 Find Document References: the caller's filters AND the access scope in one SQL
 * query, so paging counts only what the caller may see. The search is audited (allowed or refused)
 * before the answer leaves. `columns`: DOCUMENT_COLUMNS (rows as DocumentRow) or PRESENTED_COLUMNS.
 */
async function searchDocuments<R extends { id: string }>(
  ctx: RequestContext,
  services: HostServices,
  filters: DocumentFilters,
  page: Page,
  columns: string,
): Promise<SearchPage<R>> {
  await checkAssertedPatient(ctx, services, filters.ins, { action: 'document.search' });
  const key = predictionKey(ctx);
  const predicted = predictedScopes.get(key);
  let record: RecordAccessState | undefined;
  let head: ChainHead | undefined;
  let found: R[] | undefined;
  let scope: SearchScope;
  if (predicted) {
    const guess = documentSearchWhere(filters, predicted);
    const result = await services.pool.query<{ k: number } & RecordAccessRow & R>(recordAndSearchStatement(guess, columns, page));
    const first = result.rows[0];
    if (!first || first.k !== 0) throw FhirError.of(404, 'not-found', `no DMP record for INS ${filters.ins}`);
    record = recordAccessOf(first);
    head = auditHeadOf(first);
    scope = searchScope(ctx.actor, record, { mode: ctx.mode, ...(ctx.reason ? { reason: ctx.reason } : {}) });
    if (scope.kind === 'documents' && sameWhere(documentSearchWhere(filters, scope), guess)) found = result.rows.slice(1);
  } else {
    record = await requireRecord(services, filters.ins);
    scope = searchScope(ctx.actor, record, { mode: ctx.mode, ...(ctx.reason ? { reason: ctx.reason } : {}) });
  }
  if (scope.kind === 'none') {
    await recordAudit(services, ctx, { action: 'document.search', outcome: 'denied', rule: scope.rule, ins: record.ins, details: { reason: scope.reason } }, head);
    throw FhirError.of(403, 'forbidden', `search refused: ${scope.reason}`);
  }
  if (predicted !== scope) {
    if (predictedScopes.size >= 10_000) predictedScopes.clear();
    predictedScopes.set(key, scope);
  }
  if (!found) found = (await services.pool.query<R>(documentSearchStatement(documentSearchWhere(filters, scope), columns, page))).rows;
  const rows = found.slice(0, page.count);
  await recordAudit(services, ctx, {
    action: 'document.search',
    outcome: 'allowed',
    rule: scope.rule,
    ins: record.ins,
    details: { returned: rows.length, documents: rows.map((r) => r.id) },
  }, head);
  void services.notifier?.accessed(ctx, record.ins, scope.rule, ctx.requestId);
  return { rows, hasMore: found.length > page.count };
}

/** ITI-67 for the portal and the commands: whole document rows. */
export function findDocuments(ctx: RequestContext, services: HostServices, filters: DocumentFilters, page: Page): Promise<SearchPage<DocumentRow>> {
  return searchDocuments<ScopedRow>(ctx, services, filters, page, DOCUMENT_COLUMNS);
}

/** ITI-67 for the FHIR API: what `documentReferenceJson` needs of each document. */
export function findPresentedDocuments(ctx: RequestContext, services: HostServices, filters: DocumentFilters, page: Page): Promise<SearchPage<PresentedRow>> {
  return searchDocuments<PresentedRow>(ctx, services, filters, page, PRESENTED_COLUMNS);
}

type SealedColumns = { wrapped_key: Buffer; iv: Buffer; tag: Buffer; ciphertext: Buffer };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The statement reading one document by id with its record's access state (and, `withContent`,
 * its sealed content: still encrypted, opened only once the access is decided), one round trip.
 * Text format: pg turns the hex into Buffers natively; its binary result mode decodes raw fields
 * as UTF-8 first, which corrupts bytea.
 */
export function documentWithRecordStatement(id: string, withContent: boolean): pg.QueryConfig {
  return withContent
    ? {
        name: 'document-content-record-by-id',
        text: `SELECT ${DOCUMENT_COLUMNS}, c.wrapped_key, c.iv, c.tag, c.ciphertext, ${RECORD_ACCESS_COLUMNS}
                 FROM document d JOIN document_content c ON c.document_id = d.id JOIN patient_record r ON r.ins = d.ins WHERE d.id = $1`,
        values: [id],
      }
    : {
        name: 'document-record-by-id',
        text: `SELECT ${DOCUMENT_COLUMNS}, ${RECORD_ACCESS_COLUMNS} FROM document d JOIN patient_record r ON r.ins = d.ins WHERE d.id = $1`,
        values: [id],
      };
}

/** Loads one document row by id (any patient), without deciding: callers decide next. */
async function loadDocument(services: HostServices, id: string): Promise<ScopedRow | undefined> {
  if (!UUID.test(id)) return undefined;
  const result = await services.pool.query<ScopedRow>({ name: 'document-by-id', text: `SELECT ${DOCUMENT_COLUMNS} FROM document d WHERE d.id = $1`, values: [id] });
  return result.rows[0];
}

/** What deciding, auditing and answering a read of one document needs of its row. */
type ReadRow = Pick<ScopedRow, 'id' | 'ins' | 'unique_id' | 'status' | 'archived' | 'visibility' | 'type_code' | 'class_code' | 'author_id'> & Partial<SealedColumns>;

/**
 * Decides the read of one document, audits it (allowed or refused), and opens its content when it
 * came with the row; throws 404 (a document the caller may not see is answered as not found, so
 * its existence does not leak).
 */
async function decideRead(
  ctx: RequestContext,
  services: HostServices,
  row: ReadRow,
  record: RecordAccessState,
  head: ChainHead | undefined,
  withContent: boolean,
): Promise<Buffer | undefined> {
  const facts = { action: withContent ? 'document.retrieve' : 'document.read', ins: row.ins, documentId: row.id, documentUniqueId: row.unique_id };
  await checkAssertedPatient(ctx, services, row.ins, facts);
  const decision = decide(ctx.actor, 'document.read', record, {
    mode: ctx.mode,
    ...(ctx.reason ? { reason: ctx.reason } : {}),
    document: documentAccessState(row),
  });
  if (!decision.allowed) {
    await recordAudit(services, ctx, { ...facts, outcome: 'denied', rule: decision.rule, details: { reason: decision.reason } }, head);
    throw FhirError.of(404, 'not-found', `no document ${row.id} you may read`);
  }
  let content: Buffer | undefined;
  if (withContent) {
    if (!row.wrapped_key || !row.iv || !row.tag || !row.ciphertext) throw FhirError.of(500, 'exception', 'document content missing');
    content = openContent({ wrappedKey: row.wrapped_key, iv: row.iv, tag: row.tag, ciphertext: row.ciphertext }, services.masterKey, row.id);
  }
  await recordAudit(services, ctx, { ...facts, outcome: 'allowed', rule: decision.rule }, head);
  void services.notifier?.accessed(ctx, row.ins, decision.rule, ctx.requestId);
  return content;
}

/**
 * Reads one document's metadata (or, with `withContent`, its decrypted content), after the access
 * decision; the read is audited, allowed or refused, before anything is returned. A document the
 * caller may not see is answered as not found, so its existence does not leak.
 */
export async function readDocument(
  ctx: RequestContext,
  services: HostServices,
  id: string,
  withContent: boolean,
): Promise<{ row: DocumentRow; content?: Buffer }> {
  const row = UUID.test(id)
    ? (await services.pool.query<ScopedRow & Partial<SealedColumns> & RecordAccessRow>(documentWithRecordStatement(id, withContent))).rows[0]
    : undefined;
  if (!row) throw FhirError.of(404, 'not-found', `no document ${id}`);
  const content = await decideRead(ctx, services, row, recordAccessOf(row), auditHeadOf(row), withContent);
  delete row.ciphertext;
  return { row, ...(content ? { content } : {}) };
}

/** The fields a retrieve reads (of `x`, below), in order. */
const RETRIEVE_FIELDS = [
  'x.id::text',
  'x.ins',
  'x.unique_id',
  'x.status',
  'x.archived::text',
  'array_to_json(x.visibility)::text',
  'x.type_code',
  'x.class_code',
  'x.author_id',
  'x.mime_type',
  'x.wrapped_key',
  'x.iv',
  'x.tag',
  'x.ciphertext',
  'x.record_ins',
  'x.record_status',
  'x.record_minor::text',
  'x.record_medecin_traitant',
  'x.record_emergency_opposed::text',
  'array_to_json(x.record_authorised)::text',
  'array_to_json(x.record_blocked)::text',
  'array_to_json(x.record_representatives)::text',
  'x.record_audit_head',
] as const;

/** The query a retrieve reads by binary COPY: every field as text, or bytea, named f0, f1, ... `id` must be a checked UUID. */
export function retrieveSelect(id: string): string {
  return `SELECT ${RETRIEVE_FIELDS.map((field, i) => `${field} AS f${i}`).join(', ')}
    FROM (SELECT d.id, d.ins, d.unique_id, d.status, d.archived, d.visibility, d.type_code, d.class_code, d.author_id, d.mime_type,
                 c.wrapped_key, c.iv, c.tag, c.ciphertext, ${RECORD_ACCESS_COLUMNS}
            FROM document d JOIN document_content c ON c.document_id = d.id JOIN patient_record r ON r.ins = d.ins
           WHERE d.id = '${id}') x`;
}

/**
 * IHE ITI-68: one document's content, decrypted, after the access decision (audited, allowed or
 * refused, before anything is returned; a document the caller may not see is not found). The
 * document, its record and its sealed content come in one statement, by binary COPY (copy-out.ts):
 * the content as its bytes, not as hex.
 */
export async function retrieveDocument(ctx: RequestContext, services: HostServices, id: string): Promise<{ id: string; mimeType: string; content: Buffer }> {
  if (!UUID.test(id)) throw FhirError.of(404, 'not-found', `no document ${id}`);
  const client = await services.pool.connect();
  let fields: CopyRow | undefined;
  try {
    fields = (await copyOutRows(client, retrieveSelect(id)))[0];
    client.release();
  } catch (error) {
    client.release(error instanceof Error ? error : true);
    throw error;
  }
  if (!fields) throw FhirError.of(404, 'not-found', `no document ${id}`);
  const text = (i: number): string => {
    const field = fields[i];
    if (!field) throw new Error(`retrieve: field ${RETRIEVE_FIELDS[i]} is null`);
    return field.toString('utf8');
  };
  const bytes = (i: number): Buffer | undefined => fields[i] ?? undefined;
  const list = (i: number): string[] => JSON.parse(text(i)) as string[];
  const row: ReadRow = {
    id: text(0),
    ins: text(1),
    unique_id: text(2),
    status: text(3) as ReadRow['status'],
    archived: text(4) === 'true',
    visibility: list(5),
    type_code: text(6),
    class_code: text(7),
    author_id: text(8),
    ...(bytes(10) ? { wrapped_key: bytes(10) } : {}),
    ...(bytes(11) ? { iv: bytes(11) } : {}),
    ...(bytes(12) ? { tag: bytes(12) } : {}),
    ...(bytes(13) ? { ciphertext: bytes(13) } : {}),
  };
  const record = recordAccessOf({
    record_ins: text(14),
    record_status: text(15) as RecordAccessRow['record_status'],
    record_minor: text(16) === 'true',
    record_medecin_traitant: fields[17] ? text(17) : null,
    record_emergency_opposed: text(18) === 'true',
    record_authorised: list(19),
    record_blocked: list(20),
    record_representatives: list(21),
    record_audit_head: null,
  });
  const head = fields[22] ? auditHeadOf({ record_audit_head: text(22) }) : undefined;
  const content = await decideRead(ctx, services, row, record, head, true);
  return { id: row.id, mimeType: text(9), content: content! };
}

/**
 * The row of a document just deposited, to answer its depositor (ITI-105 returns the created
 * DocumentReference). No access decision: the depositor sent this very metadata; the deposit
 * itself was decided and audited.
 */
export async function depositedDocument(services: HostServices, id: string): Promise<DocumentRow> {
  const row = await loadDocument(services, id);
  if (!row) throw FhirError.of(500, 'exception', 'the deposited document cannot be read back');
  return row;
}
