import type pg from 'pg';
import type { RecordAccessState } from '../access/types.js';

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
