import { ASSERTED_PATIENT_REASON, ASSERTED_PATIENT_RULE, assertsOtherPatient } from './asserted-patient.js';
import jsonpatch, { type Operation } from 'fast-json-patch';
import { decide } from '../access/index.js';
import type { Action, VisibilityFlag } from '../access/types.js';
import type { HostServices, RequestContext } from '../context.js';
import { inTransaction } from '../db/database.js';
import { FhirError } from '../fhir/fhir-error.js';
import { codings, field, list, text } from '../fhir/json-access.js';
import { auditInTransaction, recordAudit, type AuditFacts } from './audit-trail.js';
import { documentAccessState } from './deposit-documents.js';
import { ARCHIVE_EXTENSION, DOCUMENT_COLUMNS, presentDocumentReference, type DocumentRow } from './document-presenter.js';
import { loadRecord } from './record-repository.js';

const VISIBILITY_OID_URL = ['urn:oid:1.2.250.1.213.1.1.4.13', 'https://mos.esante.gouv.fr/NOS/TRE_A07-StatutVisibiliteDocument/FHIR/TRE-A07-StatutVisibiliteDocument'];
const CONFIDENTIALITY_SYSTEMS = ['http://terminology.hl7.org/CodeSystem/v3-Confidentiality', 'urn:oid:2.16.840.1.113883.5.25'];
const FLAGS: readonly VisibilityFlag[] = ['MASQUE_PS', 'INVISIBLE_PATIENT', 'INVISIBLE_REPRESENTANTS_LEGAUX'];

/** A patch as received: JSON Patch operations, or a FHIRPath Patch `Parameters` resource. */
export type DocumentPatch = { kind: 'json-patch'; operations: unknown } | { kind: 'fhirpath-patch'; parameters: unknown };

/** The part of a document a PATCH may change (PDSm): status, visibility labels, the archive flag. */
interface MutableState {
  status: string;
  visibility: VisibilityFlag[];
  confidentiality: string[];
  archived: boolean;
}

/**
 * Applies a conditional PATCH (PDSm) to a document: masking and unmasking (MASQUE_PS), lifting or
 * setting INVISIBLE_PATIENT / INVISIBLE_REPRESENTANTS_LEGAUX, archiving, and logical deletion
 * (status `entered-in-error`, author only). Each change is decided on its own; all or nothing;
 * audited in the same transaction. Returns the updated DocumentReference.
 */
export async function updateDocument(
  ctx: RequestContext,
  services: HostServices,
  documentId: string,
  patch: DocumentPatch,
  ifMatchVersion?: number,
  /** The answer when the document does not exist or the caller may not see it (the same for both). */
  notFound = `no document ${documentId}`,
): Promise<Record<string, unknown>> {
  type Row = DocumentRow & { type_code: string; class_code: string; author_id: string };
  let refused: { rule: string; reason: string; ins: string; action: Action | 'document.update'; uniqueId: string } | undefined;
  const updated = await inTransaction(services.pool, async (client) => {
    const found = await client.query<Row>({ text: `SELECT ${DOCUMENT_COLUMNS} FROM document d WHERE d.id = $1 FOR UPDATE`, values: [documentId] });
    const row = found.rows[0];
    if (!row) throw FhirError.of(404, 'not-found', notFound);
    if (assertsOtherPatient(ctx, row.ins)) {
      refused = { rule: ASSERTED_PATIENT_RULE, reason: ASSERTED_PATIENT_REASON, ins: row.ins, action: 'document.update', uniqueId: row.unique_id };
      throw FhirError.of(403, 'forbidden', ASSERTED_PATIENT_REASON);
    }
    const record = await loadRecord(client, row.ins, 'share');
    if (!record) throw FhirError.of(404, 'not-found', notFound);
    // A document the caller may neither read nor act on as its author is answered as not found, as
    // a read would be, so that neither its existence nor its version leaks (an administrator acts
    // for the patient and reads nothing; each change is decided below).
    if (ctx.actor.kind !== 'administrator') {
      const context = { mode: ctx.mode, ...(ctx.reason ? { reason: ctx.reason } : {}), document: documentAccessState(row) };
      const read = decide(ctx.actor, 'document.read', record, context);
      if (!read.allowed && !decide(ctx.actor, 'document.archive', record, context).allowed) {
        refused = { rule: read.rule, reason: read.reason, ins: row.ins, action: 'document.update', uniqueId: row.unique_id };
        throw FhirError.of(404, 'not-found', notFound);
      }
    }
    if (ifMatchVersion !== undefined && ifMatchVersion !== row.version) {
      throw FhirError.of(412, 'conflict', `the document is at version ${row.version}, not ${ifMatchVersion}`);
    }
    const before: MutableState = { status: row.status, visibility: row.visibility as VisibilityFlag[], confidentiality: row.confidentiality, archived: row.archived };
    const after = applyPatch(presentDocumentReference(row, services.fhirBase), patch);
    const actions = changes(before, after);
    if (actions.length === 0) return row;
    const facts: AuditFacts[] = [];
    for (const change of actions) {
      const decision = decide(ctx.actor, change.action, record, {
        mode: ctx.mode,
        ...(ctx.reason ? { reason: ctx.reason } : {}),
        document: documentAccessState(row),
      });
      if (!decision.allowed) {
        refused = { rule: decision.rule, reason: decision.reason, ins: row.ins, action: change.action, uniqueId: row.unique_id };
        throw FhirError.of(403, 'forbidden', `${change.description} refused: ${decision.reason}`);
      }
      facts.push({ action: change.action, outcome: 'allowed', rule: decision.rule, ins: row.ins, documentId: row.id, documentUniqueId: row.unique_id, details: { change: change.description } });
    }
    const result = await client.query<Row>({
      text: `UPDATE document d SET status = $2, visibility = $3, archived = $4, version = version + 1 WHERE d.id = $1 RETURNING ${DOCUMENT_COLUMNS}`,
      values: [row.id, after.status, after.visibility, after.archived],
    });
    await auditInTransaction(client, ctx, facts);
    return result.rows[0]!;
  }).catch(async (error: unknown) => {
    if (refused) {
      await recordAudit(services, ctx, {
        action: refused.action,
        outcome: 'denied',
        rule: refused.rule,
        ins: refused.ins,
        documentId,
        documentUniqueId: refused.uniqueId,
        details: { reason: refused.reason },
      });
    }
    throw error;
  });
  return presentDocumentReference(updated, services.fhirBase);
}

/** What changed, as the actions the access rules know. */
function changes(before: MutableState, after: MutableState): { action: Action; description: string }[] {
  const result: { action: Action; description: string }[] = [];
  if (after.confidentiality.join() !== before.confidentiality.join()) {
    throw FhirError.of(422, 'not-supported', 'the HL7 confidentiality code of a deposited document cannot be changed; deposit a new version');
  }
  if (after.status !== before.status) {
    if (before.status === 'current' && after.status === 'entered-in-error') result.push({ action: 'document.delete', description: 'logical deletion' });
    else if (before.status === 'current' && after.status === 'superseded') {
      throw FhirError.of(422, 'business-rule', 'a document becomes superseded only when a new version replacing it is deposited (relatesTo replaces)');
    } else throw FhirError.of(422, 'value', `status cannot change from ${before.status} to ${after.status}`);
  }
  for (const flag of FLAGS) {
    const had = before.visibility.includes(flag);
    const has = after.visibility.includes(flag);
    if (had === has) continue;
    if (flag === 'MASQUE_PS') result.push(has ? { action: 'document.mask', description: 'masking from professionals' } : { action: 'document.unmask', description: 'unmasking' });
    else result.push({ action: 'document.set-visibility', description: `${has ? 'setting' : 'lifting'} ${flag}` });
  }
  if (after.archived !== before.archived) result.push({ action: 'document.archive', description: after.archived ? 'archiving' : 'unarchiving' });
  return result;
}

/** Applies the patch to the presented resource and reads back the mutable state, rejecting anything else. */
function applyPatch(resource: Record<string, unknown>, patch: DocumentPatch): MutableState {
  let patched: unknown;
  if (patch.kind === 'json-patch') {
    if (!Array.isArray(patch.operations)) throw FhirError.of(400, 'structure', 'a JSON Patch body is an array of operations');
    const operations = patch.operations as Operation[];
    for (const [index, op] of operations.entries()) {
      const path = text(op, 'path') ?? '';
      if (!/^\/(status|securityLabel|extension)(\/|$)/.test(path)) {
        throw FhirError.of(422, 'not-supported', `operation ${index}: only /status, /securityLabel and /extension (archive) may be patched, not ${path || '(no path)'}`);
      }
    }
    try {
      // validate() throws (rather than returns) for some paths, e.g. through __proto__
      const validation = jsonpatch.validate(operations, resource);
      if (validation) throw validation;
      patched = jsonpatch.applyPatch(structuredClone(resource), operations, false, false).newDocument;
    } catch (error) {
      throw FhirError.of(422, 'invalid', `JSON Patch: ${error instanceof Error ? error.message.split('\n')[0] : 'not applicable'}`);
    }
  } else {
    patched = applyFhirPathPatch(structuredClone(resource), patch.parameters);
  }
  const status = text(patched, 'status') ?? '';
  const visibility: VisibilityFlag[] = [];
  const confidentiality: string[] = [];
  for (const label of list(patched, 'securityLabel')) {
    for (const coding of codings(label)) {
      if (VISIBILITY_OID_URL.includes(coding.system) && (FLAGS as readonly string[]).includes(coding.code)) {
        if (!visibility.includes(coding.code as VisibilityFlag)) visibility.push(coding.code as VisibilityFlag);
      } else if (CONFIDENTIALITY_SYSTEMS.includes(coding.system) && ['N', 'R', 'V'].includes(coding.code)) confidentiality.push(coding.code);
      else throw FhirError.of(422, 'code-invalid', `securityLabel ${coding.system}|${coding.code} is not a DMP visibility or confidentiality code (JDV_J58)`);
    }
  }
  const archived = list(patched, 'extension').some((e) => text(e, 'url') === ARCHIVE_EXTENSION && field(e, 'valueBoolean') === true);
  return { status, visibility, confidentiality, archived };
}

/**
 * FHIRPath Patch (a Parameters resource) restricted to what PDSm uses on DocumentReference:
 * replace `DocumentReference.status`; add/delete on `DocumentReference.securityLabel`
 * (delete by `.where(coding.code='X')`); add/delete of the archive extension.
 */
function applyFhirPathPatch(resource: Record<string, unknown>, parameters: unknown): Record<string, unknown> {
  if (text(parameters, 'resourceType') !== 'Parameters') throw FhirError.of(400, 'structure', 'a FHIRPath Patch is a Parameters resource');
  for (const [index, operation] of list(parameters, 'parameter').entries()) {
    if (text(operation, 'name') !== 'operation') throw FhirError.of(422, 'invalid', `parameter ${index} is not an operation`);
    const parts = new Map(list(operation, 'part').map((p) => [text(p, 'name') ?? '', p]));
    const type = text(parts.get('type'), 'valueCode');
    const path = text(parts.get('path'), 'valueString') ?? '';
    const name = text(parts.get('name'), 'valueString');
    const value = parts.get('value');
    if (type === 'replace' && path === 'DocumentReference.status') {
      const code = text(value, 'valueCode');
      if (!code) throw FhirError.of(422, 'required', `operation ${index}: replace status needs a valueCode`);
      resource.status = code;
    } else if (type === 'add' && path === 'DocumentReference' && name === 'securityLabel') {
      const concept = field(value, 'valueCodeableConcept') ?? (field(value, 'valueCoding') ? { coding: [field(value, 'valueCoding')] } : undefined);
      if (!concept) throw FhirError.of(422, 'required', `operation ${index}: add securityLabel needs a valueCodeableConcept`);
      resource.securityLabel = [...list(resource, 'securityLabel'), concept];
    } else if (type === 'delete' && path.startsWith('DocumentReference.securityLabel')) {
      const code = /\.where\(coding\.code\s*=\s*'([A-Z_]+)'\)$/.exec(path)?.[1];
      if (!code) throw FhirError.of(422, 'not-supported', `operation ${index}: delete securityLabel takes .where(coding.code='CODE')`);
      resource.securityLabel = list(resource, 'securityLabel').filter((label) => !codings(label).some((c) => c.code === code));
    } else if ((type === 'add' && path === 'DocumentReference' && name === 'extension') || (type === 'delete' && path.startsWith('DocumentReference.extension'))) {
      if (type === 'add') {
        const url = text(list(value, 'part').find((p) => text(p, 'name') === 'url'), 'valueUri') ?? text(field(value, 'valueExtension'), 'url');
        if (url !== ARCHIVE_EXTENSION) throw FhirError.of(422, 'not-supported', `operation ${index}: only the archive extension ${ARCHIVE_EXTENSION} may be added`);
        resource.extension = [...list(resource, 'extension'), { url: ARCHIVE_EXTENSION, valueBoolean: true }];
      } else {
        resource.extension = list(resource, 'extension').filter((e) => text(e, 'url') !== ARCHIVE_EXTENSION);
      }
    } else {
      throw FhirError.of(422, 'not-supported', `operation ${index}: ${type ?? '(no type)'} on ${path || '(no path)'} is not supported on a DocumentReference`);
    }
  }
  return resource;
}
