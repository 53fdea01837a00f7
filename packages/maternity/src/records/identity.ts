import type pg from 'pg';
import { inTransaction } from '@dmp/postgres';
import { MaternityError, type MaternityContext, type StaffMember } from '../context.js';
import type { DocumentVersioning } from './document-factory.js';
import { initialDmpStatus, queueDeposit, replaceHeldContent, setDocumentConsent, type DocumentRow } from './documents.js';
import { loadPatient, setIdentity, type PatientRecord } from './patients.js';
import { buildReportDocuments, latestReports, loadReport } from './reports.js';
import { loadStay } from './stays.js';

/**
 * Qualifies a patient's identity. For a mother whose INS came from INSi (RECUP), the staff checked
 * an identity document: QUAL. For a newborn (provisional identity), INSi is asked with the Carte
 * Vitale data of the parent who carries the child (insured's NIR and the child's rank), once the
 * child's NIR exists; the identity is RECUP, or QUAL when the birth record was checked.
 * Then every document held for this patient is reconsidered: rebuilt with the INS and queued.
 */
export async function qualifyIdentity(
  ctx: MaternityContext,
  staff: StaffMember,
  patientId: string,
  request: { identityChecked: boolean; card?: { insuredNir: string; rank: number; givenName: string } },
): Promise<PatientRecord> {
  if (!/^[0-9a-f-]{36}$/.test(patientId)) throw new MaternityError('not-found', 'Patient inconnu');
  return inTransaction(ctx.pool, async (client) => {
    const patient = await loadPatient(client, ctx.masterKey, patientId);
    let updated: PatientRecord;
    if (request.card) {
      const answer = await ctx.insi.lookupFromCarteVitale({
        insuredNir: request.card.insuredNir.toUpperCase(),
        rank: request.card.rank,
        familyName: patient.traits.birthName,
        givenName: request.card.givenName,
        birthDate: patient.traits.birthDate,
      });
      if (answer.status !== 'found') {
        throw new MaternityError('invalid', answer.status === 'ambiguous' ? `INSi: identité ambiguë (${answer.reason})` : "INSi ne trouve pas cette identité: vérifiez le NIR de l'assuré, le rang, le prénom et la date de naissance", [
          { field: 'insuredNir', message: 'Identité introuvable dans le téléservice INSi' },
        ]);
      }
      const id = answer.identity;
      updated = await setIdentity(client, ctx, patient, {
        ins: { value: id.ins, oid: id.oid },
        identityStatus: request.identityChecked ? 'QUAL' : 'RECUP',
        traits: { birthName: id.birthName, givenNames: id.givenNames, sex: id.sex, birthDate: id.birthDate, birthPlace: id.birthPlace, ...(id.usedName ? { usedName: id.usedName } : {}) },
      });
    } else {
      if (!patient.ins) throw new MaternityError('invalid', "Pas d'INS: interrogez d'abord le téléservice INSi", [{ field: 'insuredNir', message: "Le NIR de l'assuré est nécessaire" }]);
      if (!request.identityChecked) throw new MaternityError('invalid', "Cochez la vérification de la pièce d'identité", [{ field: 'identityChecked', message: "La pièce d'identité doit être vérifiée" }]);
      updated = await setIdentity(client, ctx, patient, { ins: patient.ins, identityStatus: 'QUAL' });
    }
    await client.query("INSERT INTO staff_event (staff_id, action, target, outcome, detail) VALUES ($1, 'identity', $2, 'ok', $3)", [staff.id, `patient:${patientId}`, updated.identityStatus]);
    const held = await client.query<DocumentRow>("SELECT * FROM clinical_document WHERE patient_id = $1 AND dmp_status IN ('held_identity', 'held_information') FOR UPDATE", [patientId]);
    for (const row of held.rows) await reconsiderDocument(client, ctx, row);
    return updated;
  });
}

/**
 * Looks again at a document that waits (identity, information): when it may now go, it is rebuilt
 * for the patient's current identity if it was built without her INS, and queued for the DMP.
 */
export async function reconsiderDocument(client: pg.PoolClient, ctx: MaternityContext, row: DocumentRow): Promise<void> {
  const patient = await loadPatient(client, ctx.masterKey, row.patient_id);
  const status = initialDmpStatus({ patientInformed: row.patient_informed, patientRefused: row.patient_refused, maskedToProfessionals: row.masked_to_professionals, invisibleToPatient: row.invisible_to_patient }, patient);
  if (status !== 'queued') {
    await client.query('UPDATE clinical_document SET dmp_status = $2 WHERE id = $1', [row.id, status]);
    return;
  }
  if (!row.metadata.patient.ins) {
    const report = await loadReport(client, ctx.masterKey, row.report_id);
    const stay = await loadStay(client, ctx.masterKey, row.stay_id);
    const reports = await latestReports(client, ctx.masterKey, row.stay_id);
    const author = await client.query<{ rpps: string; given_name: string; family_name: string; profession: string; specialty: string | null }>('SELECT * FROM staff WHERE id = $1', [row.author_id]);
    const a = author.rows[0]!;
    const versioning: DocumentVersioning = {
      documentId: row.unique_id.replace(/^urn:oid:/, ''),
      setId: row.set_id,
      version: row.version,
      ...(row.replaces ? { replaces: await replacedOf(client, row.replaces) } : {}),
    };
    const [rebuilt] = await buildReportDocuments(
      client,
      ctx,
      { rpps: a.rpps, givenName: a.given_name, familyName: a.family_name, profession: a.profession, ...(a.specialty ? { specialty: a.specialty } : {}) },
      { stay, mother: patient, report: { ...report, validatedAt: report.validatedAt }, reports },
      [row.kind],
      new Map([[row.kind, versioning]]),
    );
    await replaceHeldContent(client, ctx, row.id, rebuilt!);
  }
  await queueDeposit(client, ctx, row.id, row.unique_id);
}

async function replacedOf(client: pg.PoolClient, id: string): Promise<{ id: string; uniqueId: string }> {
  const { rows } = await client.query<{ unique_id: string }>('SELECT unique_id FROM clinical_document WHERE id = $1', [id]);
  return { id, uniqueId: rows[0]!.unique_id };
}

/** Records the mother's information and choice about one document not yet sent, and acts on it. */
export async function recordConsent(ctx: MaternityContext, staff: StaffMember, documentId: string, change: { patientInformed: boolean; patientRefused: boolean }) {
  return setDocumentConsent(ctx, staff, documentId, change, async (client, row) => {
    if (change.patientRefused) {
      await client.query("UPDATE clinical_document SET dmp_status = 'refused' WHERE id = $1", [row.id]);
      return;
    }
    await reconsiderDocument(client, ctx, row);
  });
}
