import type { RequestContext } from '../context.js';
import { FhirError } from '../fhir/fhir-error.js';

/**
 * The assertion names the patient the professional acts for (DESIGN.md §3); a request about another
 * patient is refused. Requests whose assertion names no patient are not restricted here.
 */
export function checkAssertedPatient(ctx: RequestContext, ins: string): void {
  if (ctx.assertedPatient !== undefined && ctx.assertedPatient !== ins) {
    throw FhirError.of(403, 'forbidden', 'the assertion names another patient than the one this request concerns');
  }
}
