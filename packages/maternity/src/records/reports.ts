import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { newUniqueId } from '@dmp/core';
import { inTransaction } from '@dmp/postgres';
import { MaternityError, type MaternityContext, type StaffMember } from '../context.js';
import type { Professional } from '../documents/index.js';
import { caesareanSchema, deliverySchema, dischargeSchema, parseInput, type CaesareanInput, type DeliveryInput, type DischargeInput, type DocumentChoices } from './clinical-input.js';
import { generateDocuments, type DocumentVersioning, type GeneratedDocument } from './document-factory.js';
import { caesareanOf, deliveryOf, dischargeOf, professionalOf } from './document-sources.js';
import { storeDocument, type DocumentKind } from './documents.js';
import { loadPatient, newbornsOf, upsertPatient, type PatientRecord } from './patients.js';
import { openJson, sealJson } from './sealed-json.js';
import { recordStaffEvent } from './staff-events.js';
import { zonedDate } from './local-time.js';
import { loadStay, type StayRecord } from './stays.js';

export type ReportKind = 'delivery' | 'caesarean' | 'discharge';

export interface ReportRecord<T = unknown> {
  readonly id: string;
  readonly stayId: string;
  readonly kind: ReportKind;
  readonly version: number;
  readonly content: T;
  readonly validatedBy: string;
  readonly validatedAt: string;
}

interface ReportRow {
  id: string;
  stay_id: string;
  kind: ReportKind;
  version: number;
  content: Buffer;
  validated_by: string;
  validated_at: Date;
}

const aad = (id: string) => `report:${id}`;
const SCHEMAS = { delivery: deliverySchema, caesarean: caesareanSchema, discharge: dischargeSchema } as const;
const TITLES: Record<ReportKind, string> = { delivery: "L'accouchement", caesarean: "Le compte rendu opératoire", discharge: 'La sortie' };

function reportFrom(row: ReportRow, masterKey: Buffer): ReportRecord {
  return {
    id: row.id,
    stayId: row.stay_id,
    kind: row.kind,
    version: row.version,
    content: openJson(row.content, masterKey, aad(row.id)),
    validatedBy: row.validated_by,
    validatedAt: row.validated_at.toISOString(),
  };
}

/** The latest version of each report of a stay. */
export async function latestReports(db: pg.Pool | pg.PoolClient, masterKey: Buffer, stayId: string): Promise<Partial<Record<ReportKind, ReportRecord>>> {
  const { rows } = await db.query<ReportRow>('SELECT DISTINCT ON (kind) * FROM clinical_report WHERE stay_id = $1 ORDER BY kind, version DESC', [stayId]);
  return Object.fromEntries(rows.map((row) => [row.kind, reportFrom(row, masterKey)]));
}

/** A professional named by national id: a member of the staff, else from the health directory. */
async function professionalByNationalId(client: pg.PoolClient, ctx: MaternityContext, nationalId: string, field: string): Promise<Professional> {
  const rpps = nationalId.slice(1);
  const { rows } = await client.query<{ rpps: string; given_name: string; family_name: string; profession: string; specialty: string | null }>(
    'SELECT rpps, given_name, family_name, profession, specialty FROM staff WHERE rpps = $1',
    [rpps],
  );
  const staff = rows[0];
  if (staff) return professionalOf({ rpps: staff.rpps, givenName: staff.given_name, familyName: staff.family_name, profession: staff.profession, ...(staff.specialty ? { specialty: staff.specialty } : {}) });
  const found = await ctx.directory.professional(nationalId);
  if (!found) throw new MaternityError('invalid', 'Professionnel inconnu', [{ field, message: `Aucun professionnel ${nationalId} dans l'annuaire santé` }]);
  return professionalOf({ rpps: found.rpps, givenName: found.givenName, familyName: found.familyName, profession: found.profession, ...(found.specialty ? { specialty: found.specialty } : {}) });
}

function invalid(field: string, message: string): MaternityError {
  return new MaternityError('invalid', message, [{ field, message }]);
}

/**
 * Records a delivery, a caesarean operation or a discharge of a stay, validated by `staff` (the
 * author of the documents it produces, whenever the outbox sends them), and produces its documents:
 * CRA and OBP-SNM for a delivery, CRO for a caesarean, the lettre de liaison for a discharge (sent
 * by MSS too). With `correction`, it records a new version of the report, and each document a new
 * version that replaces the previous one (in the DMP too).
 */
export async function saveReport(ctx: MaternityContext, staff: StaffMember, stayId: string, kind: ReportKind, raw: unknown, options: { correction?: boolean } = {}): Promise<{ report: ReportRecord; documentIds: string[] }> {
  const parsed = parseInput(SCHEMAS[kind], raw);
  if (!parsed.ok) throw new MaternityError('invalid', `${TITLES[kind]}: saisie incomplète ou incorrecte`, parsed.problems);
  const input = parsed.value;
  const result = await inTransaction(ctx.pool, async (client) => {
    const stay = await loadStay(client, ctx.masterKey, stayId, { forUpdate: true });
    const mother = await loadPatient(client, ctx.masterKey, stay.patientId);
    const reports = await latestReports(client, ctx.masterKey, stayId);
    const previous = reports[kind];
    if (previous && !options.correction) throw new MaternityError('conflict', `${TITLES[kind]} est déjà enregistré(e) pour ce séjour: utilisez « Corriger »`);
    if (!previous && options.correction) throw new MaternityError('not-found', `${TITLES[kind]}: rien à corriger`);
    checkClinicalSense(ctx, kind, input, mother, stay, reports);
    const id = randomUUID();
    const version = (previous?.version ?? 0) + 1;
    const now = ctx.now();
    await client.query(
      'INSERT INTO clinical_report (id, stay_id, kind, version, supersedes, content, validated_by, validated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [id, stayId, kind, version, previous?.id ?? null, sealJson(input, ctx.masterKey, aad(id)), staff.id, now],
    );
    const report: ReportRecord = { id, stayId, kind, version, content: input, validatedBy: staff.id, validatedAt: now.toISOString() };
    if (kind === 'discharge') await client.query('UPDATE stay SET discharged_at = $2 WHERE id = $1', [stayId, (input as DischargeInput).dischargedAt]);
    const documentIds = await produceDocuments(client, ctx, staff, { stay, mother, report, reports });
    await recordStaffEvent(client, staff, options.correction ? `correction:${kind}` : kind, `report:${id}`, 'ok');
    return { report, documentIds };
  });
  return result;
}

/** Checks a clinician would make that a form cannot: dates against the mother's birth and the clock. */
function checkClinicalSense(ctx: MaternityContext, kind: ReportKind, input: DeliveryInput | CaesareanInput | DischargeInput, mother: PatientRecord, stay: StayRecord, reports: Partial<Record<ReportKind, ReportRecord>>): void {
  const soon = new Date(ctx.now().getTime() + 5 * 60_000).toISOString();
  const birth = mother.traits.birthDate;
  if (kind === 'delivery') {
    const d = input as DeliveryInput;
    if (zonedDate(d.deliveredAt) <= birth) throw invalid('deliveredAt', "La date de l'accouchement est avant la naissance de la mère");
    if (d.deliveredAt > soon) throw invalid('deliveredAt', "La date de l'accouchement est dans le futur");
    // A birth before admission (at home, on the way) is recorded as it happened.
  }
  if (kind === 'caesarean') {
    const c = input as CaesareanInput;
    const delivery = reports.delivery?.content as DeliveryInput | undefined;
    if (!delivery) throw new MaternityError('conflict', "Enregistrez d'abord l'accouchement par césarienne");
    if (!delivery.mode.startsWith('cesarienne')) throw new MaternityError('conflict', "L'accouchement enregistré n'est pas une césarienne");
    if (c.startedAt > soon) throw invalid('startedAt', "L'intervention est dans le futur");
    if (zonedDate(c.startedAt) <= birth) throw invalid('startedAt', "L'intervention est avant la naissance de la mère");
  }
  if (kind === 'discharge') {
    const s = input as DischargeInput;
    if (s.dischargedAt < stay.admittedAt) throw invalid('dischargedAt', "La sortie est avant l'admission");
    if (s.dischargedAt > soon) throw invalid('dischargedAt', 'La sortie est dans le futur');
  }
}

/** Builds the documents of a report and stores them with the mother's choices. */
async function produceDocuments(
  client: pg.PoolClient,
  ctx: MaternityContext,
  staff: StaffMember,
  source: { stay: StayRecord; mother: PatientRecord; report: ReportRecord; reports: Partial<Record<ReportKind, ReportRecord>> },
): Promise<string[]> {
  const { stay, report } = source;
  const kinds: DocumentKind[] = report.kind === 'delivery' ? ['CRA', 'OBP_SNM'] : report.kind === 'caesarean' ? ['CRO'] : ['LDL'];
  const versioning = new Map<DocumentKind, DocumentVersioning>();
  for (const kind of kinds) versioning.set(kind, await nextVersion(client, stay.id, kind));
  if (report.kind === 'delivery') {
    const existing = await newbornsOf(client, ctx.masterKey, source.mother.id);
    await recordNewborns(client, ctx, source.mother, report.content as DeliveryInput, existing);
  }
  const built = await buildReportDocuments(client, ctx, staff, source, kinds, versioning);
  const choices = (report.content as { choices: DocumentChoices }).choices;
  const ids: string[] = [];
  for (const document of built) {
    ids.push(await storeDocument(client, ctx, { stay, patient: source.mother, report, authorId: staff.id, document, choices, versioning: versioning.get(document.kind)! }));
  }
  return ids;
}

/**
 * Builds documents of `kinds` from a report, as `author` validated it, for the mother's identity
 * as it is now (used again when a held document is rebuilt once her identity is qualified).
 */
export async function buildReportDocuments(
  client: pg.PoolClient,
  ctx: MaternityContext,
  staff: Pick<StaffMember, 'rpps' | 'givenName' | 'familyName' | 'profession' | 'specialty'>,
  source: { stay: StayRecord; mother: PatientRecord; report: ReportRecord; reports: Partial<Record<ReportKind, ReportRecord>> },
  kinds: readonly DocumentKind[],
  versioning: ReadonlyMap<DocumentKind, DocumentVersioning>,
): Promise<GeneratedDocument[]> {
  const { stay, mother, report } = source;
  const author = professionalOf(staff);
  const newborns = await newbornsOf(client, ctx.masterKey, mother.id);
  const deliveryInput = (report.kind === 'delivery' ? report.content : source.reports.delivery?.content) as DeliveryInput | undefined;
  const role = staff.profession === '50' ? { midwife: author } : { obstetrician: author };
  const delivery = deliveryInput ? deliveryOf(deliveryInput, { admittedAt: stay.admittedAt, mother, newborns, ...role }) : undefined;
  const common = { ctx, stay, mother, author, validatedAt: report.validatedAt, kinds, versioning };
  if (report.kind === 'delivery') return generateDocuments({ ...common, delivery: delivery! });
  if (report.kind === 'caesarean') {
    const c = report.content as CaesareanInput;
    const anaesthetist = await professionalByNationalId(client, ctx, c.anaesthetistNationalId, 'anaesthetistNationalId');
    const assistant = c.assistantNationalId ? await professionalByNationalId(client, ctx, c.assistantNationalId, 'assistantNationalId') : undefined;
    return generateDocuments({ ...common, operation: caesareanOf(c, { surgeon: author, anaesthetist, ...(assistant ? { assistant } : {}) }), newborns: delivery?.newborns ?? [] });
  }
  const care = stay.careTeam;
  const generalPractitioner = care.medecinTraitantNationalId ? await professionalByNationalId(client, ctx, care.medecinTraitantNationalId, 'medecinTraitantNationalId') : undefined;
  const referringPractitioner = care.referringNationalId ? await professionalByNationalId(client, ctx, care.referringNationalId, 'referringNationalId') : undefined;
  const discharge = dischargeOf(report.content as DischargeInput, { admittedAt: stay.admittedAt, ...(generalPractitioner ? { generalPractitioner } : {}), ...(referringPractitioner ? { referringPractitioner } : {}) });
  return generateDocuments({ ...common, discharge });
}

/** Version, set id and the replaced document for the next document of a kind in a stay. */
async function nextVersion(client: pg.PoolClient, stayId: string, kind: DocumentKind): Promise<DocumentVersioning> {
  const { rows } = await client.query<{ id: string; set_id: string; version: number; unique_id: string }>(
    'SELECT id, set_id, version, unique_id FROM clinical_document WHERE stay_id = $1 AND kind = $2 ORDER BY version DESC LIMIT 1',
    [stayId, kind],
  );
  const last = rows[0];
  if (!last) return { documentId: newUniqueId(), setId: newUniqueId(), version: 1 };
  return { documentId: newUniqueId(), setId: last.set_id, version: last.version + 1, replaces: { id: last.id, uniqueId: last.unique_id } };
}

/**
 * The newborns of a delivery get a provisional identity (PROV, an IPP, the mother's name) until
 * their INS is known. A corrected delivery keeps the newborns already recorded.
 */
async function recordNewborns(client: pg.PoolClient, ctx: MaternityContext, mother: PatientRecord, delivery: DeliveryInput, existing: readonly PatientRecord[]): Promise<PatientRecord[]> {
  const result = [...existing];
  for (let index = existing.length; index < delivery.newborns.length; index += 1) {
    const n = delivery.newborns[index]!;
    result.push(
      await upsertPatient(client, ctx, {
        kind: 'newborn',
        identityStatus: 'PROV',
        motherId: mother.id,
        traits: {
          birthName: mother.traits.usedName ?? mother.traits.birthName,
          givenNames: n.givenName ? [n.givenName] : [],
          sex: n.sex,
          birthDate: zonedDate(index === 0 ? delivery.deliveredAt : (n.bornAt ?? delivery.deliveredAt)),
        },
      }),
    );
  }
  return result;
}

/** One report by id. */
export async function loadReport(db: pg.Pool | pg.PoolClient, masterKey: Buffer, id: string): Promise<ReportRecord> {
  const { rows } = await db.query<ReportRow>('SELECT * FROM clinical_report WHERE id = $1', [id]);
  if (!rows[0]) throw new MaternityError('not-found', 'Compte rendu inconnu');
  return reportFrom(rows[0], masterKey);
}
