/**
 * Test support: checks every structured CDA must pass whatever its content: XSD validity, narrative
 * IDs unique, every `reference` pointing at a narrative element.
 */
import { expect } from 'vitest';
import { MATERNITY_DOCUMENT_ID_OID } from '../document-inputs.js';
import { xsdErrors } from './xsd.js';
import { descendants, parseXmlTree, type XNode } from './xml-tree.js';

/** Parses `xml` and asserts its schema validity and the consistency of its narrative references. */
export async function checkCda(xml: string): Promise<XNode> {
  expect(await xsdErrors(xml)).toEqual([]);
  const root = parseXmlTree(xml);
  const ids = descendants(root).map((n) => n.attrs.ID).filter((id): id is string => id !== undefined);
  expect(new Set(ids).size).toBe(ids.length);
  for (const ref of descendants(root, 'reference')) {
    const value = ref.attrs.value;
    if (value === undefined) continue;
    expect(value.startsWith('#'), `reference ${value}`).toBe(true);
    expect(ids, `reference ${value}`).toContain(value.slice(1));
  }
  // Section and entry ids hang below the document id: all distinct.
  const structural = descendants(root, 'id')
    .filter((n) => n.attrs.root === MATERNITY_DOCUMENT_ID_OID)
    .map((n) => n.attrs.extension);
  expect(new Set(structural).size).toBe(structural.length);
  return root;
}
