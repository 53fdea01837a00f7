import { canonicalSystem, DOCUMENT_CLASSES } from '@dmp/core';

/** A document row as the presenters need it. */
export interface DocumentRow {
  id: string;
  ins: string;
  unique_id: string;
  status: 'current' | 'superseded' | 'entered-in-error';
  archived: boolean;
  confidentiality: string[];
  visibility: string[];
  size: string | number;
  sha1: string;
  mime_type: string;
  deposited_at: Date;
  version: number;
  replaces: string | null;
  resource: Record<string, unknown>;
}

/** Columns selected for presenting documents. */
export const DOCUMENT_COLUMNS =
  'd.id, d.ins, d.unique_id, d.status, d.archived, d.confidentiality, d.visibility, d.size, d.sha1, d.mime_type, d.deposited_at, d.version, d.replaces, d.resource, d.type_code, d.class_code, d.author_id';

/** The extension that marks a document archived (the DMP's "archivé": kept, out of default searches). */
export const ARCHIVE_EXTENSION = 'https://dmp.sainte-felicite.example/fhir/StructureDefinition/document-archived';

const CONFIDENTIALITY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
const VISIBILITY_SYSTEM = 'https://mos.esante.gouv.fr/NOS/TRE_A07-StatutVisibiliteDocument/FHIR/TRE-A07-StatutVisibiliteDocument';
const CLASS_SYSTEM = 'https://mos.esante.gouv.fr/NOS/TRE_A03-ClasseDocument/FHIR/TRE-A03-ClasseDocument';

/**
 * Presents a stored document as a PDSm DocumentReference: the submitted metadata with the host's
 * id, status, security labels, archive flag, and `attachment.url` pointing at the ITI-68 retrieve URL.
 */
export function presentDocumentReference(row: DocumentRow, fhirBase: string): Record<string, unknown> {
  // The row was just read from the database: its resource is ours to shape, without a copy.
  // (Codings were put in canonical form when the document was deposited.)
  const resource = row.resource;
  resource.id = row.id;
  resource.meta = { ...(typeof resource.meta === 'object' && resource.meta ? resource.meta : {}), versionId: String(row.version), lastUpdated: row.deposited_at.toISOString() };
  resource.status = row.status;
  resource.securityLabel = [
    ...row.confidentiality.map((code) => ({ coding: [{ system: CONFIDENTIALITY_SYSTEM, code }] })),
    ...row.visibility.map((code) => ({ coding: [{ system: VISIBILITY_SYSTEM, code }] })),
  ];
  const extensions = (Array.isArray(resource.extension) ? resource.extension : []).filter(
    (e: unknown) => (e as { url?: string }).url !== ARCHIVE_EXTENSION,
  );
  if (row.archived) extensions.push({ url: ARCHIVE_EXTENSION, valueBoolean: true });
  if (extensions.length > 0) resource.extension = extensions;
  else delete resource.extension;
  const classCode = (resource as { category?: unknown }).category;
  if (!Array.isArray(classCode) || classCode.length === 0) {
    const code = (row as unknown as { class_code?: string }).class_code;
    if (code) resource.category = [{ coding: [{ system: CLASS_SYSTEM, code, display: DOCUMENT_CLASSES[code] }] }];
  }
  const content = Array.isArray(resource.content) ? (resource.content as Record<string, unknown>[]) : [];
  for (const item of content) {
    const attachment = (item.attachment ?? {}) as Record<string, unknown>;
    attachment.url = `${fhirBase}/Binary/${row.id}`;
    attachment.size = Number(row.size);
    attachment.hash = row.sha1;
    attachment.contentType = row.mime_type;
    delete attachment.data;
    item.attachment = attachment;
  }
  if (row.replaces) resource.relatesTo = [{ code: 'replaces', target: { reference: `DocumentReference/${row.replaces}` } }];
  return resource;
}

/**
 * French code systems are accepted as `urn:oid:...` or as the ANS terminology URLs, and returned as
 * the URLs (DESIGN.md §3): every coding (an object with `system` and `code`) is rewritten in place.
 */
export function canonicalCodings(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) canonicalCodings(item);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const object = value as Record<string, unknown>;
  if (typeof object.system === 'string' && typeof object.code === 'string') object.system = canonicalSystem(object.system);
  for (const child of Object.values(object)) if (typeof child === 'object' && child !== null) canonicalCodings(child);
}
