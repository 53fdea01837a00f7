import type { CarteVitaleData, InsIdentity, InsiService } from '@dmp/national';
import { decide } from '../access/index.js';
import type { HostServices, RequestContext } from '../context.js';
import { inTransaction } from '../db/database.js';
import { FhirError } from '../fhir/fhir-error.js';
import { auditInTransaction, recordAudit } from '../records/audit-trail.js';
import { openValue, sealValue } from '../records/content-crypto.js';
import { loadRecord } from '../records/record-repository.js';

/**
 * Creates a patient's record from Carte Vitale data (DOMAIN.md §3 "Creation"): INSi returns the
 * INS and strict traits; the record is keyed by that INS. Creating an existing record answers the
 * existing one (`created: false`), so a front desk can retry safely.
 */
export async function createRecordFromCarteVitale(
  ctx: RequestContext,
  services: HostServices,
  insi: InsiService,
  card: CarteVitaleData,
  options: { legalRepresentatives?: readonly string[]; now?: Date } = {},
): Promise<{ ins: string; created: boolean; identity: InsIdentity }> {
  const decision = decide(ctx.actor, 'record.create', undefined, { mode: ctx.mode });
  if (!decision.allowed) {
    await recordAudit(services, ctx, { action: 'record.create', outcome: 'denied', rule: decision.rule, details: { reason: decision.reason } });
    throw FhirError.of(403, 'forbidden', `record creation refused: ${decision.reason}`);
  }
  const lookup = await insi.lookupFromCarteVitale(card);
  if (lookup.status === 'not-found') throw FhirError.of(422, 'not-found', 'INSi found no identity for this Carte Vitale data');
  if (lookup.status === 'ambiguous') throw FhirError.of(422, 'business-rule', `INSi: ${lookup.reason}; check the identity against an ID document`);
  const identity = lookup.identity;
  const minor = isMinor(identity.birthDate, options.now ?? new Date());
  if (minor && (options.legalRepresentatives?.length ?? 0) === 0) {
    throw FhirError.of(422, 'required', 'a minor’s record names at least one legal representative');
  }
  return inTransaction(services.pool, async (client) => {
    const existing = await loadRecord(client, identity.ins);
    if (existing) return { ins: identity.ins, created: false, identity };
    const sealed = sealValue(Buffer.from(JSON.stringify(identity)), services.masterKey, `identity:${identity.ins}`);
    const inserted = await client.query(
      `INSERT INTO patient_record (ins, ins_oid, status, identity, minor) VALUES ($1, $2, 'open', $3, $4) ON CONFLICT (ins) DO NOTHING`,
      [identity.ins, identity.oid, sealed, minor],
    );
    if (inserted.rowCount === 0) return { ins: identity.ins, created: false, identity };
    for (const representative of options.legalRepresentatives ?? []) {
      await client.query('INSERT INTO legal_representative (ins, representative_id) VALUES ($1, $2)', [identity.ins, representative]);
    }
    await auditInTransaction(client, ctx, [{ action: 'record.create', outcome: 'allowed', rule: decision.rule, ins: identity.ins }]);
    return { ins: identity.ins, created: true, identity };
  });
}

/** The identity traits of a record, decrypted. */
export function recordIdentity(services: HostServices, ins: string, sealed: Buffer): InsIdentity {
  return JSON.parse(openValue(sealed, services.masterKey, `identity:${ins}`).toString('utf8')) as InsIdentity;
}

function isMinor(birthDate: string, now: Date): boolean {
  const [year, month, day] = birthDate.split('-').map(Number) as [number, number, number];
  const adulthood = Date.UTC(year + 18, month - 1, day);
  return now.getTime() < adulthood;
}
