import type { HostServices, RequestContext } from '../context.js';
import { FhirError } from '../fhir/fhir-error.js';
import { recordAudit } from './audit-trail.js';

/** The rule named in the audit log when an assertion names another patient. */
export const ASSERTED_PATIENT_RULE = 'assertion-names-another-patient';
export const ASSERTED_PATIENT_REASON = 'the assertion names another patient than the one this request concerns';

/** Whether the assertion names a patient other than `ins` (assertions naming no patient restrict nothing here). */
export function assertsOtherPatient(ctx: RequestContext, ins: string): boolean {
  return ctx.assertedPatient !== undefined && ctx.assertedPatient !== ins;
}

/**
 * The assertion names the patient the professional acts for (DESIGN.md §3); a request about another
 * patient is refused, and the refusal is audited in that patient's history like every other refusal.
 */
export function checkAssertedPatient(
  ctx: RequestContext,
  services: HostServices,
  ins: string,
  facts: { readonly action: string; readonly documentId?: string; readonly documentUniqueId?: string },
): Promise<void> | undefined {
  // The usual case allocates no promise (callers `await` undefined).
  return assertsOtherPatient(ctx, ins) ? refuseOtherPatient(ctx, services, ins, facts) : undefined;
}

async function refuseOtherPatient(ctx: RequestContext, services: HostServices, ins: string, facts: { readonly action: string; readonly documentId?: string; readonly documentUniqueId?: string }): Promise<never> {
  await recordAudit(services, ctx, { ...facts, outcome: 'denied', rule: ASSERTED_PATIENT_RULE, ins, details: { reason: ASSERTED_PATIENT_REASON } });
  throw FhirError.of(403, 'forbidden', ASSERTED_PATIENT_REASON);
}
