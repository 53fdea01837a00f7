import { decide } from '../access/index.js';
import { queryHistory, verifyAuditLog } from '../audit/index.js';
import type { HostServices, RequestContext } from '../context.js';
import { FhirError } from '../fhir/fhir-error.js';
import { changeRecord, type RecordChange } from '../identity/manage-record.js';
import { recordAudit } from '../records/audit-trail.js';
import { documentSearchWhere } from '../records/document-search.js';
import { loadRecord } from '../records/record-repository.js';
import { searchScope } from '../access/index.js';
import type { AccessChange, AccessSettings, HistoryEvent, HistoryPage, Language, ProfessionalRef } from './api-contract.js';
import { historyEvent } from './history-sentences.js';

/** Looks a professional up in the health directory (names for the patient's screens). */
export type ProfessionalLookup = (nationalId: string) => Promise<ProfessionalRef | undefined>;

const unknownProfessional = (nationalId: string): ProfessionalRef => ({ nationalId, name: `Professionnel ${nationalId}`, profession: '' });

/** Who may see the record: authorised, blocked, médecin traitant, opposition to emergency access. */
export async function accessSettings(ctx: RequestContext, services: HostServices, ins: string, lookup: ProfessionalLookup): Promise<AccessSettings> {
  const record = await loadRecord(services.pool, ins);
  if (!record) throw FhirError.of(404, 'not-found', 'no such record');
  const decision = decide(ctx.actor, 'record.manage', record, { mode: ctx.mode });
  if (!decision.allowed) {
    await recordAudit(services, ctx, { action: 'record.settings', outcome: 'denied', rule: decision.rule, ins });
    throw FhirError.of(403, 'forbidden', decision.reason);
  }
  await recordAudit(services, ctx, { action: 'record.settings', outcome: 'allowed', rule: decision.rule, ins });
  const named = async (ids: Iterable<string>) => Promise.all([...ids].map(async (id) => (await lookup(id)) ?? unknownProfessional(id)));
  const medecinTraitant = record.medecinTraitant ? ((await lookup(record.medecinTraitant)) ?? unknownProfessional(record.medecinTraitant)) : undefined;
  return {
    status: record.status,
    authorised: await named(record.authorised),
    blocked: await named(record.blocked),
    ...(medecinTraitant ? { medecinTraitant } : {}),
    emergencyAccessOpposed: record.emergencyOpposed,
  };
}

/** Applies one of the patient's decisions (checked like every command). */
export async function applyAccessChange(ctx: RequestContext, services: HostServices, ins: string, change: AccessChange): Promise<void> {
  await changeRecord(ctx, services, ins, change as RecordChange);
}

export interface HistoryFilters {
  readonly person?: string;
  readonly document?: string;
  readonly kind?: HistoryEvent['kind'];
  readonly cursor?: string;
  readonly count: number;
}

/**
 * The access history as the patient reads it: plain sentences, entries about documents hidden from
 * the reader left out, and the integrity of the record's hash chain checked and shown.
 */
export async function patientHistory(ctx: RequestContext, services: HostServices, ins: string, language: Language, filters: HistoryFilters): Promise<HistoryPage> {
  const record = await loadRecord(services.pool, ins);
  if (!record) throw FhirError.of(404, 'not-found', 'no such record');
  const decision = decide(ctx.actor, 'history.read', record, { mode: ctx.mode });
  if (!decision.allowed) {
    await recordAudit(services, ctx, { action: 'history.read', outcome: 'denied', rule: decision.rule, ins });
    throw FhirError.of(403, 'forbidden', decision.reason);
  }
  // documents the reader may see, with their titles; entries about any other document are left out
  const scope = searchScope(ctx.actor, record, { mode: ctx.mode });
  const titles = new Map<string, string>();
  const known = new Set<string>();
  const where =
    scope.kind === 'documents'
      ? documentSearchWhere({ ins, statuses: ['current', 'superseded', 'entered-in-error'], includeArchived: true, date: [], period: [] }, scope)
      : { text: 'false', values: [ins] };
  const documents = await services.pool.query<{ id: string; title: string | null; type_code: string; visible: boolean }>(
    `SELECT d.id, d.resource->'content'->0->'attachment'->>'title' AS title, d.type_code, (${where.text}) AS visible FROM document d WHERE d.ins = $1`,
    where.values,
  );
  for (const row of documents.rows) {
    known.add(row.id);
    if (row.visible) titles.set(row.id, row.title ?? row.type_code);
  }

  const events: HistoryEvent[] = [];
  let cursor = filters.cursor;
  let nextCursor: string | undefined;
  // read pages of the log until the page is full of what the reader may see (or the log ends)
  for (let guard = 0; guard < 20 && events.length < filters.count; guard++) {
    const page = await queryHistory(services.pool, { partition: ins, limit: 200, ...(cursor ? { cursor } : {}), ...(filters.document ? { documentId: filters.document } : {}) });
    for (const entry of page.entries) {
      if (entry.documentId && known.has(entry.documentId) && !titles.has(entry.documentId)) continue; // hidden from the reader
      const event = historyEvent(entry, language, entry.documentId ? titles.get(entry.documentId) : undefined);
      if (filters.person && !event.actor.name.toLowerCase().includes(filters.person.toLowerCase())) continue;
      if (filters.kind && event.kind !== filters.kind) continue;
      events.push(event);
    }
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  if (events.length > filters.count) events.length = filters.count;
  if (cursor && events.length >= filters.count) nextCursor = cursor;
  const integrity = await verifyAuditLog(services.pool, [], { partition: ins });
  await recordAudit(services, ctx, { action: 'history.read', outcome: 'allowed', rule: decision.rule, ins });
  return {
    events,
    ...(nextCursor ? { nextCursor } : {}),
    integrity: {
      ok: integrity.ok,
      checkedAt: new Date().toISOString(),
      entries: integrity.entries,
      ...(integrity.ok ? {} : { problem: `entrée ${integrity.firstBad.seq ?? '?'} : ${integrity.firstBad.problem}` }),
    },
  };
}
