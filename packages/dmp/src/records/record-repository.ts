import type pg from 'pg';
import type { RecordAccessState } from '../access/types.js';
import type { ChainHead } from '../audit/audit-log.js';

/**
 * What the access rules need of `patient_record r`, as columns a statement about documents can
 * select beside them (so that a document and its record come in one round trip), and the head of
 * the patient's audit chain, which spares the audit writer reading it.
 */
export const RECORD_ACCESS_COLUMNS = `r.ins AS record_ins, r.status AS record_status, r.minor AS record_minor,
  r.medecin_traitant AS record_medecin_traitant, r.emergency_opposed AS record_emergency_opposed,
  ARRAY(SELECT national_id FROM record_professional p WHERE p.ins = r.ins AND p.setting = 'authorised') AS record_authorised,
  ARRAY(SELECT national_id FROM record_professional p WHERE p.ins = r.ins AND p.setting = 'blocked') AS record_blocked,
  ARRAY(SELECT representative_id FROM legal_representative l WHERE l.ins = r.ins) AS record_representatives,
  (SELECT h.seq::text || ':' || encode(h.hash, 'hex') FROM audit_head h WHERE h.partition = r.ins) AS record_audit_head`;

/** The columns of RECORD_ACCESS_COLUMNS, as node-postgres returns them. */
export interface RecordAccessRow {
  record_ins: string;
  record_status: 'open' | 'closed';
  record_minor: boolean;
  record_medecin_traitant: string | null;
  record_emergency_opposed: boolean;
  record_authorised: string[];
  record_blocked: string[];
  record_representatives: string[];
  /** The head of the patient's audit chain (`seq:hash` in hex), null before its first entry: a hint for the audit writer. */
  record_audit_head: string | null;
}

/** The names of RECORD_ACCESS_COLUMNS, in order. */
export const RECORD_ACCESS_NAMES: readonly (keyof RecordAccessRow)[] = [
  'record_ins',
  'record_status',
  'record_minor',
  'record_medecin_traitant',
  'record_emergency_opposed',
  'record_authorised',
  'record_blocked',
  'record_representatives',
  'record_audit_head',
];

/** The head of the patient's audit chain a row of RECORD_ACCESS_COLUMNS gives, if any. */
export function auditHeadOf(row: Pick<RecordAccessRow, 'record_audit_head'>): ChainHead | undefined {
  const match = row.record_audit_head ? /^(\d+):([0-9a-f]{64})$/.exec(row.record_audit_head) : null;
  return match ? { seq: Number(match[1]), hash: Buffer.from(match[2]!, 'hex') } : undefined;
}

/** The access state of a row of RECORD_ACCESS_COLUMNS. */
export function recordAccessOf(row: RecordAccessRow): RecordAccessState {
  return {
    ins: row.record_ins,
    status: row.record_status,
    minor: row.record_minor,
    emergencyOpposed: row.record_emergency_opposed,
    authorised: new Set(row.record_authorised),
    blocked: new Set(row.record_blocked),
    legalRepresentatives: new Set(row.record_representatives),
    ...(row.record_medecin_traitant ? { medecinTraitant: row.record_medecin_traitant } : {}),
  };
}

/** Anything that runs a query: the pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

export interface StoredRecord extends RecordAccessState {
  readonly insOid: string;
  readonly identity: Buffer;
  readonly createdAt: Date;
  readonly closedAt?: Date;
}

/**
 * Loads a patient record with everything the access rules need, in one round trip.
 * `lock: 'share'` keeps the record from being closed or changed until the transaction ends.
 */
export async function loadRecord(db: Queryable, ins: string, lock?: 'share' | 'update'): Promise<StoredRecord | undefined> {
  const suffix = lock === 'share' ? ' FOR SHARE OF r' : lock === 'update' ? ' FOR UPDATE OF r' : '';
  const result = await db.query<{
    ins: string;
    ins_oid: string;
    status: 'open' | 'closed';
    identity: Buffer;
    minor: boolean;
    medecin_traitant: string | null;
    emergency_opposed: boolean;
    created_at: Date;
    closed_at: Date | null;
    authorised: string[];
    blocked: string[];
    representatives: string[];
  }>({
    name: `load-record${lock ?? ''}`,
    text: `SELECT r.ins, r.ins_oid, r.status, r.identity, r.minor, r.medecin_traitant, r.emergency_opposed, r.created_at, r.closed_at,
              ARRAY(SELECT national_id FROM record_professional p WHERE p.ins = r.ins AND p.setting = 'authorised') AS authorised,
              ARRAY(SELECT national_id FROM record_professional p WHERE p.ins = r.ins AND p.setting = 'blocked') AS blocked,
              ARRAY(SELECT representative_id FROM legal_representative l WHERE l.ins = r.ins) AS representatives
         FROM patient_record r WHERE r.ins = $1${suffix}`,
    values: [ins],
  });
  const row = result.rows[0];
  if (!row) return undefined;
  return {
    ins: row.ins,
    insOid: row.ins_oid,
    status: row.status,
    identity: row.identity,
    minor: row.minor,
    emergencyOpposed: row.emergency_opposed,
    authorised: new Set(row.authorised),
    blocked: new Set(row.blocked),
    legalRepresentatives: new Set(row.representatives),
    createdAt: row.created_at,
    ...(row.medecin_traitant ? { medecinTraitant: row.medecin_traitant } : {}),
    ...(row.closed_at ? { closedAt: row.closed_at } : {}),
  };
}
