import { checkAssertedPatient } from './asserted-patient.js';
import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { decide } from '../access/index.js';
import type { DocumentAccessState, VisibilityFlag } from '../access/types.js';
import { inTransaction } from '../db/database.js';
import type { HostServices, RequestContext } from '../context.js';
import { FhirError } from '../fhir/fhir-error.js';
import { sealContent } from './content-crypto.js';
import { Base64Text } from '../fhir/json-body.js';
import type { DocumentMetadata } from './document-metadata.js';
import { canonicalCodings } from './document-presenter.js';
import { presentationOf } from './document-presentation.js';
import { loadRecord, type StoredRecord } from './record-repository.js';
import { recordAudit, auditInTransaction, auditRecordOf, type AuditFacts } from './audit-trail.js';
import { chainBatch, lockHeads } from '../audit/audit-log.js';
import { prepareRecord } from '../audit/audit-entry.js';

const INSERT_DOCUMENT_TEXT = `INSERT INTO document (id, ins, unique_id, submission_set_id, status, type_code, class_code, format_code, confidentiality, visibility,
               author_id, author_given, author_family, facility_type, practice_setting, document_date, period_start, period_end,
               mime_type, size, sha1, submission_digest, replaces, resource, deposited_at, presentation)
             VALUES ($1,$2,$3,$4,'current',$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25)`;

/** Inserts a document row (values in this order; status `current`). */
export const INSERT_DOCUMENT = INSERT_DOCUMENT_TEXT;

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
  await checkAssertedPatient(ctx, services, submission.ins, { action: 'document.deposit' });
  const hashes = submission.documents.map((doc) => verifyContent(doc));
  const attempt = () =>
    inTransaction(services.pool, async (client) => {
      const record = await loadRecord(client, submission.ins, 'share');
      decideDeposit(ctx, record, submission);
      return await writeSubmission(client, ctx, services, record!, submission, hashes);
    });
  try {
    try {
      // New documents (the usual case) go the short way; a resend or a replacement, the general one.
      if (submission.documents.every((doc) => !doc.meta.replaces)) {
        const result = await depositNew(ctx, services, submission, hashes);
        if (result) return result;
      }
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

/** Decides the deposit of each document of the submission on the record; throws the refusal (404 without a record). */
function decideDeposit(ctx: RequestContext, record: StoredRecord | undefined, submission: Submission): asserts record is StoredRecord {
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
}

/** Runs `send` (which issues queries without awaiting them) with the connection's socket corked, so they leave in one write. */
export function together<T>(client: pg.PoolClient, send: () => T): T {
  const stream = client.connection.stream;
  stream.cork();
  try {
    return send();
  } finally {
    stream.uncork();
  }
}

/** A document row and its sealed content, ready to insert. */
interface PreparedDocument {
  readonly id: string;
  /** INSERT_DOCUMENT's values. */
  readonly values: unknown[];
  readonly sealed: ReturnType<typeof sealContent>;
  readonly facts: AuditFacts;
  readonly visibility: VisibilityFlag[];
}

/** The row of a new document (replacing `supersededId`, if any, with the visibility it inherits). */
function prepareDocument(
  services: HostServices,
  record: StoredRecord,
  submissionSetId: string | undefined,
  doc: SubmittedDocument,
  hash: { sha1: string; digest: string },
  visibility: VisibilityFlag[],
  supersededId: string | undefined,
): PreparedDocument {
  const id = randomUUID();
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
  const values = [
    id, record.ins, meta.uniqueId, submissionSetId ?? null, meta.type.code, meta.classCode, meta.format.code, meta.confidentiality, visibility,
    meta.author.nationalId, meta.author.givenName ?? null, meta.author.familyName ?? null, meta.facilityType.code, meta.practiceSetting.code,
    meta.date ?? null, meta.periodStart ?? null, meta.periodEnd ?? null, meta.mimeType, doc.content.length, hash.sha1, hash.digest,
    supersededId ?? null, resource, depositedAt, presentation,
  ];
  const facts: AuditFacts = {
    action: 'document.deposit',
    outcome: 'allowed',
    rule: 'deposit',
    ins: record.ins,
    documentId: id,
    documentUniqueId: meta.uniqueId,
    details: { type: meta.type.code, ...(supersededId ? { replaces: supersededId } : {}) },
  };
  return { id, values, sealed: sealContent(doc.content, services.masterKey, id), facts, visibility };
}

/** A new document and its content in one statement; no row when its unique id is already there. */
export const INSERT_NEW_DOCUMENT = `WITH d AS (${INSERT_DOCUMENT_TEXT} ON CONFLICT (unique_id) DO NOTHING RETURNING id)
  INSERT INTO document_content (document_id, wrapped_key, iv, tag, ciphertext) SELECT id, $26::bytea, $27::bytea, $28::bytea, $29::bytea FROM d RETURNING document_id`;

/** A new submission set; no row when its unique id is already there. */
export const INSERT_NEW_SUBMISSION_SET =
  'INSERT INTO submission_set (id, ins, unique_id, source_id, author_id, resource) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (unique_id) DO NOTHING RETURNING id';

/**
 * A submission of new documents (none replacing another) in three round trips, the statements of
 * each sent together (the pool runs node-postgres in pipeline mode): BEGIN, the record FOR SHARE and
 * the head of the patient's audit chain FOR UPDATE; then the submission set, each document with its
 * content, their audit entries and the notifications; then COMMIT. The same rows, the same audit
 * entries and the same decisions as the general path, in one transaction.
 *
 * Returns undefined, having rolled back, when the submission turns out not to be new (a unique id
 * already there: a resend, or the same one being deposited concurrently) or a statement fails: the
 * general path then answers it as it always did.
 */
async function depositNew(ctx: RequestContext, services: HostServices, submission: Submission, hashes: { sha1: string; digest: string }[]): Promise<DepositResult | undefined> {
  const client = await services.pool.connect();
  if (!client.pipeline) {
    // one query at a time: the general path costs the same
    client.release();
    return undefined;
  }
  let release: Error | undefined;
  try {
    const [begun, loaded, locked] = together(client, () => [client.query('BEGIN'), loadRecord(client, submission.ins, 'share'), lockHeads(client, [submission.ins])] as const);
    const opened = await Promise.allSettled([begun, loaded, locked]);
    const rollback = async (): Promise<undefined> => {
      await client.query('ROLLBACK');
      return undefined;
    };
    if (opened.some((o) => o.status === 'rejected')) return await rollback();
    const record = (opened[1] as PromiseFulfilledResult<StoredRecord | undefined>).value;
    const heads = (opened[2] as PromiseFulfilledResult<Awaited<ReturnType<typeof lockHeads>>>).value;
    try {
      decideDeposit(ctx, record, submission);
    } catch (error) {
      await rollback();
      throw error;
    }
    const set = submission.submissionSet;
    const setId = set ? randomUUID() : undefined;
    const documents = submission.documents.map((doc, i) => prepareDocument(services, record, setId, doc, hashes[i]!, [...doc.meta.visibility], undefined));
    const batch = chainBatch(
      documents.map((d) => prepareRecord(auditRecordOf(ctx, d.facts))),
      heads,
    );
    const notifier = services.notifier;
    const sent = together(client, () => ({
      set: set
        ? client.query<{ id: string }>({
            name: 'insert-new-submission-set',
            text: INSERT_NEW_SUBMISSION_SET,
            values: [setId, record.ins, set.uniqueId, set.sourceId ?? null, submission.documents[0]?.meta.author.nationalId ?? null, set.resource],
          })
        : undefined,
      documents: documents.map((d) =>
        client.query<{ document_id: string }>({
          name: 'insert-new-document',
          text: INSERT_NEW_DOCUMENT,
          values: [...d.values, d.sealed.wrappedKey, d.sealed.iv, d.sealed.tag, d.sealed.ciphertext],
        }),
      ),
      audit: client.query(batch.query),
      savepoint: notifier ? client.query('SAVEPOINT notify') : undefined,
      // queued with the deposit (the outbox is durable), but a failure to queue never fails the deposit
      notified: notifier ? notifier.documentsDeposited(client, ctx, record.ins, documents.map((d) => ({ id: d.id, visibility: d.visibility }))) : undefined,
    }));
    const written = await Promise.allSettled([sent.set ?? Promise.resolve(undefined), ...sent.documents, sent.audit, sent.savepoint ?? Promise.resolve(undefined)]);
    const notified = await (sent.notified ?? Promise.resolve()).then(
      () => true,
      () => false,
    );
    const fulfilled = <T>(outcome: PromiseSettledResult<T> | undefined): T | undefined => (outcome?.status === 'fulfilled' ? outcome.value : undefined);
    const ok =
      written.every((o) => o.status === 'fulfilled') &&
      (!set || fulfilled(written[0] as PromiseSettledResult<pg.QueryResult<{ id: string }> | undefined>)?.rowCount === 1) &&
      written.slice(1, 1 + documents.length).every((o) => fulfilled(o as PromiseSettledResult<pg.QueryResult>)?.rowCount === 1) &&
      fulfilled(written[1 + documents.length] as PromiseSettledResult<pg.QueryResult>)?.rowCount === documents.length;
    if (!ok) return await rollback();
    const [, committed] = await Promise.all(
      together(client, () => [notifier ? client.query(notified ? 'RELEASE SAVEPOINT notify' : 'ROLLBACK TO SAVEPOINT notify') : Promise.resolve(undefined), client.query('COMMIT')] as const),
    );
    if (committed.command !== 'COMMIT') throw new Error(`deposit: the transaction ended with ${committed.command}`);
    return { ...(setId ? { submissionSetId: setId } : {}), documents: documents.map((d) => ({ id: d.id, created: true })) };
  } catch (error) {
    // the connection may be in any state: do not reuse it
    release = error instanceof Error ? error : new Error(String(error));
    if (error instanceof DepositRefused || error instanceof FhirError) release = undefined;
    throw error;
  } finally {
    client.release(release);
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
    let visibility = [...doc.meta.visibility];
    let supersededId: string | undefined;
    if (doc.meta.replaces) {
      const old = await supersede(client, record.ins, doc.meta.replaces);
      supersededId = old.id;
      for (const flag of INHERITED_FLAGS) if (old.visibility.includes(flag) && !visibility.includes(flag)) visibility = [...visibility, flag];
    }
    const prepared = prepareDocument(services, record, submissionSetId, doc, hash, visibility, supersededId);
    const id = prepared.id;
    await client.query({ name: 'insert-document', text: INSERT_DOCUMENT, values: prepared.values });
    await client.query({
      name: 'insert-content',
      text: 'INSERT INTO document_content (document_id, wrapped_key, iv, tag, ciphertext) VALUES ($1, $2, $3, $4, $5)',
      values: [id, prepared.sealed.wrappedKey, prepared.sealed.iv, prepared.sealed.tag, prepared.sealed.ciphertext],
    });
    facts.push(prepared.facts);
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
  // A long inline `data` is a Base64Text over the request body: left out of the copy, not cloned.
  const copy = JSON.parse(JSON.stringify(resource, withoutBase64Text)) as Record<string, unknown>;
  canonicalCodings(copy);
  const contents = Array.isArray(copy.content) ? copy.content : [];
  for (const content of contents) {
    const attachment = (content as { attachment?: Record<string, unknown> }).attachment;
    if (attachment) delete attachment.data;
  }
  return copy;
}

/** JSON.stringify replacer leaving out Base64Text (seen on its holder: the value given is already its toJSON). */
function withoutBase64Text(this: unknown, key: string, value: unknown): unknown {
  return (this as Record<string, unknown>)[key] instanceof Base64Text ? undefined : value;
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
