import { randomUUID } from 'node:crypto';
import { decide } from '../access/index.js';
import type { Action } from '../access/types.js';
import { actorId, type HostServices, type RequestContext } from '../context.js';
import { inTransaction } from '../db/database.js';
import { FhirError } from '../fhir/fhir-error.js';
import { auditInTransaction, recordAudit } from '../records/audit-trail.js';
import { openValue, sealValue } from '../records/content-crypto.js';
import { loadRecord } from '../records/record-repository.js';
import type { EntryKind, NewEntry, StructuredEntry } from './api-contract.js';

const KINDS: readonly EntryKind[] = ['pathology', 'allergy', 'emergency-contact', 'advance-directive'];
const LIMITS = { label: 200, detail: 500, phone: 30, text: 20_000 } as const;

/** Checks an entry from the portal; every problem by field, in French (the portal translates codes). */
export function checkEntry(input: unknown): { ok: true; entry: NewEntry } | { ok: false; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  const value = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const kind = value.kind;
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) fields.kind = 'Type d’information inconnu.';
  const str = (name: keyof typeof LIMITS, required: boolean): string | undefined => {
    const raw = value[name];
    if (raw === undefined || raw === null || raw === '') {
      if (required) fields[name] = 'Ce champ est obligatoire.';
      return undefined;
    }
    if (typeof raw !== 'string') {
      fields[name] = 'Valeur invalide.';
      return undefined;
    }
    const trimmed = raw.trim();
    if (trimmed.length > LIMITS[name]) fields[name] = `${LIMITS[name]} caractères au plus.`;
    if (required && trimmed === '') fields[name] = 'Ce champ est obligatoire.';
    return trimmed;
  };
  const label = str('label', true);
  const detail = str('detail', false);
  const phone = str('phone', kind === 'emergency-contact');
  const text = str('text', false);
  if (phone !== undefined && !/^\+?[0-9 .()-]{6,30}$/.test(phone)) fields.phone = 'Numéro de téléphone invalide.';
  const date = value.date;
  if (date !== undefined && date !== null && date !== '' && (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date)))) {
    fields.date = 'Date invalide (AAAA-MM-JJ).';
  }
  if (Object.keys(fields).length > 0) return { ok: false, fields };
  return {
    ok: true,
    entry: {
      kind: kind as EntryKind,
      label: label!,
      ...(detail ? { detail } : {}),
      ...(phone ? { phone } : {}),
      ...(text ? { text } : {}),
      ...(typeof date === 'string' && date ? { date } : {}),
    },
  };
}

/**
 * The patient's entries are read like a synthesis the patient deposited (type DOCPAT01, class 11):
 * the same access rules, habilitation included, decide who sees them.
 */
const ENTRIES_AS_DOCUMENT = { typeCode: 'DOCPAT01', classCode: '11', visibility: new Set<never>(), status: 'current' as const };

async function decideOrRefuse(ctx: RequestContext, services: HostServices, ins: string, action: Action, audited: string): Promise<void> {
  const record = await loadRecord(services.pool, ins);
  if (!record) throw FhirError.of(404, 'not-found', 'no such record');
  const decision =
    action === 'document.search'
      ? decide(ctx.actor, 'document.read', record, { mode: ctx.mode, ...(ctx.reason ? { reason: ctx.reason } : {}), document: { ...ENTRIES_AS_DOCUMENT, authorId: ins } })
      : decide(ctx.actor, action, record, { mode: ctx.mode, depositTypeCode: 'DOCPAT01', depositClassCode: '11' });
  if (!decision.allowed || (action !== 'document.search' && record.status === 'closed')) {
    const rule = decision.allowed ? 'record-closed' : decision.rule;
    await recordAudit(services, ctx, { action: audited, outcome: 'denied', rule, ins });
    throw FhirError.of(403, 'forbidden', decision.allowed ? 'the record is closed' : decision.reason);
  }
}

/** The record's current entries of a kind (or all), newest first. Audited as a read. */
export async function listEntries(ctx: RequestContext, services: HostServices, ins: string, kind?: EntryKind): Promise<StructuredEntry[]> {
  await decideOrRefuse(ctx, services, ins, 'document.search', 'entry.read');
  const rows = await services.pool.query<{ id: string; kind: EntryKind; payload: Buffer; recorded_at: Date }>(
    `SELECT id, kind, payload, recorded_at FROM patient_entry
      WHERE ins = $1 AND deleted_at IS NULL AND replaced_by IS NULL AND ($2::text IS NULL OR kind = $2)
      ORDER BY recorded_at DESC`,
    [ins, kind ?? null],
  );
  await recordAudit(services, ctx, { action: 'entry.read', outcome: 'allowed', rule: 'patient-entries', ins, details: { kind: kind ?? 'all', returned: rows.rows.length } });
  return rows.rows.map((row) => ({
    ...(JSON.parse(openValue(row.payload, services.masterKey, `entry:${row.id}`).toString('utf8')) as NewEntry),
    id: row.id,
    recordedAt: row.recorded_at.toISOString(),
  }));
}

/** Records a new entry, or a new version of `replaces` (an advance directive is replaced, its history kept). */
export async function saveEntry(ctx: RequestContext, services: HostServices, ins: string, entry: NewEntry, replaces?: string): Promise<StructuredEntry> {
  await decideOrRefuse(ctx, services, ins, 'document.deposit', 'entry.write');
  const id = randomUUID();
  return inTransaction(services.pool, async (client) => {
    const inserted = await client.query<{ recorded_at: Date }>(
      'INSERT INTO patient_entry (id, ins, kind, payload, author_id) VALUES ($1, $2, $3, $4, $5) RETURNING recorded_at',
      [id, ins, entry.kind, sealValue(Buffer.from(JSON.stringify(entry)), services.masterKey, `entry:${id}`), actorId(ctx.actor)],
    );
    if (replaces) {
      const old = await client.query('UPDATE patient_entry SET replaced_by = $1 WHERE id = $2 AND ins = $3 AND kind = $4 AND replaced_by IS NULL AND deleted_at IS NULL', [id, replaces, ins, entry.kind]);
      if (old.rowCount !== 1) throw FhirError.of(404, 'not-found', 'no such entry to replace');
    }
    await auditInTransaction(client, ctx, [{ action: replaces ? 'entry.replace' : 'entry.create', outcome: 'allowed', rule: 'patient-entries', ins, details: { kind: entry.kind } }]);
    return { ...entry, id, recordedAt: inserted.rows[0]!.recorded_at.toISOString() };
  });
}

/** Deletes an entry logically (kept, no longer shown). */
export async function deleteEntry(ctx: RequestContext, services: HostServices, ins: string, id: string): Promise<void> {
  await decideOrRefuse(ctx, services, ins, 'document.deposit', 'entry.delete');
  await inTransaction(services.pool, async (client) => {
    const result = await client.query('UPDATE patient_entry SET deleted_at = now() WHERE id = $1 AND ins = $2 AND deleted_at IS NULL', [id, ins]);
    if (result.rowCount !== 1) throw FhirError.of(404, 'not-found', 'no such entry');
    await auditInTransaction(client, ctx, [{ action: 'entry.delete', outcome: 'allowed', rule: 'patient-entries', ins }]);
  });
}
