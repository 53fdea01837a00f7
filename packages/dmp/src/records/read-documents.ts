import { createHash } from 'node:crypto';
import { checkAssertedPatient } from './asserted-patient.js';
import { decide, searchScope } from '../access/index.js';
import type { HostServices, RequestContext } from '../context.js';
import { FhirError } from '../fhir/fhir-error.js';
import { openContent } from './content-crypto.js';
import { documentAccessState } from './deposit-documents.js';
import { DOCUMENT_COLUMNS, type DocumentRow } from './document-presenter.js';
import { documentSearchWhere, type DocumentFilters } from './document-search.js';
import { recordAudit } from './audit-trail.js';
import { loadRecord, type StoredRecord } from './record-repository.js';

type ScopedRow = DocumentRow & { type_code: string; class_code: string; author_id: string };

/** Loads the record a request names, or answers 404. */
export async function requireRecord(services: HostServices, ins: string): Promise<StoredRecord> {
  const record = await loadRecord(services.pool, ins);
  if (!record) throw FhirError.of(404, 'not-found', `no DMP record for INS ${ins}`);
  return record;
}

/**
 * IHE ITI-67 Find Document References: the caller's filters AND the access scope in one SQL
 * query, so paging counts only what the caller may see. The search is audited (allowed or refused)
 * before the answer leaves.
 */
export async function findDocuments(
  ctx: RequestContext,
  services: HostServices,
  filters: DocumentFilters,
  page: { count: number; offset: number },
): Promise<{ rows: DocumentRow[]; hasMore: boolean }> {
  checkAssertedPatient(ctx, filters.ins);
  const record = await requireRecord(services, filters.ins);
  const scope = searchScope(ctx.actor, record, { mode: ctx.mode, ...(ctx.reason ? { reason: ctx.reason } : {}) });
  if (scope.kind === 'none') {
    await recordAudit(services, ctx, { action: 'document.search', outcome: 'denied', rule: scope.rule, ins: record.ins, details: { reason: scope.reason } });
    throw FhirError.of(403, 'forbidden', `search refused: ${scope.reason}`);
  }
  const where = documentSearchWhere(filters, scope);
  const values = [...where.values, page.count + 1, page.offset];
  const text = `SELECT ${DOCUMENT_COLUMNS} FROM document d WHERE ${where.text}
           ORDER BY d.document_date DESC NULLS LAST, d.id LIMIT $${values.length - 1} OFFSET $${values.length}`;
  // Named by its text: each connection parses and plans a search shape once (the filters a client
  // combines are few), then only binds values.
  const result = await services.pool.query<ScopedRow>({ name: `search-${createHash('sha1').update(text).digest('hex').slice(0, 16)}`, text, values });
  const rows = result.rows.slice(0, page.count);
  await recordAudit(services, ctx, {
    action: 'document.search',
    outcome: 'allowed',
    rule: scope.rule,
    ins: record.ins,
    details: { returned: rows.length, documents: rows.map((r) => r.id) },
  });
  void services.notifier?.accessed(ctx, record.ins, scope.rule, ctx.requestId);
  return { rows, hasMore: result.rows.length > page.count };
}

type SealedColumns = { wrapped_key: Buffer; iv: Buffer; tag: Buffer; ciphertext: Buffer };

/**
 * Loads one document row by id (any patient), without deciding: callers decide next. With
 * `withContent`, its sealed content comes in the same round trip (still encrypted: it is opened
 * only once the access is decided). Text format: pg turns the hex into Buffers natively; its binary
 * result mode decodes raw fields as UTF-8 first, which corrupts bytea.
 */
async function loadDocument(services: HostServices, id: string, withContent = false): Promise<(ScopedRow & Partial<SealedColumns>) | undefined> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) return undefined;
  const result = withContent
    ? await services.pool.query<ScopedRow & SealedColumns>({
        name: 'document-with-content-by-id',
        text: `SELECT ${DOCUMENT_COLUMNS}, c.wrapped_key, c.iv, c.tag, c.ciphertext FROM document d JOIN document_content c ON c.document_id = d.id WHERE d.id = $1`,
        values: [id],
      })
    : await services.pool.query<ScopedRow>({ name: 'document-by-id', text: `SELECT ${DOCUMENT_COLUMNS} FROM document d WHERE d.id = $1`, values: [id] });
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
  const row = await loadDocument(services, id, withContent);
  if (!row) throw FhirError.of(404, 'not-found', `no document ${id}`);
  checkAssertedPatient(ctx, row.ins);
  const record = await requireRecord(services, row.ins);
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
