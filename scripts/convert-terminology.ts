/**
 * Converts the ANS reference terminology into the data the project ships.
 *
 *   npx tsx scripts/convert-terminology.ts           # (re)write the generated file
 *   npx tsx scripts/convert-terminology.ts --check   # exit 1 if the generated file is out of date
 *   npm run terminology
 *
 * Reads `<ANS>/value-sets/JDV_*.xml` (IHE SVS) and `<ANS>/dmp-terminology.json`, where `<ANS>` is
 * `$ANS_DIR` or `../shared/ans` next to the repository, and writes
 * `packages/core/src/terminology/generated/terminology.json`. The output is deterministic: value
 * sets in id order, concepts sorted by system then code (code-point order), no timestamps.
 * Every code system met must be in the OID/URL table of `code-systems.ts`; the script fails otherwise.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { codeSystemInfo } from '../packages/core/src/terminology/code-systems.js';
import type {
  GeneratedCodeSystem,
  GeneratedConcept,
  GeneratedInclude,
  GeneratedTerminology,
  GeneratedValueSet,
} from '../packages/core/src/terminology/generated-types.js';

/** A concept with its system, before grouping by system. */
export interface FlatConcept extends GeneratedConcept {
  readonly system: string;
}

/** A parsed value set, concepts not yet grouped. */
export type ParsedValueSet = Omit<GeneratedValueSet, 'include'> & { readonly concepts: readonly FlatConcept[] };

/** The CI-SIS value sets (IHE SVS files) the project ships, by their J number. */
export const SVS_VALUE_SET_IDS = ['J01', 'J02', 'J04', 'J07', 'J08', 'J11', 'J47', 'J48', 'J197', 'J231'] as const;

/** The repository root (this file is `<root>/scripts/convert-terminology.ts`). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where the generated data goes. */
export const OUTPUT_FILE = path.join(REPO_ROOT, 'packages', 'core', 'src', 'terminology', 'generated', 'terminology.json');

/** The ANS folder: `$ANS_DIR` when set, else `../shared/ans` beside the repository. */
export function ansDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const override = env['ANS_DIR'];
  return override !== undefined && override !== '' ? path.resolve(override) : path.resolve(REPO_ROOT, '..', 'shared', 'ans');
}

/** The one SVS file of value set `id` (`JDV_<id>_*.xml`) in `<ans>/value-sets`; fails if none or several. */
export function svsFileName(ansDir: string, id: string): string {
  const files = readdirSync(path.join(ansDir, 'value-sets')).filter((f) => f.startsWith(`JDV_${id}_`) && f.endsWith('.xml'));
  if (files.length !== 1) {
    throw new Error(`expected exactly one value-sets/JDV_${id}_*.xml in ${ansDir}, found ${files.length}`);
  }
  return files[0] as string;
}

/** The CDA/SVS identifier of a system given as a URL or OID; fails on a system the table lacks. */
function cdaSystem(system: string, where: string): string {
  const info = codeSystemInfo(system);
  if (info === undefined) {
    throw new Error(`${where}: code system ${system} is not in packages/core/src/terminology/code-systems.ts`);
  }
  return info.cdaCodeSystem;
}

function compareConcepts(a: FlatConcept, b: FlatConcept): number {
  if (a.system !== b.system) return a.system < b.system ? -1 : 1;
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  return 0;
}

/** Sorts by system then code, fails on duplicates, and groups by system. */
function grouped(concepts: readonly FlatConcept[], where: string): GeneratedInclude[] {
  const sorted = [...concepts].sort(compareConcepts);
  const include: { system: string; concepts: GeneratedConcept[] }[] = [];
  let previous: FlatConcept | undefined;
  for (const concept of sorted) {
    if (previous !== undefined && compareConcepts(previous, concept) === 0) {
      throw new Error(`${where}: duplicate concept ${concept.system}|${concept.code}`);
    }
    const { system, ...rest } = concept;
    const last = include[include.length - 1];
    if (last !== undefined && last.system === system) last.concepts.push(rest);
    else include.push({ system, concepts: [rest] });
    previous = concept;
  }
  return include;
}

function stringAttr(node: Record<string, unknown>, name: string, where: string): string | undefined {
  const value = node[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new Error(`${where}: attribute ${name} is not text`);
  if (value.includes('&')) throw new Error(`${where}: undecoded entity in ${name}: ${value}`);
  return value;
}

function asRecord(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: not an element`);
  return value as Record<string, unknown>;
}

/** Parses one IHE SVS `RetrieveValueSetResponse` file into a shipped value set (concepts unsorted). */
export function parseSvs(xml: string, source: string): ParsedValueSet {
  if (/<!DOCTYPE/i.test(xml)) throw new Error(`${source}: DOCTYPE not allowed`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    removeNSPrefix: true,
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    processEntities: true,
    htmlEntities: false,
    isArray: (name) => name === 'Concept' || name === 'ConceptList',
  });
  const root = asRecord(asRecord(parser.parse(xml) as unknown, source)['RetrieveValueSetResponse'], source);
  const vs = asRecord(root['ValueSet'], `${source} ValueSet`);
  const name = (stringAttr(vs, 'displayName', source) ?? '').replace(/\.tabs$/, '');
  const oid = stringAttr(vs, 'id', source);
  const url = stringAttr(vs, 'urlFichier', source);
  const version = stringAttr(vs, 'dateMaj', source);
  const lists = vs['ConceptList'];
  if (!Array.isArray(lists)) throw new Error(`${source}: no ConceptList`);
  const concepts: FlatConcept[] = [];
  for (const list of lists) {
    const items = asRecord(list, source)['Concept'];
    if (!Array.isArray(items)) continue;
    for (const item of items) {
      const node = asRecord(item, source);
      const code = stringAttr(node, 'code', source);
      const system = stringAttr(node, 'codeSystem', source);
      const display = stringAttr(node, 'displayName', source);
      if (code === undefined || system === undefined) throw new Error(`${source}: Concept without code or codeSystem`);
      cdaSystem(system, `${source} ${code}`);
      concepts.push(display === undefined ? { system, code } : { system, code, display });
    }
  }
  if (name === '' || concepts.length === 0) throw new Error(`${source}: empty value set`);
  return {
    name,
    ...(oid !== undefined ? { oid } : {}),
    ...(url !== undefined ? { url } : {}),
    ...(version !== undefined ? { version } : {}),
    source,
    concepts,
  };
}

// ----- dmp-terminology.json -----

interface DmpTypeEntry {
  system: string;
  code: string;
  display: string | null;
  classCode: string;
}
interface DmpFormatEntry {
  system: string;
  code: string;
}
interface DmpCodeSystemWithLabels {
  system: string;
  oid: string;
  codes: Record<string, string>;
}
interface DmpTerminologySource {
  typeCodesDMP_J66_withClass: DmpTypeEntry[];
  classCodes_TRE_A03: DmpCodeSystemWithLabels;
  visibility_TRE_A07: { system: string; oid: string; codes: string[] };
  confidentiality_J58: { hl7System: string; hl7Codes: string[] };
  accessModes_TRE_R248: DmpCodeSystemWithLabels;
  formatCodesDMP_J60: DmpFormatEntry[];
}

function isString(v: unknown): v is string {
  return typeof v === 'string';
}

/** Reads and checks the shape of `dmp-terminology.json`. */
export function readDmpTerminology(file: string): DmpTerminologySource {
  const raw = asRecord(JSON.parse(readFileSync(file, 'utf8')) as unknown, file);
  const list = (key: string): Record<string, unknown>[] => {
    const value = raw[key];
    if (!Array.isArray(value)) throw new Error(`${file}: ${key} is not a list`);
    return value.map((v) => asRecord(v, `${file} ${key}`));
  };
  const types = list('typeCodesDMP_J66_withClass').map((e): DmpTypeEntry => {
    const { system, code, display, classCode } = e;
    if (!isString(system) || !isString(code) || !isString(classCode) || !(display === null || isString(display))) {
      throw new Error(`${file}: bad J66 entry ${JSON.stringify(e)}`);
    }
    return { system, code, display, classCode };
  });
  const formats = list('formatCodesDMP_J60').map((e): DmpFormatEntry => {
    const { system, code } = e;
    if (!isString(system) || !isString(code)) throw new Error(`${file}: bad J60 entry ${JSON.stringify(e)}`);
    return { system, code };
  });
  const labelled = (key: string): DmpCodeSystemWithLabels => {
    const o = asRecord(raw[key], `${file} ${key}`);
    const codes = asRecord(o['codes'], `${file} ${key}.codes`);
    if (!isString(o['system']) || !isString(o['oid']) || !Object.values(codes).every(isString)) {
      throw new Error(`${file}: bad ${key}`);
    }
    return { system: o['system'], oid: o['oid'], codes: codes as Record<string, string> };
  };
  const visibility = asRecord(raw['visibility_TRE_A07'], `${file} visibility_TRE_A07`);
  const confidentiality = asRecord(raw['confidentiality_J58'], `${file} confidentiality_J58`);
  const visCodes = visibility['codes'];
  const hl7Codes = confidentiality['hl7Codes'];
  if (
    !isString(visibility['system']) ||
    !isString(visibility['oid']) ||
    !Array.isArray(visCodes) ||
    !visCodes.every(isString) ||
    !isString(confidentiality['hl7System']) ||
    !Array.isArray(hl7Codes) ||
    !hl7Codes.every(isString)
  ) {
    throw new Error(`${file}: bad visibility_TRE_A07 or confidentiality_J58`);
  }
  return {
    typeCodesDMP_J66_withClass: types,
    formatCodesDMP_J60: formats,
    classCodes_TRE_A03: labelled('classCodes_TRE_A03'),
    accessModes_TRE_R248: labelled('accessModes_TRE_R248'),
    visibility_TRE_A07: { system: visibility['system'], oid: visibility['oid'], codes: visCodes },
    confidentiality_J58: { hl7System: confidentiality['hl7System'], hl7Codes },
  };
}

const DICOM_DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const DICOM_UID_PATTERN = /^[0-2](\.(0|[1-9][0-9]*))+$/;

/**
 * The system of a J60 entry. One documented correction: the DMP's FSH wrote the KOS format code
 * (a DICOM UID, 1.2.840.10008.5.1.4.1.1.88.59) with the alias `$dcmuid`, which the JSON rendered as
 * the DICOM terminology `DCM`; a DICOM UID belongs to the DICOM UID registry (1.2.840.10008.2.6.1,
 * TRE_A09), which is what XDS-I writes as its codingScheme.
 */
export function j60System(system: string, code: string): string {
  return system === DICOM_DCM && DICOM_UID_PATTERN.test(code) ? '1.2.840.10008.2.6.1' : system;
}

function checkOid(system: string, oid: string, where: string): string {
  const info = codeSystemInfo(system);
  if (info === undefined || info.oid !== oid || codeSystemInfo(oid) !== info) {
    throw new Error(`${where}: ${system} / ${oid} disagrees with the OID/URL table`);
  }
  return oid;
}

/** Builds the whole generated terminology from an ANS folder. */
export function buildTerminology(ansDir: string): GeneratedTerminology {
  const valueSets: Record<string, GeneratedValueSet> = {};
  const svsConcepts = new Map<string, readonly FlatConcept[]>();
  for (const id of SVS_VALUE_SET_IDS) {
    const file = svsFileName(ansDir, id);
    const source = `value-sets/${file}`;
    const parsed = parseSvs(readFileSync(path.join(ansDir, 'value-sets', file), 'utf8'), source);
    const { concepts, ...meta } = parsed;
    svsConcepts.set(id, concepts);
    valueSets[id] = { ...meta, include: grouped(concepts, source) };
  }

  const jsonName = 'dmp-terminology.json';
  const dmp = readDmpTerminology(path.join(ansDir, jsonName));

  // J08 (CI-SIS) carries the labels of the confidentiality and visibility codes that J58 (DMP) lists.
  const j08 = svsConcepts.get('J08') ?? [];
  const j08Label = (system: string, code: string): string | undefined =>
    j08.find((c) => c.system === system && c.code === code)?.display;
  const withDisplay = (system: string, code: string, display: string | null | undefined): FlatConcept =>
    display === null || display === undefined ? { system, code } : { system, code, display };

  valueSets['J66'] = {
    name: 'JDV_J66_TypeCode_DMP',
    source: `${jsonName}#typeCodesDMP_J66_withClass`,
    include: grouped(
      dmp.typeCodesDMP_J66_withClass.map((e) => ({
        ...withDisplay(cdaSystem(e.system, 'J66'), e.code, e.display),
        classCode: e.classCode,
      })),
      'J66',
    ),
  };

  const a03 = dmp.classCodes_TRE_A03;
  const a03Oid = checkOid(a03.system, a03.oid, 'classCodes_TRE_A03');
  valueSets['J57'] = {
    name: 'JDV_J57_ClassCode_DMP',
    source: `${jsonName}#classCodes_TRE_A03`,
    include: grouped(
      Object.entries(a03.codes).map(([code, label]) => withDisplay(a03Oid, code, label)),
      'J57',
    ),
  };
  for (const t of dmp.typeCodesDMP_J66_withClass) {
    if (a03.codes[t.classCode] === undefined) throw new Error(`J66 ${t.code}: class ${t.classCode} not in TRE_A03`);
  }

  const vis = dmp.visibility_TRE_A07;
  const visOid = checkOid(vis.system, vis.oid, 'visibility_TRE_A07');
  const hl7Oid = cdaSystem(dmp.confidentiality_J58.hl7System, 'confidentiality_J58');
  valueSets['J58'] = {
    name: 'JDV_J58_ConfidentialityCode_DMP',
    source: `${jsonName}#confidentiality_J58 (labels from value-sets/${svsFileName(ansDir, 'J08')})`,
    include: grouped(
      [
        ...dmp.confidentiality_J58.hl7Codes.map((code) => withDisplay(hl7Oid, code, j08Label(hl7Oid, code))),
        ...vis.codes.map((code) => withDisplay(visOid, code, j08Label(visOid, code))),
      ],
      'J58',
    ),
  };

  valueSets['J60'] = {
    name: 'JDV_J60_FormatCode_DMP',
    source: `${jsonName}#formatCodesDMP_J60`,
    include: grouped(
      dmp.formatCodesDMP_J60.map((e) => ({ system: cdaSystem(j60System(e.system, e.code), 'J60'), code: e.code })),
      'J60',
    ),
  };

  const r248 = dmp.accessModes_TRE_R248;
  const r248Oid = checkOid(r248.system, r248.oid, 'accessModes_TRE_R248');
  const codeSystems: Record<string, GeneratedCodeSystem> = {
    'TRE_A03-ClasseDocument': {
      system: a03Oid,
      source: `${jsonName}#classCodes_TRE_A03`,
      concepts: Object.keys(a03.codes)
        .sort()
        .map((code) => ({ code, display: a03.codes[code] as string })),
    },
    'TRE_A07-StatutVisibiliteDocument': {
      system: visOid,
      source: `${jsonName}#visibility_TRE_A07 (labels from value-sets/${svsFileName(ansDir, 'J08')})`,
      concepts: [...vis.codes].sort().map((code) => {
        const display = j08Label(visOid, code);
        return display === undefined ? { code } : { code, display };
      }),
    },
    'TRE_R248-ModeAcces': {
      system: r248Oid,
      source: `${jsonName}#accessModes_TRE_R248`,
      concepts: Object.keys(r248.codes)
        .sort()
        .map((code) => ({ code, display: r248.codes[code] as string })),
    },
  };

  const ordered: Record<string, GeneratedValueSet> = {};
  for (const id of Object.keys(valueSets).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))) {
    ordered[id] = valueSets[id] as GeneratedValueSet;
  }
  return {
    generatedBy:
      'scripts/convert-terminology.ts from the ANS reference data (../shared/ans, MIT licence, copyright ANS). Do not edit: run npm run terminology.',
    valueSets: ordered,
    codeSystems,
  };
}

function isFlat(value: unknown): boolean {
  return value === null || typeof value !== 'object' || (!Array.isArray(value) && Object.values(value).every((v) => v === null || typeof v !== 'object'));
}

/** JSON text with one concept a line: small, readable, stable diffs. */
export function serialise(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((v) => inner + (isFlat(v) ? JSON.stringify(v) : serialise(v, inner)));
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const items = entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${serialise(v, inner)}`);
    return `{\n${items.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** The exact text of the generated file for an ANS folder. */
export function generate(ansDir: string): string {
  return `${serialise(buildTerminology(ansDir))}\n`;
}

function main(argv: readonly string[]): number {
  const ansDir = ansDirectory();
  if (!existsSync(path.join(ansDir, 'dmp-terminology.json'))) {
    process.stderr.write(`ANS reference data not found in ${ansDir} (set ANS_DIR)\n`);
    return 2;
  }
  const text = generate(ansDir);
  const relative = path.relative(REPO_ROOT, OUTPUT_FILE);
  if (argv.includes('--check')) {
    const current = existsSync(OUTPUT_FILE) ? readFileSync(OUTPUT_FILE, 'utf8') : '';
    if (current !== text) {
      process.stderr.write(`${relative} is out of date: run npm run terminology\n`);
      return 1;
    }
    process.stdout.write(`${relative} is up to date\n`);
    return 0;
  }
  mkdirSync(path.dirname(OUTPUT_FILE), { recursive: true });
  writeFileSync(OUTPUT_FILE, text);
  process.stdout.write(`wrote ${relative} (${text.length} bytes) from ${ansDir}\n`);
  return 0;
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(path.resolve(invokedPath)).href) {
  process.exitCode = main(process.argv.slice(2));
}
