import type pg from 'pg';
import type { AccessMode, Actor } from './access/types.js';
import type { AuditRecord } from './audit/audit-entry.js';
import type { ChainHead } from './audit/audit-log.js';
import type { Notifier } from './notifications/notifier.js';

/**
 * What a command needs to know about the request it serves: who acts and how. Commands take this
 * explicit context, never the HTTP request (STYLE.md).
 */
export interface RequestContext {
  readonly actor: Actor;
  readonly mode: AccessMode;
  /** Reason given for an emergency access. */
  readonly reason?: string;
  readonly requestId: string;
  /** The calling software, as the assertion names it. */
  readonly software?: string;
  /** The patient named by the assertion, when it names one. */
  readonly assertedPatient?: string;
}

/** Long-lived services the commands share. */
export interface HostServices {
  readonly pool: pg.Pool;
  readonly masterKey: Buffer;
  /** Public base URL of the FHIR API (for attachment URLs and paging links). */
  readonly fhirBase: string;
  /** The audit log's group-commit writer: `write` resolves once the entry is durable (`head`: see AuditWriter.write). */
  readonly audit: { write(record: AuditRecord, head?: ChainHead): Promise<void> };
  /** Tells patients about new documents, first and emergency accesses (absent: nobody is told). */
  readonly notifier?: Notifier;
}

/** A stable id for the actor, as the audit log and authorship use it. */
export function actorId(actor: Actor): string {
  switch (actor.kind) {
    case 'patient':
      return actor.ins;
    case 'legal-representative':
      return actor.representativeId;
    case 'professional':
      return actor.professional.nationalId;
    case 'assurance-maladie':
      return actor.systemId;
    case 'administrator':
      return actor.operatorId;
    case 'other':
      return actor.description;
  }
}
