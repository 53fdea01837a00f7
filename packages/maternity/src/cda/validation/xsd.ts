/**
 * XSD validation against the CI-SIS CDA schema (`CDA_extended.xsd` and the files it includes),
 * with libxml2's xmllint compiled to WebAssembly (xmllint-wasm). xmllint runs in a worker thread
 * with an in-memory file system holding only the document and the shipped schema files: nothing
 * else can be read, and no network. Entities are not substituted (no `--noent`); documents with
 * a DOCTYPE are refused before this point anyway.
 */
import { memoryPages, validateXML, type XMLFileInfo } from 'xmllint-wasm';
import { resourceManifest, resourceText } from './resources.js';
import type { ValidationIssue } from './types.js';

let schema: { readonly main: XMLFileInfo; readonly preload: readonly XMLFileInfo[] } | undefined;

/** The shipped XSD files, read once per process. */
function schemaFiles(): { readonly main: XMLFileInfo; readonly preload: readonly XMLFileInfo[] } {
  if (schema === undefined) {
    const { entry, files } = resourceManifest().xsd;
    // xmllint resolves schemaLocation against the including file's name: keep the shipped layout.
    const info = (file: string): XMLFileInfo => ({ fileName: file, contents: resourceText(file) });
    schema = { main: info(entry), preload: files.filter((f) => f !== entry).map(info) };
  }
  return schema;
}

const DOCUMENT_NAME = 'document.xml';

/** The schema (or well-formedness) errors of a document; empty when it is valid. */
export async function xsdIssues(xml: string): Promise<ValidationIssue[]> {
  const { main, preload } = schemaFiles();
  const result = await validateXML({
    xml: [{ fileName: DOCUMENT_NAME, contents: xml }],
    schema: [main],
    preload: [...preload],
    maxMemoryPages: 1 * memoryPages.GiB,
    modifyArguments: (args) => ['--nonet', ...args],
  });
  const issues = result.errors
    .filter((e) => e.loc === null || e.loc.fileName === DOCUMENT_NAME)
    .map((e): ValidationIssue => {
      const kind = /parser error/i.test(e.message) ? 'well-formedness' : /validity error/i.test(e.message) ? 'xsd' : 'xmllint';
      const message = e.message.replace(/^.*?(?:Schemas validity error|parser error)\s*:\s*/i, '').trim();
      return { message, ...(e.loc === null ? {} : { location: `line ${e.loc.lineNumber}` }), rule: kind };
    });
  if (!result.valid && issues.length === 0) {
    issues.push({ message: result.rawOutput.trim() || 'xmllint reported the document invalid', rule: 'xmllint' });
  }
  return issues;
}
