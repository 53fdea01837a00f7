/**
 * Ships what the maternity's CDA validator reads at run time, copied from the ANS reference folder.
 *
 *   npx tsx scripts/build-cda-validation.ts           # (re)write packages/maternity/resources/cda-validation
 *   npx tsx scripts/build-cda-validation.ts --check   # exit 1 if the shipped copy is out of date
 *
 * `<ANS>` is `$ANS_DIR` or `../shared/ans` beside the repository. Written under
 * `packages/maternity/resources/cda-validation/`, with the ANS folder's layout:
 * - `cda-schema/`: `CDA_extended.xsd` and the XSD files it reaches by xs:include / xs:import;
 * - `schematrons/`: the generic and per-model Schematrons of `packages/maternity/src/cda/validation/models.ts`
 *   and every file they reach by `include`;
 * - `jeuxDeValeurs/`: the value sets those files name (`'../jeuxDeValeurs/JDV_*.xml'`, resolved, as
 *   the Schematron engine does, against the main Schematron's folder), plus the ART-DECOR `voc-*.xml`
 *   files of the minimal-structuration Schematron under `schematrons/.../include/`;
 * - `manifest.json`: the file lists the validator loads.
 * Files are copied byte for byte. One repair: a `voc-<OID>-DYNAMIC.xml` the Schematron reads but the
 * ANS repository lacks is generated from the CI-SIS value set (IHE SVS) with that OID; the manifest
 * lists it under `generated`. Other missing documents are listed under `missing` (a rule that reads one
 * reports it); a missing XSD or included Schematron fails the script.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { ALL_SCHEMATRONS } from '../packages/maternity/src/cda/validation/models.js';
import { ansDirectory, REPO_ROOT } from './convert-terminology.js';

/** Where the shipped copy lives. */
export const OUTPUT_DIR = path.join(REPO_ROOT, 'packages', 'maternity', 'resources', 'cda-validation');

/** The entry point of the CDA schema, relative to the ANS folder. */
export const XSD_ENTRY = 'cda-schema/CDA_extended.xsd';

/** What the validator reads from `manifest.json`. */
export interface CdaValidationManifest {
  readonly note: string;
  readonly xsd: { readonly entry: string; readonly files: readonly string[] };
  /** Per main Schematron (relative to `schematrons/`): the files it reaches, and each document literal it names with the shipped file. */
  readonly schematrons: Readonly<
    Record<string, { readonly files: readonly string[]; readonly documents: Readonly<Record<string, string>> }>
  >;
  /** Shipped files that are not copies, with what they were generated from. */
  readonly generated: Readonly<Record<string, string>>;
  /** Documents a Schematron names that the ANS folder lacks, with the first Schematron naming them. */
  readonly missing: Readonly<Record<string, string>>;
}

const toPosix = (p: string): string => p.split(path.sep).join('/');

function withoutComments(text: string): string {
  return text.replace(/<!--[\s\S]*?-->/g, '');
}

/**
 * The file for a path relative to the ANS folder. A path segment that is a plain file while more
 * segments follow stands for a symbolic link (as git writes one where links are not supported):
 * its content names the target folder (`jeuxDeValeurs` holds `value-sets`).
 */
export function resolveAnsPath(ansDir: string, relative: string): string {
  let current = ansDir;
  const segments = toPosix(relative).split('/');
  for (let i = 0; i < segments.length; i++) {
    const next = path.join(current, segments[i] as string);
    if (i < segments.length - 1 && existsSync(next) && statSync(next).isFile()) {
      const target = readFileSync(next, 'utf8').trim();
      if (target === '' || target.includes('\n')) throw new Error(`${next} is neither a folder nor a link`);
      current = path.resolve(current, target);
    } else {
      current = next;
    }
  }
  return current;
}

/** A relative path inside the ANS folder, or a failure naming where it came from. */
function inside(relative: string, where: string): string {
  const normal = path.posix.normalize(relative);
  if (normal.startsWith('../') || path.posix.isAbsolute(normal)) throw new Error(`${where}: ${relative} leaves the ANS folder`);
  return normal;
}

/** `CDA_extended.xsd` and every XSD it reaches (xs:include, xs:import, xs:redefine, xs:override), sorted. */
export function xsdClosure(ansDir: string): string[] {
  const seen = new Set<string>();
  const queue = [XSD_ENTRY];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const full = resolveAnsPath(ansDir, file);
    if (!existsSync(full)) throw new Error(`XSD ${file} is referenced but missing`);
    const text = withoutComments(readFileSync(full, 'utf8'));
    for (const m of text.matchAll(/<(?:[\w.-]+:)?(?:include|import|redefine|override)\b[^>]*?\bschemaLocation\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      const location = m[1] ?? m[2] ?? '';
      if (/^[a-z][a-z0-9+.-]*:/i.test(location)) continue; // absolute URL: never fetched
      queue.push(inside(path.posix.join(path.posix.dirname(file), location), file));
    }
  }
  return [...seen].sort();
}

/** A main Schematron's reachable files (relative to the ANS folder) and document literals. */
export interface SchematronClosure {
  readonly files: string[];
  /** Each `'....xml'` literal in those files, with the file it names (relative to the ANS folder). */
  readonly documents: Map<string, string>;
}

/** The files a main Schematron reaches by `include`, and the documents they name. */
export function schematronClosure(ansDir: string, mainSchematron: string): SchematronClosure {
  const main = `schematrons/${mainSchematron}`;
  const base = path.posix.dirname(main);
  const seen = new Set<string>();
  const documents = new Map<string, string>();
  const queue = [main];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const full = resolveAnsPath(ansDir, file);
    if (!existsSync(full)) throw new Error(`Schematron ${file} is included but missing`);
    const text = withoutComments(readFileSync(full, 'utf8'));
    for (const m of text.matchAll(/<(?:[\w.-]+:)?include\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      queue.push(inside(path.posix.join(path.posix.dirname(file), m[1] ?? m[2] ?? ''), file));
    }
    // Document names are string literals in attribute values; the engine resolves them against the main schema.
    for (const m of text.matchAll(/'([^'"<>&]+\.xml)'/g)) {
      const literal = m[1] as string;
      if (/^[a-z][a-z0-9+.-]*:/i.test(literal)) continue;
      documents.set(literal, inside(path.posix.join(base, literal), file));
    }
  }
  return { files: [...seen].sort(), documents: new Map([...documents].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

/** The SVS value set file (relative to the ANS folder) whose ValueSet has this OID, if any. */
function svsFileForOid(ansDir: string, oid: string): string | undefined {
  const folder = path.join(ansDir, 'value-sets');
  const found = readdirSync(folder)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .filter((f) => new RegExp(`<(?:\\w+:)?ValueSet\\b[^>]*\\sid="${oid.replace(/\./g, '\\.')}"`).test(readFileSync(path.join(folder, f), 'utf8')));
  if (found.length > 1) throw new Error(`several value sets have the OID ${oid}: ${found.join(', ')}`);
  return found[0] === undefined ? undefined : `value-sets/${found[0]}`;
}

/**
 * An ART-DECOR `voc-<OID>-DYNAMIC.xml` value set (what the minimal-structuration rules read as
 * `/*\/valueSet/conceptList/concept/@code`) made from an IHE SVS file with the same OID.
 */
export function artDecorValueSet(svsXml: string, source: string): string {
  if (/<!DOCTYPE/i.test(svsXml)) throw new Error(`${source}: DOCTYPE not allowed`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    removeNSPrefix: true,
    parseAttributeValue: false,
    parseTagValue: false,
    processEntities: true,
    htmlEntities: true,
    isArray: (name) => name === 'Concept' || name === 'ConceptList',
  });
  const root = (parser.parse(svsXml) as Record<string, Record<string, unknown>>)['RetrieveValueSetResponse'];
  const vs = root?.['ValueSet'] as Record<string, unknown> | undefined;
  if (vs === undefined) throw new Error(`${source}: no ValueSet`);
  const text = (name: string): string => (typeof vs[name] === 'string' ? (vs[name] as string) : '');
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<!-- Generated by scripts/build-cda-validation.ts from ${source} (the ANS repository lacks this file). -->`,
    '<valueSets>',
    `   <valueSet id="${escapeAttribute(text('id'))}" name="${escapeAttribute(text('displayName').replace(/\.tabs$/, ''))}" displayName="${escapeAttribute(text('displayName').replace(/\.tabs$/, ''))}" effectiveDate="${escapeAttribute(text('effectiveDate'))}" versionLabel="${escapeAttribute(text('dateMaj'))}">`,
    '      <conceptList>',
  ];
  for (const list of (vs['ConceptList'] as Record<string, unknown>[] | undefined) ?? []) {
    for (const concept of (list['Concept'] as Record<string, string>[] | undefined) ?? []) {
      const display = concept['displayName'] === undefined ? '' : ` displayName="${escapeAttribute(concept['displayName'])}"`;
      lines.push(`         <concept code="${escapeAttribute(concept['code'] ?? '')}" codeSystem="${escapeAttribute(concept['codeSystem'] ?? '')}"${display}/>`);
    }
  }
  lines.push('      </conceptList>', '   </valueSet>', '</valueSets>', '');
  return lines.join('\n');
}

/** Every shipped file (path relative to the output folder, posix) with its exact content, sorted by path. */
export function generate(ansDir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const generated: Record<string, string> = {};
  const missing: Record<string, string> = {};
  const copy = (relative: string): void => {
    if (!out.has(relative)) out.set(relative, readFileSync(resolveAnsPath(ansDir, relative)));
  };

  const xsdFiles = xsdClosure(ansDir);
  xsdFiles.forEach(copy);

  const schematrons: Record<string, { files: string[]; documents: Record<string, string> }> = {};
  for (const main of ALL_SCHEMATRONS) {
    const closure = schematronClosure(ansDir, main);
    closure.files.forEach(copy);
    const documents: Record<string, string> = {};
    for (const [literal, file] of closure.documents) {
      documents[literal] = file;
      if (out.has(file)) continue;
      if (existsSync(resolveAnsPath(ansDir, file))) {
        copy(file);
        continue;
      }
      const voc = /^voc-([0-9.]+)-DYNAMIC\.xml$/.exec(path.posix.basename(file));
      const svs = voc === null ? undefined : svsFileForOid(ansDir, voc[1] as string);
      if (svs === undefined) {
        // Named (often by a variable no active rule reads) but absent upstream: a rule that reads it reports so.
        missing[file] = main;
        delete documents[literal];
        continue;
      }
      out.set(file, Buffer.from(artDecorValueSet(readFileSync(path.join(ansDir, svs), 'utf8'), svs)));
      generated[file] = svs;
    }
    schematrons[main] = { files: closure.files, documents };
  }

  const manifest: CdaValidationManifest = {
    note: 'Generated by scripts/build-cda-validation.ts from the ANS reference folder (ansforge/TestContenuCDA-3-0); do not edit.',
    xsd: { entry: XSD_ENTRY, files: xsdFiles },
    schematrons,
    generated,
    missing: Object.fromEntries(Object.entries(missing).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
  out.set('manifest.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The files currently under a folder (paths relative to it, posix), sorted. */
export function readTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (relative: string): void => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else out.set(child, readFileSync(path.join(dir, child)));
    }
  };
  if (existsSync(dir)) walk('');
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Paths that differ between two trees (added, removed or changed). */
export function differences(expected: Map<string, Buffer>, actual: Map<string, Buffer>): string[] {
  const paths = new Set([...expected.keys(), ...actual.keys()]);
  return [...paths].filter((p) => {
    const a = expected.get(p);
    const b = actual.get(p);
    return a === undefined || b === undefined || !a.equals(b);
  }).sort();
}

function main(argv: readonly string[]): number {
  const ansDir = ansDirectory();
  if (!existsSync(path.join(ansDir, 'schematrons')) || !existsSync(path.join(ansDir, 'cda-schema'))) {
    process.stderr.write(`ANS reference data not found in ${ansDir} (set ANS_DIR)\n`);
    return 2;
  }
  const files = generate(ansDir);
  const relative = path.relative(REPO_ROOT, OUTPUT_DIR);
  if (argv.includes('--check')) {
    const diff = differences(files, readTree(OUTPUT_DIR));
    if (diff.length > 0) {
      process.stderr.write(`${relative} is out of date (${diff.length} files differ, e.g. ${diff.slice(0, 5).join(', ')}): run npx tsx scripts/build-cda-validation.ts\n`);
      return 1;
    }
    process.stdout.write(`${relative} is up to date (${files.size} files)\n`);
    return 0;
  }
  rmSync(OUTPUT_DIR, { recursive: true, force: true });
  let bytes = 0;
  for (const [file, content] of files) {
    const target = path.join(OUTPUT_DIR, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
    bytes += content.length;
  }
  process.stdout.write(`wrote ${files.size} files (${bytes} bytes) to ${relative} from ${ansDir}\n`);
  return 0;
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(path.resolve(invokedPath)).href) {
  process.exitCode = main(process.argv.slice(2));
}
