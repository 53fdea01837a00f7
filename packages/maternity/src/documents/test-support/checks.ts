/**
 * Test support: checks every generated CDA must pass whatever its content: the CI-SIS validation
 * (CDA_extended.xsd and the Schematrons: generic ones and the model's own) with no error and no
 * warning, narrative IDs unique, every `reference` pointing at a narrative element, section and
 * entry ids distinct.
 */
import { expect } from 'vitest';
import { preloadCdaValidation, validateCda } from '../../cda/validation/index.js';
import { MATERNITY_DOCUMENT_ID_OID } from '../document-inputs.js';
import { descendants, parseXmlTree, type XNode } from './xml-tree.js';

/** Loads and compiles the Schematrons (a few seconds, once a test file): call in `beforeAll`. */
export function warmUpValidation(): void {
  preloadCdaValidation();
}

/** Time allowed to the `beforeAll` that warms the validator up. */
export const WARM_UP_TIMEOUT = 60_000;

/** Time allowed to a test that validates documents (the Schematrons take a second or two each). */
export const VALIDATION_TIMEOUT = 30_000;

/**
 * Parses `xml` and asserts its CI-SIS validity and the consistency of its narrative references;
 * `model` names the model Schematron that must have run (e.g. `CI-SIS_OBP-SNM_2024.01.sch`).
 */
export async function checkCda(xml: string, model?: string): Promise<XNode> {
  const report = await validateCda(xml);
  if (model !== undefined) expect(report.schematron.map((s) => s.schema)).toContain(model);
  expect(report.xsd).toEqual([]);
  for (const s of report.schematron) {
    expect(s.errors, `${s.schema} errors`).toEqual([]);
    expect(s.warnings, `${s.schema} warnings`).toEqual([]);
  }
  expect(report.valid).toBe(true);

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
