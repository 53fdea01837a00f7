import { checkAssertedPatient } from './asserted-patient.js';
import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { decide } from '../access/index.js';
import type { DocumentAccessState, VisibilityFlag } from '../access/types.js';
import { inTransaction } from '../db/database.js';
import type { HostServices, RequestContext } from '../context.js';
import { FhirError } from '../fhir/fhir-error.js';
import { sealContent } from './content-crypto.js';
import type { DocumentMetadata } from './document-metadata.js';
import { canonicalCodings } from './document-presenter.js';
import { presentationOf } from './document-presentation.js';
import { loadRecord, type StoredRecord } from './record-repository.js';
import { recordAudit, auditInTransaction, type AuditFacts } from './audit-trail.js';

/** One document of a submission, parsed and with its content. */
export interface SubmittedDocument {
  readonly meta: DocumentMetadata;
  readonly content: Buffer;
  /** The DocumentReference as submitted (stored without inline data). */
  readonly resource: Record<string, unknown>;
}

/** A submission: an ITI-65 bundle (with its SubmissionSet) or an ITI-105 single document. */
export interface Submission {
  readonly ins: string;
  readonly submissionSet?: { readonly uniqueId: string; readonly sourceId?: string; readonly resource: Record<string, unknown> };
  readonly documents: readonly SubmittedDocument[];
}

export interface DepositResult {
  readonly submissionSetId?: string;
  /** Per document, in submission order: its id and whether it was created now or already there (idempotent resend). */
  readonly documents: readonly { readonly id: string; readonly created: boolean; readonly supersededId?: string }[];
}

/** Patient-set flags a new version inherits from the version it replaces (DOMAIN.md §3). */
const INHERITED_FLAGS: readonly VisibilityFlag[] = ['MASQUE_PS'];

/**
 * Deposits a submission atomically (IHE ITI-65 / ITI-105): the access decision, idempotency by
 * unique id, replacement (the old version becomes `superseded`), encrypted content, metadata and
 * the audit entries commit in one transaction, or nothing does. A refusal is audited on its own.
 */
export async function depositDocuments(ctx: RequestContext, services: HostServices, submission: Submission): Promise<DepositResult> {
  checkAssertedPatient(ctx, submission.ins);
  const hashes = submission.documents.map((doc) => verifyContent(doc));
  const attempt = () =>
    inTransaction(services.pool, async (client) => {
      const record = await loadRecord(client, submission.ins, 'share');
      if (!record) throw FhirError.of(404, 'not-found', `no DMP record for INS ${submission.ins}`, 'subject');
      for (const doc of submission.documents) {
        const decision = decide(ctx.actor, 'document.deposit', record, {
          mode: ctx.mode,
          ...(ctx.reason ? { reason: ctx.reason } : {}),
          depositTypeCode: doc.meta.type.code,
          depositClassCode: doc.meta.classCode,
        });
        if (!decision.allowed) throw new DepositRefused(decision.rule, decision.reason, doc.meta.uniqueId);
      }
      return await writeSubmission(client, ctx, services, record, submission, hashes);
    });
  try {
    try {
      return await attempt();
    } catch (error) {
      // The same unique id sent concurrently: the unique index (or the lock on the version being
      // replaced) made this transaction wait for the other one and fail only once that one
      // committed, so a second attempt sees its rows and answers as it did (same content), or 409
      // (other content, or another replacement of that version). Once is enough: committed rows stay.
      if (isUniqueViolation(error, 'document_unique_id_key') || isUniqueViolation(error, 'submission_set_unique_id_key') || error instanceof VersionNotCurrent) {
        return await attempt();
      }
      throw error;
    }
  } catch (error) {
    if (error instanceof DepositRefused) {
      await recordAudit(services, ctx, {
        action: 'document.deposit',
        outcome: 'denied',
        rule: error.rule,
        ins: submission.ins,
        documentUniqueId: error.uniqueId,
        details: { reason: error.reason },
      });
      throw FhirError.of(403, 'forbidden', `deposit refused: ${error.reason}`);
    }
    if (error instanceof VersionNotCurrent) throw FhirError.of(409, 'conflict', error.message);
    if (isUniqueViolation(error, 'document_replaced_once') || isSerializationFailure(error)) {
      throw FhirError.of(409, 'conflict', 'the document this one replaces was replaced concurrently; fetch its current version');
    }
    if (isUniqueViolation(error, 'document_unique_id_key') || isUniqueViolation(error, 'submission_set_unique_id_key')) {
      throw FhirError.of(409, 'conflict', 'a document with this unique id was deposited concurrently; send again to get its answer');
    }
    throw error;
  }
}

/** The version a document replaces is no longer current (replaced, possibly concurrently, or deleted). */
class VersionNotCurrent extends Error {}

class DepositRefused extends Error {
  constructor(
    readonly rule: string,
    readonly reason: string,
    readonly uniqueId: string,
  ) {
    super(reason);
  }
}

/** Checks declared size and SHA-1 against the content; returns the SHA-1 and the submission digest. */
function verifyContent(doc: SubmittedDocument): { sha1: string; digest: string } {
  const sha1 = createHash('sha1').update(doc.content).digest('base64');
  const problems: string[] = [];
  if (doc.meta.size !== undefined && doc.meta.size !== doc.content.length) {
    problems.push(`declared size ${doc.meta.size} but the content has ${doc.content.length} bytes`);
  }
  if (doc.meta.sha1 !== undefined && doc.meta.sha1 !== sha1) problems.push(`declared SHA-1 ${doc.meta.sha1} but the content's is ${sha1}`);
  if (problems.length > 0) {
    throw new FhirError(
      422,
      problems.map((p) => ({ severity: 'error' as const, code: 'invariant' as const, diagnostics: `document ${doc.meta.uniqueId}: ${p}` })),
    );
  }
  const digest = createHash('sha256').update(doc.meta.ins.value).update('\n').update(doc.meta.type.code).update('\n').update(doc.content).digest('hex');
  return { sha1, digest };
}

async function writeSubmission(
  client: pg.PoolClient,
  ctx: RequestContext,
  services: HostServices,
  record: StoredRecord,
  submission: Submission,
  hashes: { sha1: string; digest: string }[],
): Promise<DepositResult> {
  const facts: AuditFacts[] = [];
  let submissionSetId: string | undefined;
  if (submission.submissionSet) {
    const existing = await client.query<{ id: string }>('SELECT id FROM submission_set WHERE unique_id = $1', [submission.submissionSet.uniqueId]);
    submissionSetId = existing.rows[0]?.id;
    if (!submissionSetId) {
      submissionSetId = randomUUID();
      await client.query(
        'INSERT INTO submission_set (id, ins, unique_id, source_id, author_id, resource) VALUES ($1, $2, $3, $4, $5, $6)',
        [submissionSetId, record.ins, submission.submissionSet.uniqueId, submission.submissionSet.sourceId ?? null, submission.documents[0]?.meta.author.nationalId ?? null, submission.submissionSet.resource],
      );
    }
  }
  const results: { id: string; created: boolean; supersededId?: string }[] = [];
  const notified: { id: string; visibility: VisibilityFlag[] }[] = [];
  for (const [index, doc] of submission.documents.entries()) {
    const hash = hashes[index]!;
    const existing = await client.query<{ id: string; submission_digest: string; ins: string }>(
      { name: 'document-by-unique-id', text: 'SELECT id, submission_digest, ins FROM document WHERE unique_id = $1', values: [doc.meta.uniqueId] },
    );
    const found = existing.rows[0];
    if (found) {
      if (found.submission_digest !== hash.digest || found.ins !== record.ins) {
        throw FhirError.of(409, 'duplicate', `document unique id ${doc.meta.uniqueId} was already deposited with other content`);
      }
      results.push({ id: found.id, created: false });
      continue;
    }
    const id = randomUUID();
    let visibility = [...doc.meta.visibility];
    let supersededId: string | undefined;
    if (doc.meta.replaces) {
      const old = await supersede(client, record.ins, doc.meta.replaces);
      supersededId = old.id;
      for (const flag of INHERITED_FLAGS) if (old.visibility.includes(flag) && !visibility.includes(flag)) visibility = [...visibility, flag];
    }
    const meta = doc.meta;
    const resource = storedResource(doc.resource);
    const depositedAt = new Date();
    const presentation = presentationOf(resource, {
      size: doc.content.length,
      sha1: hash.sha1,
      mimeType: meta.mimeType,
      depositedAt,
      replaces: supersededId ?? null,
      classCode: meta.classCode,
    });
    await client.query({
      name: 'insert-document',
      text: INSERT_DOCUMENT,
      values: [
        id, record.ins, meta.uniqueId, submissionSetId ?? null, meta.type.code, meta.classCode, meta.format.code, meta.confidentiality, visibility,
        meta.author.nationalId, meta.author.givenName ?? null, meta.author.familyName ?? null, meta.facilityType.code, meta.practiceSetting.code,
        meta.date ?? null, meta.periodStart ?? null, meta.periodEnd ?? null, meta.mimeType, doc.content.length, hash.sha1, hash.digest,
        supersededId ?? null, resource, depositedAt, presentation,
      ],
    });
    const sealed = sealContent(doc.content, services.masterKey, id);
    await client.query({
      name: 'insert-content',
      text: 'INSERT INTO document_content (document_id, wrapped_key, iv, tag, ciphertext) VALUES ($1, $2, $3, $4, $5)',
      values: [id, sealed.wrappedKey, sealed.iv, sealed.tag, sealed.ciphertext],
    });
    facts.push({
      action: 'document.deposit',
      outcome: 'allowed',
      rule: 'deposit',
      ins: record.ins,
      documentId: id,
      documentUniqueId: meta.uniqueId,
      details: { type: meta.type.code, ...(supersededId ? { replaces: supersededId } : {}) },
    });
    results.push({ id, created: true, ...(supersededId ? { supersededId } : {}) });
    notified.push({ id, visibility });
  }
  if (facts.length > 0) await auditInTransaction(client, ctx, facts);
  if (services.notifier && notified.length > 0) {
    // queued with the deposit (the outbox is durable), but a failure to queue never fails the deposit
    await client.query('SAVEPOINT notify');
    try {
      await services.notifier.documentsDeposited(client, ctx, record.ins, notified);
      await client.query('RELEASE SAVEPOINT notify');
    } catch {
      await client.query('ROLLBACK TO SAVEPOINT notify');
    }
  }
  return { ...(submissionSetId ? { submissionSetId } : {}), documents: results };
}

/** Inserts a document row (values in this order; status `current`). */
export const INSERT_DOCUMENT = `INSERT INTO document (id, ins, unique_id, submission_set_id, status, type_code, class_code, format_code, confidentiality, visibility,
               author_id, author_given, author_family, facility_type, practice_setting, document_date, period_start, period_end,
               mime_type, size, sha1, submission_digest, replaces, resource, deposited_at, presentation)
             VALUES ($1,$2,$3,$4,'current',$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25)`;

/** Marks the replaced version superseded; a version already superseded (a concurrent replacement) is a conflict. */
async function supersede(client: pg.PoolClient, ins: string, reference: string): Promise<{ id: string; visibility: VisibilityFlag[] }> {
  const id = /^(?:.*\/)?DocumentReference\/([0-9a-f-]{36})$/.exec(reference)?.[1];
  const byId = id
    ? await client.query<{ id: string; status: string; ins: string; visibility: VisibilityFlag[] }>('SELECT id, status, ins, visibility FROM document WHERE id = $1 FOR UPDATE', [id])
    : await client.query<{ id: string; status: string; ins: string; visibility: VisibilityFlag[] }>(
        'SELECT id, status, ins, visibility FROM document WHERE unique_id = $1 FOR UPDATE',
        [reference.replace(/^DocumentReference\?identifier=(urn:ietf:rfc:3986\|)?/, '')],
      );
  const old = byId.rows[0];
  if (!old || old.ins !== ins) throw FhirError.of(422, 'not-found', `relatesTo: the replaced document ${reference} is not in this patient's record`, 'DocumentReference.relatesTo');
  if (old.status !== 'current') throw new VersionNotCurrent(`the document ${reference} is ${old.status}; only the current version can be replaced`);
  await client.query("UPDATE document SET status = 'superseded', version = version + 1 WHERE id = $1", [old.id]);
  return { id: old.id, visibility: old.visibility };
}

/** The DocumentReference as stored: inline data removed (the content lives encrypted apart), French code systems as the ANS URLs. */
function storedResource(resource: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(resource);
  canonicalCodings(copy);
  const contents = Array.isArray(copy.content) ? copy.content : [];
  for (const content of contents) {
    const attachment = (content as { attachment?: Record<string, unknown> }).attachment;
    if (attachment) delete attachment.data;
  }
  return copy;
}

/** Shapes a document row for the access rules. */
export function documentAccessState(row: { type_code: string; class_code: string; visibility: string[]; author_id: string; status: string; archived: boolean }): DocumentAccessState {
  return {
    typeCode: row.type_code,
    classCode: row.class_code,
    visibility: new Set(row.visibility as VisibilityFlag[]),
    authorId: row.author_id,
    status: row.archived ? 'archived' : (row.status as DocumentAccessState['status']),
  };
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505' && (error as { constraint?: string }).constraint === constraint;
}

function isSerializationFailure(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined;
  return code === '40001' || code === '40P01';
}
