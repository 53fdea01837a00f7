import { checkAssertedPatient } from './asserted-patient.js';
import { searchScope } from '../access/index.js';
import type { HostServices, RequestContext } from '../context.js';
import { FhirError } from '../fhir/fhir-error.js';
import { recordAudit } from './audit-trail.js';
import { documentSearchWhere } from './document-search.js';
import { requireRecord } from './read-documents.js';

/**
 * IHE ITI-66 Find Document Lists: the patient's submission sets that hold at least one document
 * the caller may see, each listing only those documents.
 */
export async function findSubmissionSets(
  ctx: RequestContext,
  services: HostServices,
  ins: string,
  page: { count: number; offset: number },
): Promise<{ resources: Record<string, unknown>[]; hasMore: boolean }> {
  await checkAssertedPatient(ctx, services, ins, { action: 'list.search' });
  const record = await requireRecord(services, ins);
  const scope = searchScope(ctx.actor, record, { mode: ctx.mode, ...(ctx.reason ? { reason: ctx.reason } : {}) });
  if (scope.kind === 'none') {
    await recordAudit(services, ctx, { action: 'list.search', outcome: 'denied', rule: scope.rule, ins, details: { reason: scope.reason } });
    throw FhirError.of(403, 'forbidden', `search refused: ${scope.reason}`);
  }
  const where = documentSearchWhere({ ins, statuses: ['current', 'superseded', 'entered-in-error'], includeArchived: true, date: [], period: [] }, scope);
  const values = [...where.values, page.count + 1, page.offset];
  const result = await services.pool.query<{ id: string; resource: Record<string, unknown>; submitted_at: Date; documents: string[] }>({
    text: `SELECT s.id, s.resource, s.submitted_at, array_agg(d.id ORDER BY d.id) AS documents
             FROM submission_set s JOIN document d ON d.submission_set_id = s.id
            WHERE s.ins = $1 AND ${where.text}
            GROUP BY s.id ORDER BY s.submitted_at DESC, s.id
            LIMIT $${values.length - 1} OFFSET $${values.length}`,
    values,
  });
  const rows = result.rows.slice(0, page.count);
  await recordAudit(services, ctx, { action: 'list.search', outcome: 'allowed', rule: scope.rule, ins, details: { returned: rows.length } });
  const resources = rows.map((row) => ({
    ...row.resource,
    id: row.id,
    meta: { lastUpdated: row.submitted_at.toISOString() },
    entry: row.documents.map((id) => ({ item: { reference: `DocumentReference/${id}` } })),
  }));
  return { resources, hasMore: result.rows.length > page.count };
}
