import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { INS_OID, type InsOid } from '@dmp/core';
import type { MaternityContext } from '../context.js';
import { MaternityError } from '../context.js';
import { openJson, sealJson } from './sealed-json.js';

/** Identity status in the maternity's software (référentiel INS). */
export type IdentityStatus = 'PROV' | 'RECUP' | 'VALI' | 'QUAL';

/** The traits kept (sealed) for a patient. */
export interface PatientTraits {
  readonly birthName: string;
  readonly usedName?: string;
  readonly givenNames: readonly string[];
  readonly sex: 'F' | 'M' | 'U';
  readonly birthDate: string;
  readonly birthPlace?: string;
  readonly mssAddress?: string;
}

export interface PatientRecord {
  readonly id: string;
  readonly kind: 'mother' | 'newborn';
  readonly ipp: string;
  readonly ins?: { readonly value: string; readonly oid: InsOid };
  readonly identityStatus: IdentityStatus;
  readonly traits: PatientTraits;
  readonly motherId?: string;
}

interface PatientRow {
  id: string;
  kind: 'mother' | 'newborn';
  ipp: string;
  ins: string | null;
  ins_oid: string | null;
  identity_status: IdentityStatus;
  traits: Buffer;
  mother_id: string | null;
}

const aad = (id: string) => `patient:${id}`;

function fromRow(row: PatientRow, masterKey: Buffer): PatientRecord {
  return {
    id: row.id,
    kind: row.kind,
    ipp: row.ipp,
    ...(row.ins && row.ins_oid ? { ins: { value: row.ins, oid: row.ins_oid as InsOid } } : {}),
    identityStatus: row.identity_status,
    traits: openJson<PatientTraits>(row.traits, masterKey, aad(row.id)),
    ...(row.mother_id ? { motherId: row.mother_id } : {}),
  };
}

/** The patient with this id; throws not-found. */
export async function loadPatient(db: pg.Pool | pg.PoolClient, masterKey: Buffer, id: string): Promise<PatientRecord> {
  const { rows } = await db.query<PatientRow>('SELECT * FROM patient WHERE id = $1', [id]);
  if (!rows[0]) throw new MaternityError('not-found', 'Patiente inconnue');
  return fromRow(rows[0], masterKey);
}

/** The newborns of a mother, in birth order. */
export async function newbornsOf(db: pg.Pool | pg.PoolClient, masterKey: Buffer, motherId: string): Promise<PatientRecord[]> {
  const { rows } = await db.query<PatientRow>("SELECT * FROM patient WHERE mother_id = $1 AND kind = 'newborn' ORDER BY ipp", [motherId]);
  return rows.map((row) => fromRow(row, masterKey));
}

/**
 * Records a patient, or updates the one with the same INS (a mother who comes back). An identity
 * is never downgraded: a QUAL identity stays QUAL when she is admitted again from her Carte Vitale.
 */
export async function upsertPatient(
  client: pg.PoolClient,
  ctx: MaternityContext,
  patient: { kind: 'mother' | 'newborn'; ins?: { value: string; oid: InsOid }; identityStatus: IdentityStatus; traits: PatientTraits; motherId?: string },
): Promise<PatientRecord> {
  const now = ctx.now();
  if (patient.ins) {
    const existing = await client.query<PatientRow>('SELECT * FROM patient WHERE ins = $1 FOR UPDATE', [patient.ins.value]);
    const row = existing.rows[0];
    if (row) {
      const rank: Record<IdentityStatus, number> = { PROV: 0, RECUP: 1, VALI: 2, QUAL: 3 };
      const status = rank[patient.identityStatus] > rank[row.identity_status] ? patient.identityStatus : row.identity_status;
      const previous = openJson<PatientTraits>(row.traits, ctx.masterKey, aad(row.id));
      const traits = { ...previous, ...patient.traits };
      await client.query('UPDATE patient SET identity_status = $2, traits = $3, updated_at = $4 WHERE id = $1', [row.id, status, sealJson(traits, ctx.masterKey, aad(row.id)), now]);
      return { ...fromRow(row, ctx.masterKey), identityStatus: status, traits };
    }
  }
  const id = randomUUID();
  const { rows } = await client.query<{ ipp: string }>("SELECT nextval('patient_ipp')::text AS ipp");
  const ipp = rows[0]!.ipp;
  await client.query(
    `INSERT INTO patient (id, kind, ipp, ins, ins_oid, identity_status, traits, mother_id, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
    [id, patient.kind, ipp, patient.ins?.value ?? null, patient.ins?.oid ?? null, patient.identityStatus, sealJson(patient.traits, ctx.masterKey, aad(id)), patient.motherId ?? null, now],
  );
  return { id, kind: patient.kind, ipp, ...(patient.ins ? { ins: patient.ins } : {}), identityStatus: patient.identityStatus, traits: patient.traits, ...(patient.motherId ? { motherId: patient.motherId } : {}) };
}

/** Sets a patient's INS and identity status (qualification), and traits from INSi when given. */
export async function setIdentity(
  client: pg.PoolClient,
  ctx: MaternityContext,
  patient: PatientRecord,
  update: { ins: { value: string; oid: InsOid }; identityStatus: IdentityStatus; traits?: Partial<PatientTraits> },
): Promise<PatientRecord> {
  const taken = await client.query<{ id: string }>('SELECT id FROM patient WHERE ins = $1 AND id <> $2', [update.ins.value, patient.id]);
  if (taken.rows[0]) throw new MaternityError('conflict', 'Cet INS est déjà celui d’une autre patiente de la maternité');
  const traits = { ...patient.traits, ...(update.traits ?? {}) };
  await client.query('UPDATE patient SET ins = $2, ins_oid = $3, identity_status = $4, traits = $5, updated_at = $6 WHERE id = $1', [
    patient.id,
    update.ins.value,
    update.ins.oid,
    update.identityStatus,
    sealJson(traits, ctx.masterKey, aad(patient.id)),
    ctx.now(),
  ]);
  return { ...patient, ins: update.ins, identityStatus: update.identityStatus, traits };
}

/** The INS OID INSi answers with by default (INS-NIR). */
export const DEFAULT_INS_OID: InsOid = INS_OID.nir;

/** `Camille LEROY (née DUBOIS)` for lists and letters. */
export function displayName(traits: PatientTraits): string {
  const given = traits.givenNames[0] ?? '';
  const used = traits.usedName && traits.usedName !== traits.birthName ? `${traits.usedName} (née ${traits.birthName})` : traits.birthName;
  return `${given} ${used}`.trim();
}
