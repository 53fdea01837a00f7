/**
 * `validateCda`: the CI-SIS checks of a CDA R2 document, as the ANS validator makes them.
 *
 * 1. Refusals before any parser: size, DOCTYPE (xml-guard.ts).
 * 2. The CDA schema `CDA_extended.xsd` (xsd.ts), in a worker thread, while
 * 3. the Schematrons run in this thread: the two generic ones always, plus each model's own
 *    when the document's `ClinicalDocument/templateId` (or the given formatCode) names the model
 *    (models.ts).
 *
 * Everything is read from the shipped resources, loaded and compiled once per process.
 */
import path from 'node:path';
import { compileXPath, errorMessage, items, parseXml, type XdmNode } from './xdm.js';
import { ALL_SCHEMATRONS, GENERIC_SCHEMATRONS, selectModels } from './models.js';
import { schematronRunner } from './resources.js';
import { refusal, DEFAULT_MAX_BYTES } from './xml-guard.js';
import { xsdIssues } from './xsd.js';
import type { CdaValidationReport, SchematronReport, ValidationIssue } from './types.js';

export interface ValidateCdaOptions {
  /** The document's XDS formatCode (JDV_J60), if known: also selects the model's Schematron. */
  readonly formatCode?: string;
  /** Largest document accepted, in bytes (default 20 MB). */
  readonly maxBytes?: number;
}

const templateIdsExpression =
  "/*[local-name() = 'ClinicalDocument'][namespace-uri() = 'urn:hl7-org:v3']/*[local-name() = 'templateId'][namespace-uri() = 'urn:hl7-org:v3']/string(@root)";

/** The templateId roots declared on the document's ClinicalDocument element. */
export function documentTemplateIds(doc: XdmNode): string[] {
  return items(compileXPath(templateIdsExpression, {})(doc, {})).map(String);
}

/** The Schematrons (relative to `schematrons/`) that apply to a parsed document. */
export function applicableSchematrons(doc: XdmNode, formatCode?: string): string[] {
  return [...GENERIC_SCHEMATRONS, ...selectModels(documentTemplateIds(doc), formatCode).map((m) => m.schematron)];
}

function runSchematron(main: string, doc: XdmNode): SchematronReport {
  const schema = path.posix.basename(main);
  try {
    const { errors, warnings } = schematronRunner(main).run(doc);
    return { schema, errors, warnings };
  } catch (e) {
    return { schema, errors: [{ message: `Schematron could not be run: ${errorMessage(e)}`, rule: 'engine' }], warnings: [] };
  }
}

/** Validates a CDA document against the CDA schema and the applicable CI-SIS Schematrons. */
export async function validateCda(xml: string, options: ValidateCdaOptions = {}): Promise<CdaValidationReport> {
  const refused = refusal(xml, options.maxBytes ?? DEFAULT_MAX_BYTES);
  if (refused !== undefined) return { valid: false, xsd: [{ message: refused, rule: 'refused' }], schematron: [] };

  const xsdPromise = xsdIssues(xml).catch((e: unknown): ValidationIssue[] => [
    { message: `XSD validation could not be run: ${errorMessage(e)}`, rule: 'xmllint' },
  ]);
  let doc: XdmNode;
  try {
    doc = parseXml(xml);
  } catch (e) {
    const xsd = await xsdPromise;
    const parse: ValidationIssue = { message: `Not well-formed XML: ${errorMessage(e)}`, rule: 'well-formedness' };
    return { valid: false, xsd: xsd.length > 0 ? xsd : [parse], schematron: [] };
  }
  const schematron = applicableSchematrons(doc, options.formatCode).map((main) => runSchematron(main, doc));
  const xsd = await xsdPromise;
  return { valid: xsd.length === 0 && schematron.every((s) => s.errors.length === 0), xsd, schematron };
}

/**
 * Loads every shipped Schematron and value set and compiles every expression now (about five
 * seconds) rather than as the first documents need them. Optional; returns the expressions
 * SaxonJS could not compile (none for the shipped schemas).
 */
export function preloadCdaValidation(): { readonly schema: string; readonly expression: string; readonly error: string }[] {
  return ALL_SCHEMATRONS.flatMap((main) => schematronRunner(main).compileAll().map((f) => ({ schema: main, ...f })));
}


