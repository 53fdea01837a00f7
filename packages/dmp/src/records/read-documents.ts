import { createHash } from 'node:crypto';
import type pg from 'pg';
import { checkAssertedPatient } from './asserted-patient.js';
import { decide, searchScope, type RecordAccessState, type SearchScope } from '../access/index.js';
import type { HostServices, RequestContext } from '../context.js';
import { FhirError } from '../fhir/fhir-error.js';
import { openContent } from './content-crypto.js';
import { documentAccessState } from './deposit-documents.js';
import { DOCUMENT_COLUMNS, PRESENTED_COLUMNS, type DocumentRow, type PresentedRow } from './document-presenter.js';
import { documentSearchWhere, type DocumentFilters, type SqlWhere } from './document-search.js';
import { recordAudit } from './audit-trail.js';
import { loadRecord, RECORD_ACCESS_COLUMNS, RECORD_ACCESS_NAMES, recordAccessOf, type RecordAccessRow, type StoredRecord } from './record-repository.js';

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
  checkAssertedPatient(ctx, filters.ins);
  const key = predictionKey(ctx);
  const predicted = predictedScopes.get(key);
  let record: RecordAccessState | undefined;
  let found: R[] | undefined;
  let scope: SearchScope;
  if (predicted) {
    const guess = documentSearchWhere(filters, predicted);
    const result = await services.pool.query<{ k: number } & RecordAccessRow & R>(recordAndSearchStatement(guess, columns, page));
    const first = result.rows[0];
    if (!first || first.k !== 0) throw FhirError.of(404, 'not-found', `no DMP record for INS ${filters.ins}`);
    record = recordAccessOf(first);
    scope = searchScope(ctx.actor, record, { mode: ctx.mode, ...(ctx.reason ? { reason: ctx.reason } : {}) });
    if (scope.kind === 'documents' && sameWhere(documentSearchWhere(filters, scope), guess)) found = result.rows.slice(1);
  } else {
    record = await requireRecord(services, filters.ins);
    scope = searchScope(ctx.actor, record, { mode: ctx.mode, ...(ctx.reason ? { reason: ctx.reason } : {}) });
  }
  if (scope.kind === 'none') {
    await recordAudit(services, ctx, { action: 'document.search', outcome: 'denied', rule: scope.rule, ins: record.ins, details: { reason: scope.reason } });
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
  });
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

/**
 * Reads one document's metadata (or, with `withContent`, its decrypted content: IHE ITI-68),
 * after the access decision; the read is audited, allowed or refused, before anything is returned.
 * A document the caller may not see is answered as not found, so its existence does not leak.
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
  checkAssertedPatient(ctx, row.ins);
  const record = recordAccessOf(row);
  const decision = decide(ctx.actor, 'document.read', record, {
    mode: ctx.mode,
    ...(ctx.reason ? { reason: ctx.reason } : {}),
    document: documentAccessState(row),
  });
  const facts = { action: withContent ? 'document.retrieve' : 'document.read', ins: row.ins, documentId: row.id, documentUniqueId: row.unique_id };
  if (!decision.allowed) {
    await recordAudit(services, ctx, { ...facts, outcome: 'denied', rule: decision.rule, details: { reason: decision.reason } });
    throw FhirError.of(404, 'not-found', `no document ${id} you may read`);
  }
  let content: Buffer | undefined;
  if (withContent) {
    if (!row.wrapped_key || !row.iv || !row.tag || !row.ciphertext) throw FhirError.of(500, 'exception', 'document content missing');
    content = openContent({ wrappedKey: row.wrapped_key, iv: row.iv, tag: row.tag, ciphertext: row.ciphertext }, services.masterKey, row.id);
    delete row.ciphertext;
  }
  await recordAudit(services, ctx, { ...facts, outcome: 'allowed', rule: decision.rule });
  void services.notifier?.accessed(ctx, row.ins, decision.rule, ctx.requestId);
  return { row, ...(content ? { content } : {}) };
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
