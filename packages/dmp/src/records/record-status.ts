import { checkAssertedPatient } from './asserted-patient.js';
import { decide } from '../access/index.js';
import type { Action } from '../access/types.js';
import type { HostServices, RequestContext } from '../context.js';
import { FhirError } from '../fhir/fhir-error.js';
import type { Bundle } from '../fhir/fhir-types.js';
import { recordIdentity } from '../identity/create-record.js';
import { recordAudit } from './audit-trail.js';
import { loadRecord } from './record-repository.js';

/** Extension on the Patient of TD0.2: the record's status (`open` or `closed`). */
export const RECORD_STATUS_EXTENSION = 'https://dmp.sainte-felicite.example/fhir/StructureDefinition/dmp-record-status';
/** Extension on the Patient of TD0.2: what the caller may do, one sub-extension per right. */
export const CALLER_RIGHTS_EXTENSION = 'https://dmp.sainte-felicite.example/fhir/StructureDefinition/dmp-caller-rights';

/** The rights reported; `deposit` is asked for a professional's usual document (a consultation report, class 10). */
const RIGHTS: readonly { right: string; action: Action; context?: { depositTypeCode: string; depositClassCode: string } }[] = [
  { right: 'read', action: 'document.search' },
  { right: 'deposit', action: 'document.deposit', context: { depositTypeCode: '11488-4', depositClassCode: '10' } },
];

/**
 * TD0.2 (PDSm): does this patient have a record, is it open, and what may the caller do there?
 * Answers a searchset Bundle with the Patient (INS, strict traits) carrying the record status and
 * the caller's rights as extensions; an empty Bundle when there is no record. Audited.
 */
export async function recordStatus(ctx: RequestContext, services: HostServices, ins: string): Promise<Bundle> {
  await checkAssertedPatient(ctx, services, ins, { action: 'record.status' });
  const record = await loadRecord(services.pool, ins);
  const decision = decide(ctx.actor, 'record.status', record, { mode: ctx.mode, ...(ctx.reason ? { reason: ctx.reason } : {}) });
  if (!decision.allowed) {
    await recordAudit(services, ctx, { action: 'record.status', outcome: 'denied', rule: decision.rule, ...(record ? { ins } : {}), details: { reason: decision.reason } });
    throw FhirError.of(403, 'forbidden', `refused: ${decision.reason}`);
  }
  await recordAudit(services, ctx, { action: 'record.status', outcome: 'allowed', rule: decision.rule, ...(record ? { ins } : {}), details: { exists: Boolean(record) } });
  if (!record) return { resourceType: 'Bundle', type: 'searchset', total: 0, entry: [] };
  const rights = RIGHTS.map(({ right, action, context }) => {
    const outcome = decide(ctx.actor, action, record, { mode: ctx.mode, ...(ctx.reason ? { reason: ctx.reason } : {}), ...context });
    return { url: right, valueBoolean: outcome.allowed };
  });
  const identity = recordIdentity(services, record.ins, record.identity);
  const patient = {
    resourceType: 'Patient',
    id: record.ins,
    meta: { profile: ['https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-patient-ins'] },
    extension: [
      { url: RECORD_STATUS_EXTENSION, valueCode: record.status },
      { url: CALLER_RIGHTS_EXTENSION, extension: [...rights, { url: 'mode', valueCode: ctx.mode }] },
    ],
    identifier: [
      {
        use: 'official',
        type: { coding: [{ system: 'https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203', code: 'INS-NIR' }] },
        system: `urn:oid:${record.insOid}`,
        value: record.ins,
      },
    ],
    name: [{ use: 'official', family: identity.birthName, given: [...identity.givenNames] }, ...(identity.usedName ? [{ use: 'usual', family: identity.usedName }] : [])],
    gender: identity.sex === 'F' ? 'female' : 'male',
    birthDate: identity.birthDate,
  };
  return { resourceType: 'Bundle', type: 'searchset', total: 1, entry: [{ fullUrl: `${services.fhirBase}/Patient/${record.ins}`, resource: patient, search: { mode: 'match' } }] };
}
