import { createHash } from 'node:crypto';
import type { AccessMode, Action, Actor } from '../access/types.js';
import { canonicalJson, type JsonObject, type JsonValue } from './canonical-json.js';

/**
 * An audit entry and how it is hashed (DESIGN.md §2.2, DOMAIN.md "Traceability").
 *
 * Each partition (a patient's INS, or `_system`) is a hash chain:
 * `hash = SHA-256(prev_hash || canonicalJson(entry fields))`, where the entry fields include the
 * partition, the sequence number and the recording time, and the first entry's `prev_hash` is
 * 32 zero bytes. Changing, removing or reordering an entry breaks the chain from that entry on.
 */

/** The partition of events that concern no patient (sign-ins, checkpoints, ...). */
export const SYSTEM_PARTITION = '_system';

/** Length of the hashes (SHA-256). */
export const HASH_BYTES = 32;

/** The `prev_hash` of a partition's first entry. */
export function genesisHash(): Buffer {
  return Buffer.alloc(HASH_BYTES);
}

export type AuditOutcome = 'allowed' | 'denied' | 'error';

/** An action of `access/types.ts`, or another audited event (`auth.sign-in`, `audit.verify`, ...). */
export type AuditAction = Action | (string & Record<never, never>);

/** Who acted, as the log keeps it: a snapshot, so later changes to a directory do not rewrite history. */
export interface AuditActor {
  readonly kind: Actor['kind'] | 'system';
  /**
   * The actor's id: a professional's national id (idNat_PS, `8` + RPPS), a patient's INS, a legal
   * representative's, operator's or system's id, or the description of an `other` party.
   */
  readonly id: string;
  /** Profession (TRE_G15 or J48 code). */
  readonly profession?: string;
  /** Profession/specialty (J01 code). */
  readonly specialty?: string;
  /** The structure the professional acts for. */
  readonly structure?: AuditStructure;
  /** The establishment whose certificate carried the request, when it is not the professional's own. */
  readonly establishment?: AuditStructure;
  readonly familyName?: string;
  readonly givenName?: string;
  /** The calling software, as the assertion names it. */
  readonly software?: string;
}

export interface AuditStructure {
  /** National structure id (idNat_Struct: `1` + FINESS, ...). */
  readonly id: string;
  readonly facilityType?: string;
  readonly name?: string;
}

/** What a caller asks the log to record. */
export interface AuditRecord {
  /** The patient the event concerns: their INS is the partition. Absent: the `_system` partition. */
  readonly patientIns?: string;
  readonly actor: AuditActor;
  readonly action: AuditAction;
  readonly outcome: AuditOutcome;
  /** The rule that decided (the access decision's `rule`, or the error's code). */
  readonly rule: string;
  readonly mode?: AccessMode;
  /** The reason the actor stated (required for emergency access). */
  readonly reason?: string;
  readonly documentId?: string;
  readonly documentUniqueId?: string;
  readonly requestId?: string;
  /** Extra facts (search parameters, refusal explanation, ...). Never health data. */
  readonly details?: JsonObject;
}

/** An entry as stored. */
export interface AuditEntry {
  readonly partition: string;
  readonly seq: number;
  readonly recordedAt: Date;
  readonly actor: AuditActor;
  readonly action: string;
  readonly outcome: AuditOutcome;
  readonly rule: string;
  readonly mode: string | null;
  readonly reason: string | null;
  readonly documentId: string | null;
  readonly documentUniqueId: string | null;
  readonly requestId: string | null;
  readonly details: JsonObject | null;
  readonly prevHash: Buffer;
  readonly hash: Buffer;
}

/** The fields an entry's hash covers, as stored (JSON columns as parsed values). */
export interface HashedFields {
  readonly partition: string;
  readonly seq: number;
  /** ISO 8601 with milliseconds, UTC (`Date.prototype.toISOString`). */
  readonly recordedAt: string;
  readonly actor: unknown;
  readonly action: string;
  readonly outcome: string;
  readonly rule: string;
  readonly mode: string | null;
  readonly reason: string | null;
  readonly documentId: string | null;
  readonly documentUniqueId: string | null;
  readonly requestId: string | null;
  readonly details: unknown;
}

/** The canonical text an entry's hash covers (format version 1). */
export function canonicalEntry(fields: HashedFields): string {
  return canonicalJson({
    v: 1,
    partition: fields.partition,
    seq: fields.seq,
    recordedAt: fields.recordedAt,
    actor: fields.actor,
    action: fields.action,
    outcome: fields.outcome,
    rule: fields.rule,
    mode: fields.mode,
    reason: fields.reason,
    documentId: fields.documentId,
    documentUniqueId: fields.documentUniqueId,
    requestId: fields.requestId,
    details: fields.details ?? null,
  });
}

/** `SHA-256(prevHash || canonicalEntry(fields))`: the hash that chains an entry to the one before. */
export function entryHash(prevHash: Uint8Array, fields: HashedFields): Buffer {
  return createHash('sha256').update(prevHash).update(canonicalEntry(fields), 'utf8').digest();
}

/** The partition a record goes to. */
export function partitionOf(record: Pick<AuditRecord, 'patientIns'>): string {
  return record.patientIns ?? SYSTEM_PARTITION;
}

/** Describes an access-layer actor for the log, with the calling software when known. */
export function describeActor(actor: Actor, software?: string): AuditActor {
  const withSoftware = software === undefined ? {} : { software };
  switch (actor.kind) {
    case 'patient':
      return { kind: 'patient', id: actor.ins, ...withSoftware };
    case 'legal-representative':
      return { kind: 'legal-representative', id: actor.representativeId, ...withSoftware };
    case 'assurance-maladie':
      return { kind: 'assurance-maladie', id: actor.systemId, ...withSoftware };
    case 'administrator':
      return { kind: 'administrator', id: actor.operatorId, ...withSoftware };
    case 'other':
      return { kind: 'other', id: actor.description, ...withSoftware };
    case 'professional': {
      const p = actor.professional;
      const structure = p.structure ?? actor.establishment;
      const establishment =
        actor.establishment && actor.establishment.nationalId !== structure?.nationalId ? actor.establishment : undefined;
      return {
        kind: 'professional',
        id: p.nationalId,
        profession: p.profession,
        ...(p.specialty === undefined ? {} : { specialty: p.specialty }),
        ...(structure ? { structure: auditStructure(structure) } : {}),
        ...(establishment ? { establishment: auditStructure(establishment) } : {}),
        ...(p.familyName === undefined ? {} : { familyName: p.familyName }),
        ...(p.givenName === undefined ? {} : { givenName: p.givenName }),
        ...withSoftware,
      };
    }
  }
}

function auditStructure(structure: { nationalId: string; facilityType?: string; name?: string }): AuditStructure {
  return {
    id: structure.nationalId,
    ...(structure.facilityType === undefined ? {} : { facilityType: structure.facilityType }),
    ...(structure.name === undefined ? {} : { name: structure.name }),
  };
}

/**
 * Reads an actor back from its jsonb column. The log never rewrites what it stored, so this only
 * checks the shape the presenters rely on.
 */
export function parseAuditActor(value: unknown): AuditActor {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError('audit actor: not an object');
  const record = value as Record<string, unknown>;
  if (typeof record.kind !== 'string' || typeof record.id !== 'string') throw new TypeError('audit actor: kind and id required');
  return value as AuditActor;
}

/** A record checked and normalised for storage: what is hashed is exactly what the columns hold. */
export interface PreparedRecord {
  readonly partition: string;
  /** The actor as canonical JSON (the jsonb column's text) and as the value it parses to. */
  readonly actorJson: string;
  readonly actor: JsonValue;
  readonly action: string;
  readonly outcome: AuditOutcome;
  readonly rule: string;
  readonly mode: string | null;
  readonly reason: string | null;
  /** Lower-case, as PostgreSQL prints a uuid. */
  readonly documentId: string | null;
  readonly documentUniqueId: string | null;
  readonly requestId: string | null;
  readonly detailsJson: string | null;
  readonly details: JsonValue;
}

/** A record the log refuses (before anything is written): the message names the field. */
export class InvalidAuditRecordError extends Error {
  override readonly name = 'InvalidAuditRecordError';
}

const MAX_TEXT = 4096;
const MAX_JSON = 64 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// PostgreSQL text and jsonb refuse NUL characters; jsonb also refuses unpaired surrogates.
const UNPAIRED_SURROGATE = /[\uD800-\uDFFF]/u;
const storable = (value: string): boolean => !value.includes('\u0000') && !UNPAIRED_SURROGATE.test(value);
const OUTCOMES: ReadonlySet<string> = new Set<AuditOutcome>(['allowed', 'denied', 'error']);

/**
 * Checks and normalises a record so that its hash can be recomputed from the stored row: text that
 * PostgreSQL can store, bounded sizes, uuid in lower case, JSON in canonical form. Throws
 * InvalidAuditRecordError; one bad record is refused on its own, before it joins a batch.
 */
export function prepareRecord(record: AuditRecord): PreparedRecord {
  const text = (field: string, value: string | undefined, required: boolean): string | null => {
    if (value === undefined || value === null) {
      if (required) throw new InvalidAuditRecordError(`audit record: ${field} is required`);
      return null;
    }
    if (typeof value !== 'string') throw new InvalidAuditRecordError(`audit record: ${field} must be a string`);
    if (required && value.length === 0) throw new InvalidAuditRecordError(`audit record: ${field} is empty`);
    if (value.length > MAX_TEXT) throw new InvalidAuditRecordError(`audit record: ${field} is longer than ${MAX_TEXT}`);
    if (!storable(value)) throw new InvalidAuditRecordError(`audit record: ${field} holds characters that cannot be stored`);
    return value;
  };
  const json = (field: string, value: unknown): string => {
    let serialised: string;
    try {
      serialised = canonicalJson(value);
    } catch (error) {
      throw new InvalidAuditRecordError(`audit record: ${field}: ${(error as Error).message}`);
    }
    if (serialised.length > MAX_JSON) throw new InvalidAuditRecordError(`audit record: ${field} is larger than ${MAX_JSON}`);
    if (!everyString(value, storable)) throw new InvalidAuditRecordError(`audit record: ${field} holds characters that cannot be stored`);
    return serialised;
  };

  const partition = text('patientIns', record.patientIns, false) ?? SYSTEM_PARTITION;
  if (partition.length === 0) throw new InvalidAuditRecordError('audit record: patientIns is empty');
  if (record.patientIns === SYSTEM_PARTITION) throw new InvalidAuditRecordError('audit record: patientIns may not name the system partition');
  if (typeof record.actor !== 'object' || record.actor === null) throw new InvalidAuditRecordError('audit record: actor is required');
  text('actor.kind', record.actor.kind, true);
  text('actor.id', record.actor.id, true);
  if (!OUTCOMES.has(record.outcome)) throw new InvalidAuditRecordError('audit record: outcome must be allowed, denied or error');
  const documentId = text('documentId', record.documentId, false);
  if (documentId !== null && !UUID.test(documentId)) throw new InvalidAuditRecordError('audit record: documentId must be a uuid');
  const actorJson = json('actor', record.actor);
  const detailsJson = record.details === undefined || record.details === null ? null : json('details', record.details);
  return {
    partition,
    actorJson,
    actor: JSON.parse(actorJson) as JsonValue,
    action: text('action', record.action, true) as string,
    outcome: record.outcome,
    rule: text('rule', record.rule, true) as string,
    mode: text('mode', record.mode, false),
    reason: text('reason', record.reason, false),
    documentId: documentId?.toLowerCase() ?? null,
    documentUniqueId: text('documentUniqueId', record.documentUniqueId, false),
    requestId: text('requestId', record.requestId, false),
    detailsJson,
    details: detailsJson === null ? null : (JSON.parse(detailsJson) as JsonValue),
  };
}

/** Whether every string in a JSON value (keys included) passes `test`. */
function everyString(value: unknown, test: (text: string) => boolean): boolean {
  if (typeof value === 'string') return test(value);
  if (Array.isArray(value)) return value.every((item: unknown) => everyString(item, test));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).every(([key, member]) => test(key) && everyString(member, test));
  }
  return true;
}

/** The hashed fields of a prepared record once it has its place in the chain. */
export function hashedFields(prepared: PreparedRecord, seq: number, recordedAt: string): HashedFields {
  return {
    partition: prepared.partition,
    seq,
    recordedAt,
    actor: prepared.actor,
    action: prepared.action,
    outcome: prepared.outcome,
    rule: prepared.rule,
    mode: prepared.mode,
    reason: prepared.reason,
    documentId: prepared.documentId,
    documentUniqueId: prepared.documentUniqueId,
    requestId: prepared.requestId,
    details: prepared.details,
  };
}
