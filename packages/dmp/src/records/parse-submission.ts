import { IssueCollector, FhirError } from '../fhir/fhir-error.js';
import { codings, field, list, text } from '../fhir/json-access.js';
import { isObject } from '../fhir/fhir-types.js';
import { dataOf, decodeData } from './base64-data.js';
import { parseDocumentReference, parsePatient, type DocumentMetadata } from './document-metadata.js';
import type { Submission, SubmittedDocument } from './deposit-documents.js';

/** A PATCH entry of a transaction bundle (e.g. the old version set to superseded in the PDSm replacement example). */
export interface BundlePatchEntry {
  readonly index: number;
  readonly url: string;
  readonly resource: unknown;
}

export interface ParsedTransaction {
  readonly submission: Submission;
  /** fullUrl of each document's entry, in order, for the response. */
  readonly documentEntries: readonly { readonly entryIndex: number; readonly binaryIndex: number }[];
  readonly submissionSetIndex: number;
  readonly patches: readonly BundlePatchEntry[];
  readonly entryCount: number;
}

const MHD_LIST_TYPES = 'https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes';
const SOURCE_ID = 'https://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-sourceId';

/**
 * Parses an IHE ITI-65 Provide Document Bundle (PDSm profile): a `transaction` Bundle with one
 * SubmissionSet List, DocumentReferences, one Binary for each, and optionally PATCH entries on
 * replaced documents. Every problem found is reported in one OperationOutcome (422, or 400 for
 * a body that is not such a bundle at all).
 */
export function parseProvideBundle(body: unknown): ParsedTransaction {
  if (!isObject(body) || body.resourceType !== 'Bundle') throw FhirError.of(400, 'structure', 'ITI-65 expects a Bundle');
  if (body.type !== 'transaction') throw FhirError.of(400, 'structure', `the Bundle must be of type "transaction", not "${String(body.type)}"`, 'Bundle.type');
  const entries = list(body, 'entry');
  if (entries.length === 0) throw FhirError.of(400, 'structure', 'the transaction has no entry', 'Bundle.entry');
  if (entries.length > 1000) throw FhirError.of(413, 'too-costly', 'at most 1000 entries in one transaction', 'Bundle.entry');
  const issues = new IssueCollector();
  const byFullUrl = new Map<string, number>();
  let listIndex = -1;
  const docIndexes: number[] = [];
  const binaries = new Map<string, number>();
  const patches: BundlePatchEntry[] = [];
  entries.forEach((entry, index) => {
    const at = `Bundle.entry[${index}]`;
    const fullUrl = text(entry, 'fullUrl');
    const resource = field(entry, 'resource');
    const method = text(field(entry, 'request'), 'method');
    const url = text(field(entry, 'request'), 'url') ?? '';
    if (fullUrl) {
      if (byFullUrl.has(fullUrl)) issues.add('invariant', `fullUrl ${fullUrl} appears twice`, `${at}.fullUrl`);
      byFullUrl.set(fullUrl, index);
    }
    const type = text(resource, 'resourceType');
    if (method === 'PATCH') {
      if (!/^DocumentReference(\/[0-9a-f-]{36}|\?identifier=.+)$/.test(url)) issues.add('not-supported', `PATCH is supported on DocumentReference/{id} or DocumentReference?identifier=, not ${url}`, `${at}.request.url`);
      patches.push({ index, url, resource });
      return;
    }
    if (method !== 'POST') {
      issues.add('not-supported', `entry method ${method ?? '(none)'} is not supported in ITI-65 (POST, and PATCH on replaced documents)`, `${at}.request.method`);
      return;
    }
    if (!fullUrl) issues.add('required', 'each POST entry needs a fullUrl', `${at}.fullUrl`);
    if (type === 'List') {
      if (listIndex >= 0) issues.add('invariant', 'exactly one SubmissionSet List is expected', at);
      listIndex = index;
    } else if (type === 'DocumentReference') docIndexes.push(index);
    else if (type === 'Binary') {
      if (fullUrl) binaries.set(fullUrl, index);
    } else issues.add('not-supported', `resource type ${type ?? '(none)'} is not part of an ITI-65 submission`, `${at}.resource`);
  });
  if (listIndex < 0) issues.add('required', 'the transaction has no SubmissionSet (List with code submissionset)', 'Bundle.entry');
  if (docIndexes.length === 0) issues.add('required', 'the transaction has no DocumentReference', 'Bundle.entry');

  // SubmissionSet
  let submissionSet: Submission['submissionSet'];
  let setIns: string | undefined;
  if (listIndex >= 0) {
    const at = `Bundle.entry[${listIndex}].resource`;
    const listResource = field(entries[listIndex], 'resource');
    const code = codings(field(listResource, 'code')).find((c) => c.system === MHD_LIST_TYPES)?.code;
    if (code !== 'submissionset') issues.add('code-invalid', 'the List must have code submissionset (MHDlistTypes)', `${at}.code`);
    const contained = containedMap(listResource);
    const ins = parsePatient(field(listResource, 'subject'), contained, issues, `${at}.subject`);
    setIns = ins?.value;
    const uniqueId =
      list(listResource, 'identifier').map((i) => text(i, 'value')).find((v): v is string => Boolean(v)) ??
      `${text(entries[listIndex], 'fullUrl') ?? ''}`;
    const sourceId = text(field(list(listResource, 'extension').find((e) => text(e, 'url') === SOURCE_ID), 'valueIdentifier'), 'value');
    if (!uniqueId) issues.add('required', 'the SubmissionSet needs an identifier (uniqueId)', `${at}.identifier`);
    const items = list(listResource, 'entry').map((e) => text(field(e, 'item'), 'reference'));
    for (const docIndex of docIndexes) {
      const docUrl = text(entries[docIndex], 'fullUrl');
      if (docUrl && !items.includes(docUrl)) issues.add('invariant', `the SubmissionSet does not list the DocumentReference ${docUrl}`, `${at}.entry`);
    }
    if (isObject(listResource)) submissionSet = { uniqueId, ...(sourceId ? { sourceId } : {}), resource: listResource };
  }

  // Documents and their Binaries
  const documents: SubmittedDocument[] = [];
  const documentEntries: { entryIndex: number; binaryIndex: number }[] = [];
  const usedBinaries = new Set<number>();
  for (const docIndex of docIndexes) {
    const at = `Bundle.entry[${docIndex}].resource`;
    const resource = field(entries[docIndex], 'resource');
    const meta = parseDocumentReference(resource, 'iti-65', issues, at);
    const contentUrl = text(field(list(resource, 'content')[0], 'attachment'), 'url');
    const binaryIndex = contentUrl !== undefined ? binaries.get(contentUrl) : undefined;
    if (contentUrl !== undefined && binaryIndex === undefined) issues.add('invariant', `content.attachment.url ${contentUrl} names no Binary of the bundle`, `${at}.content[0].attachment.url`);
    if (binaryIndex !== undefined) usedBinaries.add(binaryIndex);
    const content = binaryIndex !== undefined ? binaryContent(field(entries[binaryIndex], 'resource'), meta, issues, `Bundle.entry[${binaryIndex}].resource`) : undefined;
    if (meta && setIns && meta.ins.value !== setIns) issues.add('invariant', 'every document of a submission is about the SubmissionSet’s patient', `${at}.subject`);
    if (meta && content && binaryIndex !== undefined && isObject(resource)) {
      documents.push({ meta, content, resource });
      documentEntries.push({ entryIndex: docIndex, binaryIndex });
    }
  }
  for (const [url, index] of binaries) {
    if (!usedBinaries.has(index)) issues.add('invariant', `the Binary ${url} is not the content of any DocumentReference`, `Bundle.entry[${index}]`);
  }
  const uniqueIds = documents.map((d) => d.meta.uniqueId);
  if (new Set(uniqueIds).size !== uniqueIds.length) issues.add('invariant', 'two documents of the submission share a unique id', 'Bundle.entry');
  issues.throwIfAny(422);
  return {
    submission: { ins: setIns!, ...(submissionSet ? { submissionSet } : {}), documents },
    documentEntries,
    submissionSetIndex: listIndex,
    patches,
    entryCount: entries.length,
  };
}

/** Parses an ITI-105 simplified publish (a DocumentReference with its content inline). */
export function parseSimplifiedPublish(body: unknown): Submission {
  if (!isObject(body) || body.resourceType !== 'DocumentReference') throw FhirError.of(400, 'structure', 'ITI-105 expects a DocumentReference');
  const issues = new IssueCollector();
  const meta = parseDocumentReference(body, 'iti-105', issues);
  issues.throwIfAny(422);
  return { ins: meta!.ins.value, documents: [{ meta: meta!, content: meta!.inlineData!, resource: body }] };
}

function binaryContent(resource: unknown, meta: DocumentMetadata | undefined, issues: IssueCollector, at: string): Buffer | undefined {
  if (text(resource, 'resourceType') !== 'Binary') {
    issues.add('structure', 'the content entry must be a Binary', at);
    return undefined;
  }
  const data = dataOf(resource);
  const contentType = text(resource, 'contentType');
  if (data === undefined) {
    issues.add('required', 'Binary.data is required', `${at}.data`);
    return undefined;
  }
  const decoded = decodeData(data);
  if (!decoded) {
    issues.add('value', 'Binary.data is not base64', `${at}.data`);
    return undefined;
  }
  if (meta && contentType && contentType !== meta.mimeType) {
    issues.add('invariant', `Binary.contentType ${contentType} differs from the DocumentReference's ${meta.mimeType}`, `${at}.contentType`);
  }
  return decoded;
}

function containedMap(resource: unknown): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (const item of list(resource, 'contained')) {
    const id = text(item, 'id');
    if (id) map.set(`#${id}`, item);
  }
  return map;
}
