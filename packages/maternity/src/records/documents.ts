import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { openValue, sealValue } from '@dmp/core';
import { inTransaction } from '@dmp/postgres';
import { MaternityError, type MaternityContext, type StaffMember } from '../context.js';
import { queueLetters } from '../connector/letters.js';
import type { DocumentMetadata } from '../documents/index.js';
import type { DocumentChoices } from './clinical-input.js';
import type { DocumentVersioning, GeneratedDocument } from './document-factory.js';
import type { PatientRecord } from './patients.js';
import { recordStaffEvent } from './staff-events.js';
import type { StayRecord } from './stays.js';

export type DocumentKind = 'CRA' | 'OBP_SNM' | 'CRO' | 'LDL';

/** Where a document stands with the DMP. */
export type DmpStatus =
  /** Waiting for the patient's identity to be qualified (INS QUAL). */
  | 'held_identity'
  /** Waiting for the patient to be informed of the deposit. */
  | 'held_information'
  /** She refused the deposit: never sent. */
  | 'refused'
  /** In the outbox, sent as soon as the DMP answers. */
  | 'queued'
  | 'sent'
  /** The DMP refused it (4xx): a person must look. */
  | 'rejected'
  /** Replaced by a newer version before it was ever sent. */
  | 'superseded_unsent';

export const DMP_STATUS_LABELS: Record<DmpStatus, string> = {
  held_identity: "En attente de l'identité qualifiée (INS)",
  held_information: "En attente de l'information de la patiente",
  refused: 'Refusé par la patiente: non envoyé',
  queued: "En file d'envoi vers le DMP",
  sent: 'Versé au DMP',
  rejected: 'Refusé par le DMP',
  superseded_unsent: 'Remplacé avant envoi',
};

export const DOCUMENT_KIND_LABELS: Record<DocumentKind, string> = {
  CRA: "Compte rendu d'accouchement",
  OBP_SNM: 'Synthèse salle de naissance mère (OBP-SNM)',
  CRO: 'Compte rendu opératoire (césarienne)',
  LDL: 'Lettre de liaison de sortie',
};

export interface DocumentSummary {
  readonly id: string;
  readonly kind: DocumentKind;
  readonly version: number;
  readonly uniqueId: string;
  readonly title: string;
  readonly createdAt: string;
  readonly authorId: string;
  readonly choices: DocumentChoices;
  readonly dmpStatus: DmpStatus;
  readonly dmpDetail?: string;
  readonly dmpId?: string;
  readonly dmpSentAt?: string;
  readonly replaces?: string;
}

interface DocumentRow {
  id: string;
  stay_id: string;
  patient_id: string;
  report_id: string;
  kind: DocumentKind;
  set_id: string;
  version: number;
  unique_id: string;
  replaces: string | null;
  metadata: DocumentMetadata;
  author_id: string;
  created_at: Date;
  patient_informed: boolean;
  patient_refused: boolean;
  masked_to_professionals: boolean;
  invisible_to_patient: boolean;
  dmp_status: DmpStatus;
  dmp_detail: string | null;
  dmp_id: string | null;
  dmp_sent_at: Date | null;
}

const SUMMARY_COLUMNS = 'id, stay_id, patient_id, report_id, kind, set_id, version, unique_id, replaces, metadata, author_id, created_at, patient_informed, patient_refused, masked_to_professionals, invisible_to_patient, dmp_status, dmp_detail, dmp_id, dmp_sent_at';

function summaryOf(row: DocumentRow): DocumentSummary {
  return {
    id: row.id,
    kind: row.kind,
    version: row.version,
    uniqueId: row.unique_id,
    title: row.metadata.title,
    createdAt: row.created_at.toISOString(),
    authorId: row.author_id,
    choices: { patientInformed: row.patient_informed, patientRefused: row.patient_refused, maskedToProfessionals: row.masked_to_professionals, invisibleToPatient: row.invisible_to_patient },
    dmpStatus: row.dmp_status,
    ...(row.dmp_detail ? { dmpDetail: row.dmp_detail } : {}),
    ...(row.dmp_id ? { dmpId: row.dmp_id } : {}),
    ...(row.dmp_sent_at ? { dmpSentAt: row.dmp_sent_at.toISOString() } : {}),
    ...(row.replaces ? { replaces: row.replaces } : {}),
  };
}

/** The state a new document starts in, from the mother's choices and her identity. */
export function initialDmpStatus(choices: DocumentChoices, patient: Pick<PatientRecord, 'identityStatus'>): 'refused' | 'held_information' | 'held_identity' | 'queued' {
  if (choices.patientRefused) return 'refused';
  if (!choices.patientInformed) return 'held_information';
  if (patient.identityStatus !== 'QUAL') return 'held_identity';
  return 'queued';
}

const aad = (id: string, part: 'cda' | 'pdf') => `document:${id}:${part}`;

/** Stores a generated document, settles the version it replaces, and queues its deposit if it may go. */
export async function storeDocument(
  client: pg.PoolClient,
  ctx: MaternityContext,
  input: { stay: StayRecord; patient: PatientRecord; report: { id: string }; authorId: string; document: GeneratedDocument; choices: DocumentChoices; versioning: DocumentVersioning },
): Promise<string> {
  const id = randomUUID();
  const { document, choices, versioning } = input;
  const status = initialDmpStatus(choices, input.patient);
  await client.query(
    `INSERT INTO clinical_document (id, stay_id, patient_id, report_id, kind, set_id, version, unique_id, replaces, cda, pdf, metadata, author_id, created_at,
                                    patient_informed, patient_refused, masked_to_professionals, invisible_to_patient, dmp_status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
    [
      id,
      input.stay.id,
      input.patient.id,
      input.report.id,
      document.kind,
      versioning.setId,
      versioning.version,
      document.metadata.uniqueId,
      versioning.replaces?.id ?? null,
      sealValue(Buffer.from(document.xml, 'utf8'), ctx.masterKey, aad(id, 'cda')),
      sealValue(Buffer.from(document.pdf), ctx.masterKey, aad(id, 'pdf')),
      JSON.stringify(document.metadata),
      input.authorId,
      ctx.now(),
      choices.patientInformed,
      choices.patientRefused,
      choices.maskedToProfessionals,
      choices.invisibleToPatient,
      status,
    ],
  );
  if (versioning.replaces) await settleReplaced(client, versioning.replaces.id);
  if (status === 'queued') await queueDeposit(client, ctx, id, document.metadata.uniqueId);
  if (document.kind === 'LDL') {
    await queueLetters(client, ctx, {
      documentId: id,
      uniqueId: document.metadata.uniqueId,
      careTeam: input.stay.careTeam,
      patient: input.patient,
      maskedToProfessionals: choices.maskedToProfessionals,
      invisibleToPatient: choices.invisibleToPatient,
    });
  }
  return id;
}

/**
 * The version a correction replaces: if it never reached the DMP (held, refused, rejected, or still
 * in the outbox and withdrawn from it now), it is marked replaced before sending and the new
 * version goes as a first deposit; if it was sent, the new version replaces it in the DMP.
 */
async function settleReplaced(client: pg.PoolClient, previousId: string): Promise<void> {
  const { rows } = await client.query<{ dmp_status: DmpStatus }>('SELECT dmp_status FROM clinical_document WHERE id = $1 FOR UPDATE', [previousId]);
  const status = rows[0]?.dmp_status;
  if (status === undefined || status === 'sent' || status === 'superseded_unsent') return;
  if (status === 'queued') {
    const withdrawn = await client.query("UPDATE connector_outbox SET status = 'cancelled', done_at = now() WHERE document_id = $1 AND kind = 'dmp_deposit' AND status = 'pending'", [previousId]);
    if (withdrawn.rowCount === 0) return; // already sent meanwhile: the new version replaces it
  }
  await client.query("UPDATE clinical_document SET dmp_status = 'superseded_unsent', dmp_detail = NULL WHERE id = $1", [previousId]);
}

/** Puts the deposit of a document in the outbox (idempotent: one deposit per document unique id). */
export async function queueDeposit(client: pg.PoolClient, ctx: MaternityContext, documentId: string, uniqueId: string): Promise<void> {
  await client.query(
    `INSERT INTO connector_outbox (kind, document_id, idempotency_key, next_attempt_at, created_at)
     VALUES ('dmp_deposit', $1, $2, $3, $3) ON CONFLICT (idempotency_key) DO NOTHING`,
    [documentId, `dmp:${uniqueId}`, ctx.now()],
  );
  await client.query("UPDATE clinical_document SET dmp_status = 'queued', dmp_detail = NULL WHERE id = $1", [documentId]);
}

/** The documents of a stay, newest version last within each kind. */
export async function documentsOfStay(db: pg.Pool | pg.PoolClient, stayId: string): Promise<DocumentSummary[]> {
  const { rows } = await db.query<DocumentRow>(`SELECT ${SUMMARY_COLUMNS} FROM clinical_document WHERE stay_id = $1 ORDER BY created_at, kind, version`, [stayId]);
  return rows.map(summaryOf);
}

/** One document's row (no content). */
export async function loadDocument(db: pg.Pool | pg.PoolClient, id: string, options: { forUpdate?: boolean } = {}): Promise<DocumentRow> {
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new MaternityError('not-found', 'Document inconnu');
  const { rows } = await db.query<DocumentRow>(`SELECT ${SUMMARY_COLUMNS} FROM clinical_document WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  if (!rows[0]) throw new MaternityError('not-found', 'Document inconnu');
  return rows[0];
}

/** The CDA or the PDF of a document, decrypted. */
export async function documentContent(ctx: MaternityContext, staff: StaffMember, id: string, part: 'cda' | 'pdf'): Promise<{ bytes: Buffer; metadata: DocumentMetadata; kind: DocumentKind }> {
  const row = await loadDocument(ctx.pool, id);
  const { rows } = await ctx.pool.query<{ content: Buffer }>(`SELECT ${part === 'cda' ? 'cda' : 'pdf'} AS content FROM clinical_document WHERE id = $1`, [id]);
  await recordStaffEvent(ctx.pool, staff, `read:${part}`, `document:${id}`, 'ok');
  return { bytes: openValue(rows[0]!.content, ctx.masterKey, aad(id, part)), metadata: row.metadata, kind: row.kind };
}

/** The CDA of a document for the connector (no staff member involved). */
export async function documentCda(db: pg.Pool | pg.PoolClient, masterKey: Buffer, id: string): Promise<Buffer> {
  const { rows } = await db.query<{ cda: Buffer }>('SELECT cda FROM clinical_document WHERE id = $1', [id]);
  if (!rows[0]) throw new MaternityError('not-found', 'Document inconnu');
  return openValue(rows[0].cda, masterKey, aad(id, 'cda'));
}

/** Replaces a held document's content (rebuilt once the identity is qualified; never sent before). */
export async function replaceHeldContent(client: pg.PoolClient, ctx: MaternityContext, id: string, document: GeneratedDocument): Promise<void> {
  await client.query('UPDATE clinical_document SET cda = $2, pdf = $3, metadata = $4 WHERE id = $1', [
    id,
    sealValue(Buffer.from(document.xml, 'utf8'), ctx.masterKey, aad(id, 'cda')),
    sealValue(Buffer.from(document.pdf), ctx.masterKey, aad(id, 'pdf')),
    JSON.stringify(document.metadata),
  ]);
}

/**
 * Records the mother's information and her choice about one document before it is sent: she was
 * informed, or she refuses the deposit. Once sent, a refusal is the patient's to exercise in her DMP
 * (masking or asking the author to delete); here it is refused with a clear message.
 */
export async function setDocumentConsent(ctx: MaternityContext, staff: StaffMember, id: string, change: { patientInformed: boolean; patientRefused: boolean }, afterChange: (client: pg.PoolClient, row: DocumentRow) => Promise<void>): Promise<DocumentSummary> {
  return inTransaction(ctx.pool, async (client) => {
    const row = await loadDocument(client, id, { forUpdate: true });
    if (row.dmp_status === 'sent') throw new MaternityError('conflict', 'Ce document est déjà versé au DMP: la patiente peut le masquer dans son DMP');
    if (row.dmp_status === 'superseded_unsent') throw new MaternityError('conflict', 'Ce document a été remplacé par une version plus récente');
    if (change.patientRefused) {
      await client.query("UPDATE connector_outbox SET status = 'cancelled', done_at = now() WHERE document_id = $1 AND kind = 'dmp_deposit' AND status = 'pending'", [id]);
    }
    await client.query('UPDATE clinical_document SET patient_informed = $2, patient_refused = $3 WHERE id = $1', [id, change.patientInformed, change.patientRefused]);
    const updated = { ...row, patient_informed: change.patientInformed, patient_refused: change.patientRefused };
    await afterChange(client, updated);
    await recordStaffEvent(client, staff, change.patientRefused ? 'consent:refused' : 'consent:informed', `document:${id}`, 'ok');
    return summaryOf(await loadDocument(client, id));
  });
}


/**
 * Sends again a document the DMP refused (4xx), once the cause is dealt with (e.g. her record was
 * closed and is reopened): its deposit goes back in the outbox, with its attempts counted anew.
 */
export async function retryDeposit(ctx: MaternityContext, staff: StaffMember, id: string): Promise<DocumentSummary> {
  return inTransaction(ctx.pool, async (client) => {
    const row = await loadDocument(client, id, { forUpdate: true });
    if (row.dmp_status !== 'rejected') throw new MaternityError('conflict', "Seul un document refusé par le DMP peut être renvoyé");
    await client.query("UPDATE connector_outbox SET status = 'pending', attempts = 0, next_attempt_at = $2, last_error = NULL, done_at = NULL WHERE document_id = $1 AND kind = 'dmp_deposit'", [id, ctx.now()]);
    await client.query("UPDATE clinical_document SET dmp_status = 'queued', dmp_detail = NULL WHERE id = $1", [id]);
    await recordStaffEvent(client, staff, 'retry-deposit', `document:${id}`, 'ok');
    return summaryOf(await loadDocument(client, id));
  });
}

export type { DocumentRow };
