import { createHash, randomUUID } from 'node:crypto';
import { dmpDocumentType, typeLabel } from '@dmp/core';
import { queryHistory } from '../audit/index.js';
import type { HostServices, RequestContext } from '../context.js';
import { FhirError } from '../fhir/fhir-error.js';
import { depositDocuments } from '../records/deposit-documents.js';
import type { DocumentMetadata } from '../records/document-metadata.js';
import { findDocuments, readDocument } from '../records/read-documents.js';
import { updateDocument } from '../records/update-document.js';
import type { DocumentList, DocumentSummary, DocumentView, RecordPart, RecordSummary } from './api-contract.js';
import { viewCda } from './cda-view.js';
import { documentSummary } from './document-summary.js';
import { actorPhrase } from './history-sentences.js';
import { RECORD_PARTS } from './record-parts.js';

type Row = Parameters<typeof documentSummary>[0];

/** Everything the reader may see of the record (current and archived), newest first. */
async function visibleDocuments(ctx: RequestContext, services: HostServices, ins: string): Promise<Row[]> {
  const { rows } = await findDocuments(ctx, services, { ins, statuses: ['current'], includeArchived: true, date: [], period: [] }, { count: 1000, offset: 0 });
  return rows as Row[];
}

/** The home page: the six parts of the record (plus the patient's documents), counts and latest items. */
export async function recordSummary(ctx: RequestContext, services: HostServices, ins: string, status: 'open' | 'closed'): Promise<RecordSummary> {
  const summaries = (await visibleDocuments(ctx, services, ins)).map(documentSummary);
  const yearAgo = Date.now() - 365 * 24 * 3600 * 1000;
  return {
    ins,
    status,
    parts: RECORD_PARTS.map((part) => {
      const inPart = summaries.filter((d) => d.part === part && !d.archived && (part !== 'care-history' || !d.date || Date.parse(d.date) >= yearAgo));
      return { part, count: inPart.length, latest: inPart.slice(0, 3) };
    }),
  };
}

export interface DocumentFiltersInput {
  readonly part?: RecordPart;
  readonly type?: string;
  readonly author?: string;
  readonly from?: string;
  readonly to?: string;
  readonly q?: string;
  readonly offset: number;
  readonly count: number;
}

/** The documents list with the portal's filters (part, type, author, dates, words of the title). */
export async function listDocuments(ctx: RequestContext, services: HostServices, ins: string, filters: DocumentFiltersInput): Promise<DocumentList> {
  const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const all = (await visibleDocuments(ctx, services, ins)).map(documentSummary).filter(
    (d) =>
      (!filters.part || d.part === filters.part) &&
      (!filters.type || d.typeCode === filters.type) &&
      (!filters.author || fold(`${d.author.name} ${d.author.structure ?? ''}`).includes(fold(filters.author))) &&
      (!filters.from || (d.date !== undefined && d.date >= filters.from)) &&
      (!filters.to || (d.date !== undefined && d.date.slice(0, 10) <= filters.to)) &&
      (!filters.q || fold(`${d.title} ${d.typeLabel}`).includes(fold(filters.q))),
  );
  return { total: all.length, documents: all.slice(filters.offset, filters.offset + filters.count) };
}

/** How to show one document, and who has opened it. */
export async function viewDocument(ctx: RequestContext, services: HostServices, ins: string, id: string, contentUrl: string): Promise<DocumentView> {
  const { row, content } = await readDocument(ctx, services, id, true);
  if (row.ins !== ins) throw FhirError.of(404, 'not-found', 'no such document in this record');
  const document = documentSummary(row as Row);
  const seen = await queryHistory(services.pool, { partition: ins, documentId: id, action: ['document.retrieve', 'document.read'], outcome: 'allowed', limit: 200 });
  const seenBy = seen.entries
    .filter((e) => e.actor.kind === 'professional')
    .map((e) => ({ name: actorPhrase(e.actor, 'fr').name, ...(e.actor.profession ? { profession: e.actor.profession } : {}), at: e.recordedAt.toISOString() }));
  const base = { document, contentUrl, seenBy };
  if (row.mime_type === 'application/pdf') return { ...base, kind: 'pdf' };
  if (row.mime_type.startsWith('image/')) return { ...base, kind: 'image' };
  if (row.mime_type === 'text/xml' || row.mime_type === 'application/xml' || row.mime_type === 'application/hl7-v3+xml') {
    try {
      const cda = await viewCda(content!);
      if (cda.kind === 'html') return { ...base, kind: 'cda', html: cda.html };
      return { ...base, kind: cda.mediaType === 'application/pdf' ? 'pdf' : 'other' };
    } catch {
      return { ...base, kind: 'other' };
    }
  }
  if (row.mime_type.startsWith('text/plain')) return { ...base, kind: 'text' };
  return { ...base, kind: 'other' };
}

/** The bytes to show: the document's content, or the PDF a level-1 CDA carries. */
export async function documentContent(ctx: RequestContext, services: HostServices, ins: string, id: string): Promise<{ mimeType: string; content: Buffer; title: string }> {
  const { row, content } = await readDocument(ctx, services, id, true);
  if (row.ins !== ins) throw FhirError.of(404, 'not-found', 'no such document in this record');
  const title = documentSummary(row as Row).title;
  if (row.mime_type.endsWith('xml')) {
    try {
      const cda = await viewCda(content!);
      if (cda.kind === 'embedded') return { mimeType: cda.mediaType, content: cda.content, title };
    } catch {
      // not a CDA: served as it is
    }
  }
  return { mimeType: row.mime_type, content: content!, title };
}

/** Masks a document from professionals, or lifts the mask (the patient's decision). */
export async function setMasked(ctx: RequestContext, services: HostServices, ins: string, id: string, masked: boolean): Promise<DocumentSummary> {
  const label = { coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_A07-StatutVisibiliteDocument/FHIR/TRE-A07-StatutVisibiliteDocument', code: 'MASQUE_PS' }] };
  const operation = masked
    ? [{ name: 'type', valueCode: 'add' }, { name: 'path', valueString: 'DocumentReference' }, { name: 'name', valueString: 'securityLabel' }, { name: 'value', valueCodeableConcept: label }]
    : [{ name: 'type', valueCode: 'delete' }, { name: 'path', valueString: "DocumentReference.securityLabel.where(coding.code='MASQUE_PS')" }];
  const { row } = await readDocument(ctx, services, id, false);
  if (row.ins !== ins) throw FhirError.of(404, 'not-found', 'no such document in this record');
  if (row.visibility.includes('MASQUE_PS') !== masked) {
    await updateDocument(ctx, services, id, { kind: 'fhirpath-patch', parameters: { resourceType: 'Parameters', parameter: [{ name: 'operation', part: operation }] } });
  }
  const { row: updated } = await readDocument(ctx, services, id, false);
  return documentSummary(updated as Row);
}

/** File types a patient may add, with the DMP format code each travels with (JDV_J60). */
export const UPLOAD_TYPES: Readonly<Record<string, { format: string; magic: (b: Buffer) => boolean }>> = {
  'application/pdf': { format: 'urn:ihe:iti:xds-sd:pdf:2008', magic: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
  'image/jpeg': { format: 'urn:ihe:iti-fr:xds-sd:jpeg:2010', magic: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  'text/xml': { format: 'urn:asipSante:modelesHorsProfils:2011', magic: (b) => /^\s*(<\?xml[^>]*>\s*)?<([A-Za-z0-9_]+:)?ClinicalDocument[\s>]/.test(b.subarray(0, 512).toString('utf8')) },
};
export const UPLOAD_MAX_BYTES = 10 * 1024 * 1024;

/**
 * Adds the patient's own document (types DOCPAT01..09 and EXPPAT_1..3): checked by size and by its
 * first bytes (a file is what it says it is), then deposited like any document (decided, audited,
 * encrypted). The author is the patient; facility type and practice setting are EXP_PATIENT.
 */
export async function uploadDocument(ctx: RequestContext, services: HostServices, ins: string, input: { title: string; typeCode: string; mimeType: string; content: Buffer }): Promise<{ id: string }> {
  const fields: Record<string, string> = {};
  const upload = UPLOAD_TYPES[input.mimeType];
  const type = dmpDocumentType('https://mos.esante.gouv.fr/NOS/TRE_A05-TypeDocComplementaire/FHIR/TRE-A05-TypeDocComplementaire', input.typeCode);
  if (!type || !/^(DOCPAT0[1-9]|EXPPAT_[1-3])$/.test(input.typeCode)) fields.type = 'Type de document non proposé aux patients.';
  if (!upload) fields.file = 'Formats acceptés : PDF, JPEG, document CDA (XML).';
  else if (!upload.magic(input.content)) fields.file = 'Le contenu du fichier ne correspond pas à son format.';
  if (input.content.length === 0) fields.file = 'Le fichier est vide.';
  if (input.content.length > UPLOAD_MAX_BYTES) fields.file = 'Le fichier dépasse 10 Mo.';
  const title = input.title.trim();
  if (title === '' || title.length > 200) fields.title = 'Donnez un titre (200 caractères au plus).';
  if (Object.keys(fields).length > 0) throw new PortalInputError(fields);
  const now = new Date().toISOString();
  const meta: DocumentMetadata = {
    uniqueId: `urn:uuid:${randomUUID()}`,
    ins: { oid: '1.2.250.1.213.1.4.8', value: ins },
    type: { system: type!.system, code: type!.code, ...(type!.display ? { display: type!.display } : {}) },
    classCode: type!.classCode,
    format: { system: 'https://mos.esante.gouv.fr/NOS/TRE_A06-FormatCodeComplementaire/FHIR/TRE-A06-FormatCodeComplementaire', code: upload!.format },
    confidentiality: ['N'],
    visibility: [],
    author: { nationalId: ins, profession: 'patient' },
    facilityType: { system: 'urn:oid:1.2.250.1.213.1.1.4.6', code: 'EXP_PATIENT' },
    practiceSetting: { system: 'urn:oid:1.2.250.1.213.1.1.4.6', code: 'EXP_PATIENT' },
    date: now,
    title,
    mimeType: input.mimeType,
    language: 'fr-FR',
    size: input.content.length,
    sha1: createHash('sha1').update(input.content).digest('base64'),
  };
  const resource = {
    resourceType: 'DocumentReference',
    masterIdentifier: { system: 'urn:ietf:rfc:3986', value: meta.uniqueId },
    status: 'current',
    type: { coding: [{ ...meta.type, display: typeLabel(type!.code) }] },
    category: [{ coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_A03-ClasseDocument/FHIR/TRE-A03-ClasseDocument', code: meta.classCode }] }],
    subject: { reference: `Patient?identifier=urn:oid:1.2.250.1.213.1.4.8|${ins}` },
    date: now,
    content: [{ attachment: { contentType: meta.mimeType, language: 'fr-FR', title, size: meta.size, hash: meta.sha1, creation: now }, format: meta.format }],
    context: { facilityType: { coding: [meta.facilityType] }, practiceSetting: { coding: [meta.practiceSetting] } },
  };
  const result = await depositDocuments(ctx, services, { ins, documents: [{ meta, content: input.content, resource }] });
  return { id: result.documents[0]!.id };
}

/** Input the portal refuses, field by field. */
export class PortalInputError extends Error {
  constructor(readonly fields: Record<string, string>) {
    super('invalid input');
  }
}
