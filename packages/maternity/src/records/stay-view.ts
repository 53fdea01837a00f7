import type { MaternityContext, StaffMember } from '../context.js';
import { documentsOfStay, type DocumentSummary } from './documents.js';
import { loadPatient, newbornsOf, type PatientRecord } from './patients.js';
import { latestReports, type ReportKind, type ReportRecord } from './reports.js';
import { recordStaffEvent } from './staff-events.js';
import { loadStay, type StayRecord } from './stays.js';

/** A letter sent (or to send) by MSS, as the staff see it: to whom (kind), and where it stands. */
export interface LetterDelivery {
  readonly documentId: string;
  readonly recipientKind: string;
  readonly status: 'pending' | 'done' | 'failed' | 'cancelled';
  readonly attempts: number;
  readonly lastError?: string;
  readonly doneAt?: string;
}

/** Everything the staff see of a stay. */
export interface StayView {
  readonly stay: StayRecord;
  readonly mother: PatientRecord;
  readonly newborns: readonly PatientRecord[];
  readonly reports: Partial<Record<ReportKind, ReportRecord>>;
  readonly documents: readonly DocumentSummary[];
  readonly letters: readonly LetterDelivery[];
}

/** Loads a stay for a staff member (the read is logged). */
export async function stayView(ctx: MaternityContext, staff: StaffMember, stayId: string): Promise<StayView> {
  const stay = await loadStay(ctx.pool, ctx.masterKey, stayId);
  const [mother, reports, documents, letters] = await Promise.all([
    loadPatient(ctx.pool, ctx.masterKey, stay.patientId),
    latestReports(ctx.pool, ctx.masterKey, stayId),
    documentsOfStay(ctx.pool, stayId),
    ctx.pool.query<{ document_id: string; recipient_kind: string; status: LetterDelivery['status']; attempts: number; last_error: string | null; done_at: Date | null }>(
      "SELECT o.document_id, o.recipient_kind, o.status, o.attempts, o.last_error, o.done_at FROM connector_outbox o JOIN clinical_document d ON d.id = o.document_id WHERE d.stay_id = $1 AND o.kind = 'mss_letter' ORDER BY o.id",
      [stayId],
    ),
  ]);
  const newborns = await newbornsOf(ctx.pool, ctx.masterKey, mother.id);
  await recordStaffEvent(ctx.pool, staff, 'read:stay', `stay:${stayId}`, 'ok');
  return {
    stay,
    mother,
    newborns,
    reports,
    documents,
    letters: letters.rows.map((row) => ({
      documentId: row.document_id,
      recipientKind: row.recipient_kind,
      status: row.status,
      attempts: row.attempts,
      ...(row.last_error ? { lastError: row.last_error } : {}),
      ...(row.done_at ? { doneAt: row.done_at.toISOString() } : {}),
    })),
  };
}
