import { decide, searchScope } from '../access/index.js';
import { queryHistory } from '../audit/audit-log.js';
import { auditEventFromEntry } from '../audit/audit-event.js';
import type { HostServices, RequestContext } from '../context.js';
import { FhirError } from '../fhir/fhir-error.js';
import { recordAudit } from './audit-trail.js';
import { documentSearchWhere } from './document-search.js';
import { requireRecord } from './read-documents.js';
import type { StoredRecord } from './record-repository.js';

/**
 * The access history of a record (IHE ITI-81), newest first, for those who may read it (the
 * patient, a legal representative, an administrator at the patient's request). Entries about
 * documents hidden from the reader are left out: a hidden document leaves no trace for them.
 */
export async function readHistory(
  ctx: RequestContext,
  services: HostServices,
  ins: string,
  page: { count: number; cursor?: string },
): Promise<{ resources: Record<string, unknown>[]; nextCursor?: string }> {
  const record = await requireRecord(services, ins);
  const decision = decide(ctx.actor, 'history.read', record, { mode: ctx.mode });
  if (!decision.allowed) {
    await recordAudit(services, ctx, { action: 'history.read', outcome: 'denied', rule: decision.rule, ins, details: { reason: decision.reason } });
    throw FhirError.of(403, 'forbidden', `refused: ${decision.reason}`);
  }
  const hidden = await hiddenDocuments(ctx, services, record);
  const result = await queryHistory(services.pool, { partition: ins, limit: page.count, ...(page.cursor ? { cursor: page.cursor } : {}) });
  await recordAudit(services, ctx, { action: 'history.read', outcome: 'allowed', rule: decision.rule, ins });
  const visible = result.entries.filter((entry) => !entry.documentId || !hidden.has(entry.documentId));
  return { resources: visible.map((entry) => auditEventFromEntry(entry, { observer: new URL(services.fhirBase).host }) as unknown as Record<string, unknown>), ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}) };
}

/** Ids of the record's documents the reader may not see (by the same scope as searches). */
async function hiddenDocuments(ctx: RequestContext, services: HostServices, record: StoredRecord): Promise<Set<string>> {
  const ins = record.ins;
  // An administrator reads the history on the patient's behalf, so sees what the patient sees.
  const reader = ctx.actor.kind === 'administrator' ? { kind: 'patient' as const, ins } : ctx.actor;
  const scope = searchScope(reader, record, { mode: ctx.mode });
  if (scope.kind === 'none') {
    const all = await services.pool.query<{ id: string }>('SELECT id FROM document WHERE ins = $1', [ins]);
    return new Set(all.rows.map((r) => r.id));
  }
  const where = documentSearchWhere({ ins, statuses: ['current', 'superseded', 'entered-in-error'], includeArchived: true, date: [], period: [] }, scope);
  const result = await services.pool.query<{ id: string }>(`SELECT d.id FROM document d WHERE d.ins = $1 AND NOT (${where.text})`, where.values);
  return new Set(result.rows.map((r) => r.id));
}
