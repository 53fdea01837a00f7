import { decide } from '../access/index.js';
import type { HostServices, RequestContext } from '../context.js';
import { inTransaction } from '../db/database.js';
import { FhirError } from '../fhir/fhir-error.js';
import { auditInTransaction, recordAudit } from '../records/audit-trail.js';
import { loadRecord } from '../records/record-repository.js';

/** The patient's decisions about their record (DOMAIN.md §3 "Access", "Closing"). */
export type RecordChange =
  | { readonly kind: 'authorise'; readonly nationalId: string }
  | { readonly kind: 'revoke-authorisation'; readonly nationalId: string }
  | { readonly kind: 'block'; readonly nationalId: string }
  | { readonly kind: 'unblock'; readonly nationalId: string }
  | { readonly kind: 'declare-medecin-traitant'; readonly nationalId: string }
  | { readonly kind: 'withdraw-medecin-traitant' }
  | { readonly kind: 'oppose-emergency-access' }
  | { readonly kind: 'accept-emergency-access' }
  | { readonly kind: 'close' }
  | { readonly kind: 'reopen' };

/**
 * Applies one of the patient's decisions, made by the patient, a legal representative of a minor,
 * or an administrator at the patient's request. Decided and audited like any access; the change and
 * its audit entry commit together.
 */
export async function changeRecord(ctx: RequestContext, services: HostServices, ins: string, change: RecordChange): Promise<void> {
  let refusal: { rule: string; reason: string } | undefined;
  await inTransaction(services.pool, async (client) => {
    const record = await loadRecord(client, ins, 'update');
    if (!record) throw FhirError.of(404, 'not-found', `no DMP record for INS ${ins}`);
    const decision = decide(ctx.actor, 'record.manage', record, { mode: ctx.mode });
    if (!decision.allowed) {
      refusal = { rule: decision.rule, reason: decision.reason };
      throw FhirError.of(403, 'forbidden', `refused: ${decision.reason}`);
    }
    if (record.status === 'closed' && change.kind !== 'reopen') {
      throw FhirError.of(409, 'business-rule', 'the record is closed; reopen it first');
    }
    switch (change.kind) {
      case 'authorise':
      case 'block': {
        if (change.kind === 'block' && record.medecinTraitant === change.nationalId) {
          throw FhirError.of(409, 'business-rule', 'the médecin traitant cannot be blocked while declared; withdraw the declaration first');
        }
        await client.query(
          `INSERT INTO record_professional (ins, national_id, setting) VALUES ($1, $2, $3)
           ON CONFLICT (ins, national_id) DO UPDATE SET setting = EXCLUDED.setting, changed_at = now()`,
          [ins, change.nationalId, change.kind === 'authorise' ? 'authorised' : 'blocked'],
        );
        break;
      }
      case 'revoke-authorisation':
      case 'unblock':
        await client.query('DELETE FROM record_professional WHERE ins = $1 AND national_id = $2 AND setting = $3', [
          ins,
          change.nationalId,
          change.kind === 'unblock' ? 'blocked' : 'authorised',
        ]);
        break;
      case 'declare-medecin-traitant':
        if (record.blocked.has(change.nationalId)) {
          throw FhirError.of(409, 'business-rule', 'this professional is blocked; unblock them before declaring them médecin traitant');
        }
        await client.query('UPDATE patient_record SET medecin_traitant = $2, version = version + 1 WHERE ins = $1', [ins, change.nationalId]);
        break;
      case 'withdraw-medecin-traitant':
        await client.query('UPDATE patient_record SET medecin_traitant = NULL, version = version + 1 WHERE ins = $1', [ins]);
        break;
      case 'oppose-emergency-access':
      case 'accept-emergency-access':
        await client.query('UPDATE patient_record SET emergency_opposed = $2, version = version + 1 WHERE ins = $1', [ins, change.kind === 'oppose-emergency-access']);
        break;
      case 'close':
        await client.query("UPDATE patient_record SET status = 'closed', closed_at = now(), version = version + 1 WHERE ins = $1", [ins]);
        break;
      case 'reopen':
        if (record.status !== 'closed') throw FhirError.of(409, 'business-rule', 'the record is open');
        await client.query("UPDATE patient_record SET status = 'open', closed_at = NULL, version = version + 1 WHERE ins = $1", [ins]);
        break;
    }
    await auditInTransaction(client, ctx, [
      { action: `record.${change.kind}`, outcome: 'allowed', rule: decision.rule, ins, details: 'nationalId' in change ? { professional: change.nationalId } : {} },
    ]);
  }).catch(async (error: unknown) => {
    if (refusal) {
      await recordAudit(services, ctx, { action: `record.${change.kind}`, outcome: 'denied', rule: refusal.rule, ins, details: { reason: refusal.reason } });
    }
    throw error;
  });
}
