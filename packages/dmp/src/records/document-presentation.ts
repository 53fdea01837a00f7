import { DOCUMENT_CLASSES } from '@dmp/core';

/**
 * A document's DocumentReference kept as text ready to send (column `document.presentation`,
 * migration 008), so that a search neither has PostgreSQL print 20 `jsonb` values nor has the host
 * parse them and print them again: what a DocumentReference shows that never changes is written
 * once, at deposit, as JSON fragments; what may change (status, version, security labels, the
 * archive flag) and what depends on the host's configuration (the Binary URL) is put in when the
 * document is presented. The result is the same resource `presentFromResource` makes from the
 * `resource` column (a test checks the two against each other).
 *
 * The text is the fragments joined by U+0001, a character JSON.stringify never leaves unescaped,
 * so no fragment can hold it:
 *
 *   `p1` | meta members | lastUpdated | extensions | other members | (attachment members | content item members)*
 *
 * - meta members: `meta` without `versionId` and `lastUpdated` (which the presenter adds);
 * - extensions: the `extension` items other than the archive flag;
 * - other members: every member of the resource but `resourceType`, `id`, `meta`, `status`,
 *   `securityLabel`, `extension` and `content`, with `category` from the class code when the
 *   resource has none and `relatesTo` naming the replaced version when there is one;
 * - per content item: its attachment's members without `url` and `data` (size, hash and content
 *   type as stored), and the item's other members.
 *
 * Members are JSON object members without the braces (`"a":1,"b":2`), items without brackets.
 */

const SEPARATOR = '\u0001';
const FORMAT = 'p1';

/** The extension that marks a document archived (the DMP's "archivé": kept, out of default searches). */
export const ARCHIVE_EXTENSION = 'https://dmp.sainte-felicite.example/fhir/StructureDefinition/document-archived';

export const CONFIDENTIALITY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
export const VISIBILITY_SYSTEM = 'https://mos.esante.gouv.fr/NOS/TRE_A07-StatutVisibiliteDocument/FHIR/TRE-A07-StatutVisibiliteDocument';
export const CLASS_SYSTEM = 'https://mos.esante.gouv.fr/NOS/TRE_A03-ClasseDocument/FHIR/TRE-A03-ClasseDocument';

/** What a stored DocumentReference shows that the row holds, fixed at deposit. */
export interface FixedFacts {
  readonly size: number;
  readonly sha1: string;
  readonly mimeType: string;
  readonly depositedAt: Date;
  /** The id of the version this one replaces. */
  readonly replaces: string | null;
  readonly classCode: string | null;
}

/** What may change after deposit, from the row. */
export interface MutableFacts {
  readonly id: string;
  readonly status: string;
  readonly version: number;
  readonly archived: boolean;
  readonly confidentiality: readonly string[];
  readonly visibility: readonly string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `"a":1,"b":2` for `{ a: 1, b: 2 }` minus `omit`. */
function members(object: Record<string, unknown>, omit: ReadonlySet<string>): string {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) if (!omit.has(key) && value !== undefined) kept[key] = value;
  return JSON.stringify(kept).slice(1, -1);
}

const RESOURCE_OMIT = new Set(['resourceType', 'id', 'meta', 'status', 'securityLabel', 'extension', 'content']);
const META_OMIT = new Set(['versionId', 'lastUpdated']);
const ATTACHMENT_OMIT = new Set(['url', 'data', 'size', 'hash', 'contentType']);
const ITEM_OMIT = new Set(['attachment']);

/** The stored presentation of a DocumentReference as stored (`resource`, without content), with the row's fixed facts. */
export function presentationOf(resource: Record<string, unknown>, fixed: FixedFacts): string {
  const meta = isObject(resource.meta) ? members(resource.meta, META_OMIT) : '';
  const extensions = (Array.isArray(resource.extension) ? resource.extension : [])
    .filter((e: unknown) => !(isObject(e) && e.url === ARCHIVE_EXTENSION))
    .map((e: unknown) => JSON.stringify(e))
    .join(',');
  const others: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) if (!RESOURCE_OMIT.has(key) && value !== undefined) others[key] = value;
  const category = others.category;
  if ((!Array.isArray(category) || category.length === 0) && fixed.classCode) {
    others.category = [{ coding: [{ system: CLASS_SYSTEM, code: fixed.classCode, display: DOCUMENT_CLASSES[fixed.classCode] }] }];
  }
  if (fixed.replaces) others.relatesTo = [{ code: 'replaces', target: { reference: `DocumentReference/${fixed.replaces}` } }];
  const parts = [FORMAT, meta, fixed.depositedAt.toISOString(), extensions, JSON.stringify(others).slice(1, -1)];
  const content = Array.isArray(resource.content) ? resource.content : undefined;
  for (const item of content ?? []) {
    const object = isObject(item) ? item : {};
    const attachment = isObject(object.attachment) ? object.attachment : {};
    const fixedMembers = JSON.stringify({ size: fixed.size, hash: fixed.sha1, contentType: fixed.mimeType }).slice(1, -1);
    const rest = members(attachment, ATTACHMENT_OMIT);
    parts.push(rest ? `${rest},${fixedMembers}` : fixedMembers, members(object, ITEM_OMIT));
  }
  // No content array at all (never from a validated submission) is told apart from an empty one.
  if (!content) parts.push('');
  return parts.join(SEPARATOR);
}

const labelCache = new Map<string, string>();

/** `{"coding":[{"system":...,"code":...}]}` of one security label, kept once made. */
function label(system: string, code: string): string {
  const key = `${system}|${code}`;
  let text = labelCache.get(key);
  if (text === undefined) {
    text = JSON.stringify({ coding: [{ system, code }] });
    if (labelCache.size < 1000) labelCache.set(key, text);
  }
  return text;
}

const ARCHIVED = JSON.stringify({ url: ARCHIVE_EXTENSION, valueBoolean: true });

/** Whether a stored presentation is in a format this host reads. */
export function isPresentation(text: string | null | undefined): text is string {
  return typeof text === 'string' && text.startsWith(`${FORMAT}${SEPARATOR}`);
}

/**
 * The DocumentReference (JSON text) of a row with a stored presentation: the stored fragments
 * with the row's current status, version, labels and archive flag, and the Binary URL under
 * `fhirBase`.
 */
export function presentStored(presentation: string, row: MutableFacts, fhirBase: string): string {
  const parts = presentation.split(SEPARATOR);
  const [, meta, lastUpdated, extensions, others] = parts as [string, string, string, string, string];
  const labels: string[] = [];
  for (const code of row.confidentiality) labels.push(label(CONFIDENTIALITY_SYSTEM, code));
  for (const code of row.visibility) labels.push(label(VISIBILITY_SYSTEM, code));
  const extension = row.archived ? (extensions ? `${extensions},${ARCHIVED}` : ARCHIVED) : extensions;
  let text = `{"resourceType":"DocumentReference","id":${JSON.stringify(row.id)},"meta":{${meta ? `${meta},` : ''}"versionId":${JSON.stringify(String(row.version))},"lastUpdated":${JSON.stringify(lastUpdated)}},"status":${JSON.stringify(row.status)},"securityLabel":[${labels.join(',')}]`;
  if (extension) text += `,"extension":[${extension}]`;
  if (parts.length > 6) {
    const url = `"url":${JSON.stringify(`${fhirBase}/Binary/${row.id}`)},`;
    const items: string[] = [];
    for (let i = 5; i + 1 < parts.length; i += 2) {
      const rest = parts[i + 1]!;
      items.push(`{"attachment":{${url}${parts[i]!}}${rest ? `,${rest}` : ''}}`);
    }
    text += `,"content":[${items.join(',')}]`;
  } else if (parts.length === 5) text += ',"content":[]';
  if (others) text += `,${others}`;
  return `${text}}`;
}
