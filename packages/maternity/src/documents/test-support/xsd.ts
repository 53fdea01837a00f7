/**
 * Test support: XSD validation of a CDA against the CI-SIS schema (`CDA_extended.xsd`) with
 * xmllint-wasm (libxml2), used until the maternity's own validator gives the Schematron results too.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateXML, memoryPages } from 'xmllint-wasm';

/** The ANS reference folder (`../shared/ans` from the repository root). */
export const ANS_DIR = fileURLToPath(new URL('../../../../../../shared/ans/', import.meta.url));
const SCHEMA_DIR = join(ANS_DIR, 'cda-schema');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

let preload: { fileName: string; contents: string }[] | undefined;

function schemaFiles(): { fileName: string; contents: string }[] {
  preload ??= files(SCHEMA_DIR)
    .filter((f) => f.endsWith('.xsd'))
    .map((f) => ({ fileName: relative(SCHEMA_DIR, f), contents: readFileSync(f, 'utf8') }));
  return preload;
}

/** XSD errors of `xml` (empty when valid). */
export async function xsdErrors(xml: string): Promise<string[]> {
  const all = schemaFiles();
  const main = all.find((f) => f.fileName === 'CDA_extended.xsd')!;
  const result = await validateXML({
    xml: [{ fileName: 'document.xml', contents: xml }],
    schema: [main],
    preload: all.filter((f) => f !== main),
    initialMemoryPages: 64 * memoryPages.MiB,
    maxMemoryPages: 512 * memoryPages.MiB,
  });
  return result.errors.map((e) => e.rawMessage);
}
