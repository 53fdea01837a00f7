import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { inTransaction } from '@dmp/postgres';
import { MaternityError, type MaternityContext, type StaffMember } from '../context.js';
import { admissionSchema, parseInput } from './clinical-input.js';
import { DEFAULT_INS_OID, loadPatient, upsertPatient, type IdentityStatus, type PatientRecord, type PatientTraits } from './patients.js';
import { openJson, sealJson } from './sealed-json.js';
import { recordStaffEvent } from './staff-events.js';

/** The professionals around the mother outside the maternity, by national id (`8` + RPPS). */
export interface CareTeam {
  readonly medecinTraitantNationalId?: string;
  readonly referringNationalId?: string;
}

export interface StayRecord {
  readonly id: string;
  readonly patientId: string;
  readonly admittedAt: string;
  readonly dischargedAt?: string;
  readonly careTeam: CareTeam;
}

interface StayRow {
  id: string;
  patient_id: string;
  admitted_at: Date;
  discharged_at: Date | null;
  care_team: Buffer;
}

const aad = (id: string) => `stay:${id}`;

export async function loadStay(db: pg.Pool | pg.PoolClient, masterKey: Buffer, id: string, options: { forUpdate?: boolean } = {}): Promise<StayRecord> {
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new MaternityError('not-found', 'Séjour inconnu');
  const { rows } = await db.query<StayRow>(`SELECT * FROM stay WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  const row = rows[0];
  if (!row) throw new MaternityError('not-found', 'Séjour inconnu');
  return {
    id: row.id,
    patientId: row.patient_id,
    admittedAt: row.admitted_at.toISOString(),
    ...(row.discharged_at ? { dischargedAt: row.discharged_at.toISOString() } : {}),
    careTeam: openJson<CareTeam>(row.care_team, masterKey, aad(row.id)),
  };
}

/** Outcome of an admission, with what INSi said. */
export interface AdmissionResult {
  readonly stay: StayRecord;
  readonly patient: PatientRecord;
  /** `found` (INS and strict traits from INSi), `not-found`, `ambiguous`, or `not-asked` (no Carte Vitale). */
  readonly insi: 'found' | 'not-found' | 'ambiguous' | 'not-asked';
}

/**
 * Admits a mother. With her Carte Vitale data, INSi gives her INS and strict traits (identity
 * RECUP, or QUAL when the staff checked an identity document); without, or when INSi does not know
 * her, her identity is provisional (PROV) and her documents wait until it is qualified.
 */
export async function admitMother(ctx: MaternityContext, staff: StaffMember, raw: unknown): Promise<AdmissionResult> {
  const parsed = parseInput(admissionSchema, raw);
  if (!parsed.ok) throw new MaternityError('invalid', 'Admission incomplète ou incorrecte', parsed.problems);
  const input = parsed.value;
  if (input.admittedAt > new Date(ctx.now().getTime() + 5 * 60_000).toISOString()) {
    throw new MaternityError('invalid', 'Admission incorrecte', [{ field: 'admittedAt', message: "La date d'admission est dans le futur" }]);
  }
  let insi: AdmissionResult['insi'] = 'not-asked';
  let ins: { value: string; oid: typeof DEFAULT_INS_OID } | undefined;
  let status: IdentityStatus = 'PROV';
  let traits: PatientTraits = {
    birthName: input.familyName.toUpperCase(),
    ...(input.usedName ? { usedName: input.usedName.toUpperCase() } : {}),
    givenNames: [input.givenName],
    sex: 'F',
    birthDate: input.birthDate,
    ...(input.mssAddress ? { mssAddress: input.mssAddress } : {}),
  };
  if (input.insuredNir && input.rank) {
    const answer = await ctx.insi.lookupFromCarteVitale({ insuredNir: input.insuredNir.toUpperCase(), rank: input.rank, familyName: input.familyName, givenName: input.givenName, birthDate: input.birthDate });
    insi = answer.status;
    if (answer.status === 'found') {
      const id = answer.identity;
      ins = { value: id.ins, oid: id.oid };
      status = input.identityChecked ? 'QUAL' : 'RECUP';
      traits = {
        birthName: id.birthName,
        ...(id.usedName ? { usedName: id.usedName } : input.usedName ? { usedName: input.usedName.toUpperCase() } : {}),
        givenNames: id.givenNames,
        sex: id.sex,
        birthDate: id.birthDate,
        birthPlace: id.birthPlace,
        ...(input.mssAddress ? { mssAddress: input.mssAddress } : {}),
      };
    }
  }
  for (const [field, nationalId] of [['medecinTraitantNationalId', input.medecinTraitantNationalId], ['referringNationalId', input.referringNationalId]] as const) {
    if (nationalId && !(await ctx.directory.professional(nationalId))) {
      throw new MaternityError('invalid', 'Admission incorrecte', [{ field, message: `Aucun professionnel ${nationalId} dans l'annuaire santé` }]);
    }
  }
  const careTeam: CareTeam = {
    ...(input.medecinTraitantNationalId ? { medecinTraitantNationalId: input.medecinTraitantNationalId } : {}),
    ...(input.referringNationalId ? { referringNationalId: input.referringNationalId } : {}),
  };
  return inTransaction(ctx.pool, async (client) => {
    const patient = await upsertPatient(client, ctx, { kind: 'mother', ...(ins ? { ins } : {}), identityStatus: status, traits });
    const open = await client.query('SELECT 1 FROM stay WHERE patient_id = $1 AND discharged_at IS NULL', [patient.id]);
    if (open.rowCount) throw new MaternityError('conflict', 'Cette patiente a déjà un séjour en cours');
    const id = randomUUID();
    await client.query('INSERT INTO stay (id, patient_id, admitted_at, care_team, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      id,
      patient.id,
      input.admittedAt,
      sealJson(careTeam, ctx.masterKey, aad(id)),
      staff.id,
      ctx.now(),
    ]);
    await recordStaffEvent(client, staff, 'admission', `stay:${id}`, 'ok');
    return { stay: { id, patientId: patient.id, admittedAt: input.admittedAt, careTeam }, patient, insi };
  });
}

/** A stay in the list of the staff UI. */
export interface StaySummary {
  readonly id: string;
  readonly admittedAt: string;
  readonly dischargedAt?: string;
  readonly mother: { readonly id: string; readonly ipp: string; readonly traits: PatientTraits; readonly identityStatus: IdentityStatus };
  readonly documents: { readonly total: number; readonly sent: number; readonly waiting: number; readonly problems: number };
}

/** The most recent stays first. */
export async function listStays(ctx: MaternityContext, options: { limit?: number; offset?: number } = {}): Promise<StaySummary[]> {
  const { rows } = await ctx.pool.query<StayRow & { ipp: string; traits: Buffer; identity_status: IdentityStatus; total: string; sent: string; waiting: string; problems: string }>(
    `SELECT s.*, p.ipp, p.traits, p.identity_status,
            count(d.id) AS total,
            count(d.id) FILTER (WHERE d.dmp_status = 'sent') AS sent,
            count(d.id) FILTER (WHERE d.dmp_status IN ('queued', 'held_identity', 'held_information')) AS waiting,
            count(d.id) FILTER (WHERE d.dmp_status = 'rejected') AS problems
       FROM stay s JOIN patient p ON p.id = s.patient_id
       LEFT JOIN clinical_document d ON d.stay_id = s.id
      GROUP BY s.id, p.id
      ORDER BY s.admitted_at DESC
      LIMIT $1 OFFSET $2`,
    [Math.min(options.limit ?? 50, 200), options.offset ?? 0],
  );
  return rows.map((row) => ({
    id: row.id,
    admittedAt: row.admitted_at.toISOString(),
    ...(row.discharged_at ? { dischargedAt: row.discharged_at.toISOString() } : {}),
    mother: { id: row.patient_id, ipp: row.ipp, traits: openJson<PatientTraits>(row.traits, ctx.masterKey, `patient:${row.patient_id}`), identityStatus: row.identity_status },
    documents: { total: Number(row.total), sent: Number(row.sent), waiting: Number(row.waiting), problems: Number(row.problems) },
  }));
}

/** The mother of a stay. */
export async function motherOf(ctx: MaternityContext, stay: StayRecord): Promise<PatientRecord> {
  return loadPatient(ctx.pool, ctx.masterKey, stay.patientId);
}
