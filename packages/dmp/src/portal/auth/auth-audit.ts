import type { AuditActor } from '../../audit/audit-entry.js';
import type { JsonObject } from '../../audit/canonical-json.js';
import type { HostServices } from '../../context.js';

/** The portal's audited events. */
export type PortalAuditAction =
  | 'portal.sign-up'
  | 'portal.activation'
  | 'portal.activation-code'
  | 'portal.sign-in'
  | 'portal.password'
  | 'portal.lockout'
  | 'portal.otp'
  | 'portal.logout'
  | 'portal.logout-all'
  | 'portal.password-reset-request'
  | 'portal.password-reset'
  | 'portal.totp-enrolment'
  | 'portal.csrf';

/** The actor when no account is known (unknown login id, bad token). */
export const PORTAL_SYSTEM_ACTOR: AuditActor = { kind: 'system', id: 'portal' };

/**
 * Records a sign-in event in the audit log: in the patient's partition when the account is known
 * (the patient's access history shows their sign-ins), in `_system` otherwise. Never passwords,
 * codes or tokens; `details` may carry the client IP and the reason of a refusal.
 */
export async function auditPortal(
  services: HostServices,
  event: { action: PortalAuditAction; outcome: 'allowed' | 'denied'; rule: string; ins?: string; requestId?: string; details?: JsonObject },
): Promise<void> {
  await services.audit.write({
    actor: event.ins ? { kind: 'patient', id: event.ins } : PORTAL_SYSTEM_ACTOR,
    action: event.action,
    outcome: event.outcome,
    rule: event.rule,
    mode: 'normal',
    ...(event.ins ? { patientIns: event.ins } : {}),
    ...(event.requestId ? { requestId: event.requestId } : {}),
    ...(event.details ? { details: event.details } : {}),
  });
}
