/**
 * Structured body pieces: sections (CI-SIS section templates) and their narrative blocks
 * (CDA NarrativeBlock: table, content with ID, paragraph, list). Entries point at the narrative with
 * `<reference value="#id"/>`, so each coded fact has its readable twin.
 */
import { cd, childId, ii } from './cda-datatypes.js';
import type { Coded, InstanceIdentifier } from './document-inputs.js';
import { el, type XmlChild, type XmlElement } from './xml-writer.js';

/** Hands out deterministic ids below the document id, and unique narrative IDs. */
export interface IdSource {
  /** The next section or entry id. */
  nextId(): XmlElement;
  /** A narrative ID (xs:ID) unique in the document, from a readable stem. */
  ref(stem: string): string;
}

/** An {@link IdSource} for the document `documentId`. */
export function idSource(documentId: InstanceIdentifier): IdSource {
  let n = 0;
  const used = new Map<string, number>();
  return {
    nextId: () => ii(childId(documentId, ++n)),
    ref: (stem) => {
      const clean = stem.replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z_]/, 'n$&');
      const count = (used.get(clean) ?? 0) + 1;
      used.set(clean, count);
      return count === 1 ? clean : `${clean}-${count}`;
    },
  };
}

/** A section: its templates, code, title, narrative, entries and sub-sections. */
export interface SectionSpec {
  readonly templateIds: readonly string[];
  readonly code: Coded;
  readonly title: string;
  /** Narrative content of `<text>`; an empty text when absent. */
  readonly text?: XmlChild;
  readonly entries?: readonly XmlElement[];
  readonly subsections?: readonly XmlElement[];
  /** `DRIV` when the entries are derived from the narrative; default: no typeCode. */
  readonly entryTypeCode?: 'DRIV' | 'COMP';
}

/** A `<component><section>...</section></component>`. */
export function section(ids: IdSource, spec: SectionSpec): XmlElement {
  return el(
    'component',
    {},
    el(
      'section',
      {},
      spec.templateIds.map((root) => el('templateId', { root })),
      ids.nextId(),
      cd('code', spec.code),
      el('title', {}, spec.title),
      el('text', {}, spec.text),
      (spec.entries ?? []).map((entry) => el('entry', { typeCode: spec.entryTypeCode }, entry)),
      spec.subsections,
    ),
  );
}

/** `<content ID="...">text</content>`. */
export function content(id: string, ...children: XmlChild[]): XmlElement {
  return el('content', { ID: id }, ...children);
}

/** A narrative table with a header row. */
export function table(headers: readonly string[], rows: readonly (readonly XmlChild[])[]): XmlElement {
  return el(
    'table',
    { border: '0' },
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, h)))),
    el('tbody', {}, rows.map((row) => el('tr', {}, row.map((cell) => el('td', {}, cell))))),
  );
}

/** Free text as paragraphs, one a line (blank lines dropped). */
export function paragraphs(value: string): XmlElement[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => el('paragraph', {}, line));
}

/** A bulleted list. */
export function list(items: readonly XmlChild[]): XmlElement {
  return el('list', {}, items.map((item) => el('item', {}, item)));
}

/** `<text><reference value="#id"/></text>`. */
export function textRef(id: string): XmlElement {
  return el('text', {}, el('reference', { value: `#${id}` }));
}

/** `<originalText><reference value="#id"/></originalText>`. */
export function originalTextRef(id: string): XmlElement {
  return el('originalText', {}, el('reference', { value: `#${id}` }));
}
