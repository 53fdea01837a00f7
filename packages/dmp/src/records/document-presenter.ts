import { canonicalSystem, DOCUMENT_CLASSES } from '@dmp/core';
import { ARCHIVE_EXTENSION, CLASS_SYSTEM, CONFIDENTIALITY_SYSTEM, isPresentation, presentStored, VISIBILITY_SYSTEM } from './document-presentation.js';

export { ARCHIVE_EXTENSION } from './document-presentation.js';

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
  /** The DocumentReference ready to present (see document-presentation.ts); null for documents deposited before it existed. */
  presentation?: string | null;
}

/** Columns selected for presenting documents. */
export const DOCUMENT_COLUMNS =
  'd.id, d.ins, d.unique_id, d.status, d.archived, d.confidentiality, d.visibility, d.size, d.sha1, d.mime_type, d.deposited_at, d.version, d.replaces, d.resource, d.type_code, d.class_code, d.author_id, d.presentation';

/**
 * The columns an ITI-67 answer needs: the stored presentation and what may have changed since the
 * deposit; the rest (the `resource` above all, costly to print and parse) only for documents
 * deposited before presentations were stored.
 */
export const PRESENTED_COLUMNS =
  'd.id, d.status, d.archived, d.confidentiality, d.visibility, d.version, d.presentation, ' +
  ['resource', 'size', 'sha1', 'mime_type', 'deposited_at', 'replaces', 'class_code'].map((c) => `CASE WHEN d.presentation IS NULL THEN d.${c} END AS ${c}`).join(', ');

/** A row of PRESENTED_COLUMNS. */
export type PresentedRow = Pick<DocumentRow, 'id' | 'status' | 'archived' | 'confidentiality' | 'visibility' | 'version' | 'presentation'> &
  Partial<Pick<DocumentRow, 'resource' | 'size' | 'sha1' | 'mime_type' | 'deposited_at' | 'replaces'>> & { class_code?: string | null };

/** A document's DocumentReference as JSON text: from its stored presentation, or made from its stored resource. */
export function documentReferenceJson(row: PresentedRow, fhirBase: string): string {
  if (isPresentation(row.presentation)) return presentStored(row.presentation, row, fhirBase);
  return JSON.stringify(presentFromResource(row as DocumentRow, fhirBase));
}

/** A document's DocumentReference as an object (see `documentReferenceJson`). */
export function presentDocumentReference(row: DocumentRow, fhirBase: string): Record<string, unknown> {
  if (isPresentation(row.presentation)) return JSON.parse(presentStored(row.presentation, row, fhirBase)) as Record<string, unknown>;
  return presentFromResource(row, fhirBase);
}

/**
 * Presents a stored document as a PDSm DocumentReference: the submitted metadata with the host's
 * id, status, security labels, archive flag, and `attachment.url` pointing at the ITI-68 retrieve URL.
 * From the `resource` column: for documents without a stored presentation, and the reference the
 * stored presentations are checked against.
 */
export function presentFromResource(row: DocumentRow, fhirBase: string): Record<string, unknown> {
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
