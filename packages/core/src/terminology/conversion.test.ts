/**
 * The shipped terminology agrees with the ANS source, code for code.
 *
 * The source is re-read here with its own small parser (not the converter's), so a converter bug
 * shows up as a difference. The ANS folder is `$ANS_DIR` or `../shared/ans` beside the repository;
 * without it these tests fail (they are not skipped).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generate, OUTPUT_FILE } from '../../../../scripts/convert-terminology.js';
import { canonicalSystem, codeSystemInfo, systemOid } from './code-systems.js';
import { GENERATED_TERMINOLOGY, VALUE_SET_IDS, valueSet, type ValueSetId } from './value-sets.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const ANS_DIR =
  process.env['ANS_DIR'] !== undefined && process.env['ANS_DIR'] !== ''
    ? path.resolve(process.env['ANS_DIR'])
    : path.resolve(REPO_ROOT, '..', 'shared', 'ans');

const SVS_IDS: readonly ValueSetId[] = ['J01', 'J02', 'J04', 'J07', 'J08', 'J11', 'J47', 'J48', 'J197', 'J231'];

// ---------- an independent reading of the sources ----------

function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g, (_m, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[entity] ?? '';
  });
}

function attributes(tagBody: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tagBody.matchAll(/([A-Za-z_:][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    out[m[1] as string] = decodeXml(m[2] ?? m[3] ?? '');
  }
  return out;
}

interface SourceValueSet {
  file: string;
  header: Record<string, string>;
  concepts: { system: string; code: string; display: string | undefined }[];
}

function readSvs(id: string): SourceValueSet {
  const files = readdirSync(path.join(ANS_DIR, 'value-sets')).filter((f) => f.startsWith(`JDV_${id}_`) && f.endsWith('.xml'));
  expect(files, `one JDV_${id}_*.xml`).toHaveLength(1);
  const file = files[0] as string;
  const xml = readFileSync(path.join(ANS_DIR, 'value-sets', file), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
  const header = attributes(/<(?:\w+:)?ValueSet\b([^>]*)>/.exec(xml)?.[1] ?? '');
  const concepts = [...xml.matchAll(/<(?:\w+:)?Concept\b([^>]*?)\/?>/g)].map((m) => {
    const a = attributes(m[1] ?? '');
    return { system: a['codeSystem'] ?? '', code: a['code'] ?? '', display: a['displayName'] };
  });
  return { file, header, concepts };
}

interface SourceJson {
  typeCodesDMP_J66_withClass: { system: string; code: string; display: string | null; classCode: string }[];
  formatCodesDMP_J60: { system: string; code: string }[];
  classCodes_TRE_A03: { system: string; oid: string; codes: Record<string, string> };
  visibility_TRE_A07: { system: string; oid: string; codes: string[] };
  confidentiality_J58: { hl7System: string; hl7Codes: string[] };
  accessModes_TRE_R248: { system: string; oid: string; codes: Record<string, string> };
}

function readJson(): SourceJson {
  return JSON.parse(readFileSync(path.join(ANS_DIR, 'dmp-terminology.json'), 'utf8')) as SourceJson;
}

/** `system|code|display[|class]` lines of the shipped value set, systems made canonical. */
function shippedLines(id: ValueSetId, withClass = false): string[] {
  const data = GENERATED_TERMINOLOGY.valueSets[id];
  expect(data, `shipped ${id}`).toBeDefined();
  return (data?.include ?? [])
    .flatMap((inc) =>
      inc.concepts.map((c) =>
        [canonicalSystem(inc.system), c.code, c.display ?? '', ...(withClass ? [c.classCode ?? ''] : [])].join('|'),
      ),
    )
    .sort();
}

/** The shipped concepts with the system exactly as shipped (OID / pseudo-id). */
function shippedRaw(id: ValueSetId): string[] {
  return (GENERATED_TERMINOLOGY.valueSets[id]?.include ?? [])
    .flatMap((inc) => inc.concepts.map((c) => `${inc.system}|${c.code}|${c.display ?? ''}`))
    .sort();
}

// ---------- the tests ----------

describe('ANS source folder', () => {
  it('is present (set ANS_DIR if it is not at ../shared/ans)', () => {
    expect(existsSync(path.join(ANS_DIR, 'dmp-terminology.json')), ANS_DIR).toBe(true);
    expect(existsSync(path.join(ANS_DIR, 'value-sets')), ANS_DIR).toBe(true);
  });
});

describe('CI-SIS value sets (IHE SVS) shipped code for code', () => {
  for (const id of SVS_IDS) {
    it(`${id} equals its SVS file`, () => {
      const source = readSvs(id);
      const expected = source.concepts.map((c) => `${c.system}|${c.code}|${c.display ?? ''}`).sort();
      expect(expected.length).toBeGreaterThan(0);
      expect(shippedRaw(id)).toEqual(expected);
      const shipped = GENERATED_TERMINOLOGY.valueSets[id];
      expect(shipped?.source).toBe(`value-sets/${source.file}`);
      expect(shipped?.oid).toBe(source.header['id']);
      expect(shipped?.url).toBe(source.header['urlFichier']);
      expect(shipped?.version).toBe(source.header['dateMaj']);
      // Every system used is in the OID/URL table.
      for (const c of source.concepts) expect(codeSystemInfo(c.system), `${id} ${c.system}`).toBeDefined();
    });
  }
});

describe('DMP lists (dmp-terminology.json) shipped code for code', () => {
  const json = readJson();

  it('J66: every type with its label and class', () => {
    const expected = json.typeCodesDMP_J66_withClass
      .map((e) => [canonicalSystem(e.system), e.code, e.display ?? '', e.classCode].join('|'))
      .sort();
    expect(expected.length).toBe(json.typeCodesDMP_J66_withClass.length);
    expect(shippedLines('J66', true)).toEqual(expected);
  });

  it('J60: every format code, the KOS DICOM UID moved from DCM to the DICOM UID registry', () => {
    const dcm = 'http://dicom.nema.org/resources/ontology/DCM';
    const expected = json.formatCodesDMP_J60
      .map((e) => {
        const system = e.system === dcm && /^[0-9.]+$/.test(e.code) ? 'urn:oid:1.2.840.10008.2.6.1' : e.system;
        return `${canonicalSystem(system)}|${e.code}|`;
      })
      .sort();
    expect(shippedLines('J60')).toEqual(expected);
    // The correction touches exactly the one KOS entry.
    expect(json.formatCodesDMP_J60.filter((e) => e.system === dcm).map((e) => e.code)).toEqual(['1.2.840.10008.5.1.4.1.1.88.59']);
  });

  it('J57: the TRE_A03 classes with their labels', () => {
    const expected = Object.entries(json.classCodes_TRE_A03.codes)
      .map(([code, label]) => `${canonicalSystem(json.classCodes_TRE_A03.system)}|${code}|${label}`)
      .sort();
    expect(shippedLines('J57')).toEqual(expected);
  });

  it('J58: HL7 N/R/V and the TRE_A07 flags, labelled as in J08', () => {
    const j08 = readSvs('J08');
    const label = (oid: string, code: string): string =>
      j08.concepts.find((c) => c.system === oid && c.code === code)?.display ?? '';
    const hl7Oid = '2.16.840.1.113883.5.25';
    const expected = [
      ...json.confidentiality_J58.hl7Codes.map((code) => `${canonicalSystem(json.confidentiality_J58.hl7System)}|${code}|${label(hl7Oid, code)}`),
      ...json.visibility_TRE_A07.codes.map(
        (code) => `${canonicalSystem(json.visibility_TRE_A07.system)}|${code}|${label(json.visibility_TRE_A07.oid, code)}`,
      ),
    ].sort();
    expect(shippedLines('J58')).toEqual(expected);
    // J58 (DMP) and J08 (CI-SIS) hold the same six codes.
    expect(shippedLines('J58')).toEqual(shippedLines('J08'));
  });

  it('code systems TRE_A03, TRE_A07, TRE_R248 as in the source', () => {
    const cs = GENERATED_TERMINOLOGY.codeSystems;
    const pairs = (entries: readonly { code: string; display?: string }[] | undefined): string[] =>
      (entries ?? []).map((e) => `${e.code}|${e.display ?? ''}`).sort();
    expect(pairs(cs['TRE_A03-ClasseDocument']?.concepts)).toEqual(
      Object.entries(json.classCodes_TRE_A03.codes).map(([c, l]) => `${c}|${l}`).sort(),
    );
    expect(pairs(cs['TRE_R248-ModeAcces']?.concepts)).toEqual(
      Object.entries(json.accessModes_TRE_R248.codes).map(([c, l]) => `${c}|${l}`).sort(),
    );
    expect((cs['TRE_A07-StatutVisibiliteDocument']?.concepts ?? []).map((c) => c.code).sort()).toEqual(
      [...json.visibility_TRE_A07.codes].sort(),
    );
    expect(cs['TRE_A03-ClasseDocument']?.system).toBe(json.classCodes_TRE_A03.oid);
    expect(cs['TRE_A07-StatutVisibiliteDocument']?.system).toBe(json.visibility_TRE_A07.oid);
    expect(cs['TRE_R248-ModeAcces']?.system).toBe(json.accessModes_TRE_R248.oid);
  });

  it('the OID/URL table agrees with every source that states both', () => {
    // dmp-terminology.json gives URL and OID for TRE_A03, TRE_A07, TRE_R248.
    for (const { system, oid } of [json.classCodes_TRE_A03, json.visibility_TRE_A07, json.accessModes_TRE_R248]) {
      expect(systemOid(system)).toBe(oid);
      expect(canonicalSystem(`urn:oid:${oid}`)).toBe(system);
    }
    // J66 (URLs) and J07 (OIDs) list the same types: the system of each must correspond.
    const j07 = readSvs('J07');
    let compared = 0;
    for (const t of json.typeCodesDMP_J66_withClass) {
      const inJ07 = j07.concepts.find((c) => c.code === t.code);
      if (inJ07 === undefined) continue;
      expect(systemOid(t.system), t.code).toBe(inJ07.system);
      compared++;
    }
    expect(compared).toBeGreaterThan(90);
    // J58 names the HL7 system by URL, J08 by OID.
    expect(systemOid(json.confidentiality_J58.hl7System)).toBe('2.16.840.1.113883.5.25');
  });
});

describe('generated file', () => {
  it('is exactly what the converter produces from the source (run npm run terminology if not)', () => {
    expect(readFileSync(OUTPUT_FILE, 'utf8')).toBe(generate(ANS_DIR));
  });

  it('ships every declared value set, each non-empty', () => {
    expect(Object.keys(GENERATED_TERMINOLOGY.valueSets).sort()).toEqual([...VALUE_SET_IDS].sort());
    for (const id of VALUE_SET_IDS) expect(valueSet(id).concepts.length, id).toBeGreaterThan(0);
  });
});
