/**
 * The audit log: append-only, tamper-evident (hash chains per partition, signed checkpoints), and
 * the patient's access history (DESIGN.md §2.2, DOMAIN.md "Traceability").
 */
export {
  SYSTEM_PARTITION,
  InvalidAuditRecordError,
  canonicalEntry,
  describeActor,
  entryHash,
  genesisHash,
  partitionOf,
  prepareRecord,
  type AuditAction,
  type AuditActor,
  type AuditEntry,
  type AuditOutcome,
  type AuditRecord,
  type AuditStructure,
  type HashedFields,
} from './audit-entry.js';
export { canonicalJson, type JsonObject, type JsonValue } from './canonical-json.js';
export {
  appendInTransaction,
  queryHistory,
  InvalidHistoryQueryError,
  type AppendedEntry,
  type HistoryPage,
  type HistoryQuery,
} from './audit-log.js';
export { AuditWriter, AuditWriteError, type AuditWriterOptions, type AuditWriterStats } from './audit-writer.js';
export {
  auditKeyId,
  createCheckpoint,
  generateAuditSigningKey,
  headsDigest,
  type AuditSigningKey,
  type Checkpoint,
  type CheckpointHead,
} from './audit-checkpoint.js';
export { verifyAuditLog, type AuditProblem, type AuditVerification, type VerifyOptions } from './verify-audit-log.js';
export {
  AUDIT_ACTION_SYSTEM,
  AUDIT_REASON_EXTENSION,
  auditEventId,
  auditEventFromEntry,
  type AuditEventOptions,
  type AuditEventResource,
} from './audit-event.js';
