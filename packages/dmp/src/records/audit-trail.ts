import type pg from 'pg';
import { appendInTransaction, type ChainHead } from '../audit/audit-log.js';
import { describeActor, type AuditRecord } from '../audit/audit-entry.js';
import type { JsonObject } from '../audit/canonical-json.js';
import type { HostServices, RequestContext } from '../context.js';

/** The facts of one audited event, beside who acted and how (which the request context gives). */
export interface AuditFacts {
  readonly action: string;
  readonly outcome: 'allowed' | 'denied' | 'error';
  readonly rule: string;
  /** The patient concerned: the partition of the audit log. */
  readonly ins?: string;
  readonly documentId?: string;
  readonly documentUniqueId?: string;
  readonly details?: JsonObject;
}

/** Builds the audit record of an event in a request: who (actor, software), how (mode, reason), what. */
export function auditRecordOf(ctx: RequestContext, facts: AuditFacts): AuditRecord {
  return {
    actor: describeActor(ctx.actor, ctx.software),
    action: facts.action,
    outcome: facts.outcome,
    rule: facts.rule,
    mode: ctx.mode,
    requestId: ctx.requestId,
    ...(ctx.reason ? { reason: ctx.reason } : {}),
    ...(facts.ins ? { patientIns: facts.ins } : {}),
    ...(facts.documentId ? { documentId: facts.documentId } : {}),
    ...(facts.documentUniqueId ? { documentUniqueId: facts.documentUniqueId } : {}),
    ...(facts.details ? { details: facts.details } : {}),
  };
}

/**
 * Records an event through the group-commit writer; resolves once it is durable. `head`: the head
 * of the patient's audit chain, when the caller read it with the record (a hint, checked by the append).
 */
export async function recordAudit(services: HostServices, ctx: RequestContext, facts: AuditFacts, head?: ChainHead): Promise<void> {
  await services.audit.write(auditRecordOf(ctx, facts), head);
}

/** Records events inside the caller's transaction (deposits, changes): they commit with the data or not at all. */
export async function auditInTransaction(client: pg.PoolClient, ctx: RequestContext, facts: readonly AuditFacts[]): Promise<void> {
  await appendInTransaction(client, facts.map((f) => auditRecordOf(ctx, f)));
}
