/**
 * The shipped validation resources (`packages/maternity/resources/cda-validation/`, written by
 * `scripts/build-cda-validation.ts`): nothing is read from the ANS folder at run time.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSchematron } from './schematron-model.js';
import { SchematronRunner } from './schematron-engine.js';
import { parseXml, type XdmNode } from './xdm.js';

/** The folder of the shipped resources. */
export const RESOURCES_DIR = fileURLToPath(new URL('../../../resources/cda-validation/', import.meta.url));

/** `manifest.json`, as the build script writes it. */
export interface ResourceManifest {
  readonly xsd: { readonly entry: string; readonly files: readonly string[] };
  readonly schematrons: Readonly<Record<string, { readonly files: readonly string[]; readonly documents: Readonly<Record<string, string>> }>>;
  readonly generated: Readonly<Record<string, string>>;
  readonly missing: Readonly<Record<string, string>>;
}

let manifest: ResourceManifest | undefined;

export function resourceManifest(): ResourceManifest {
  if (manifest === undefined) {
    const parsed = JSON.parse(readFileSync(path.join(RESOURCES_DIR, 'manifest.json'), 'utf8')) as ResourceManifest;
    if (typeof parsed.xsd?.entry !== 'string' || !Array.isArray(parsed.xsd.files) || typeof parsed.schematrons !== 'object') {
      throw new Error(`${RESOURCES_DIR}manifest.json is not a CDA validation manifest`);
    }
    manifest = parsed;
  }
  return manifest;
}

/** A shipped file's text (path relative to the resources folder). */
export function resourceText(relative: string): string {
  return readFileSync(path.join(RESOURCES_DIR, relative), 'utf8');
}

const sources = new Map<string, string>();
const readSource = (file: string): string => {
  let text = sources.get(file);
  if (text === undefined) {
    text = readFileSync(file, 'utf8');
    sources.set(file, text);
  }
  return text;
};

const documents = new Map<string, XdmNode>();
function shippedDocument(relative: string): XdmNode {
  let doc = documents.get(relative);
  if (doc === undefined) {
    doc = parseXml(resourceText(relative));
    documents.set(relative, doc);
  }
  return doc;
}

const runners = new Map<string, SchematronRunner>();

/** The runner of a shipped Schematron (path relative to `schematrons/`), loaded once per process. */
export function schematronRunner(main: string): SchematronRunner {
  let runner = runners.get(main);
  if (runner === undefined) {
    const entry = resourceManifest().schematrons[main];
    if (entry === undefined) throw new Error(`Schematron ${main} is not shipped (see models.ts and scripts/build-cda-validation.ts)`);
    const schema = loadSchematron(path.join(RESOURCES_DIR, 'schematrons', main), readSource);
    const docs = new Map(Object.entries(entry.documents).map(([literal, file]) => [literal, shippedDocument(file)] as const));
    runner = new SchematronRunner(schema, docs);
    runners.set(main, runner);
  }
  return runner;
}
