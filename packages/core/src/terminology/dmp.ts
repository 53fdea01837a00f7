/**
 * The DMP's own code lists (from `dmp-terminology.json`): document types J66 with the class each
 * implies (ConceptMap ASS_X16 onto J57), format codes J60, classes TRE_A03, visibility flags
 * TRE_A07, access modes TRE_R248, and the HL7 confidentiality codes of J58.
 */
import { codeSystemInfo, SYSTEMS } from './code-systems.js';
import type { GeneratedCodeSystem } from './generated-types.js';
import { GENERATED_TERMINOLOGY, valueSet } from './value-sets.js';

/** A document type the DMP accepts (J66) and the class it implies (J57, TRE_A03). */
export interface DmpDocumentType {
  /** LOINC code, or TRE_A05 code for types LOINC lacks (DOCPAT01, EXPPAT_3, REMB, ...). */
  readonly code: string;
  /** Canonical system URL (`http://loinc.org` or the TRE_A05 URL). */
  readonly system: string;
  /** Label from J07 as the DMP list gives it; undefined where the source has none (11526-1). */
  readonly display: string | undefined;
  /** TRE_A03 class code, e.g. `10` (compte rendu), `11` (synthèse). */
  readonly classCode: string;
}

/** Every document type of J66 with its class, sorted by system then code. */
export const DMP_DOCUMENT_TYPES: readonly DmpDocumentType[] = Object.freeze(
  (GENERATED_TERMINOLOGY.valueSets['J66']?.include ?? []).flatMap((include) => {
    const system = codeSystemInfo(include.system)?.url ?? include.system;
    return include.concepts.map((c): DmpDocumentType => {
      if (c.classCode === undefined) throw new Error(`J66 ${c.code} has no class`);
      return Object.freeze({ code: c.code, system, display: c.display, classCode: c.classCode });
    });
  }),
);

const TYPE_INDEX: ReadonlyMap<string, DmpDocumentType> = new Map(DMP_DOCUMENT_TYPES.map((t) => [`${t.system}\u0000${t.code}`, t]));

/**
 * The DMP document type `code` in `system` (any accepted spelling of LOINC or TRE_A05), with its
 * class; undefined when the DMP does not accept that type.
 */
export function dmpDocumentType(system: string, code: string): DmpDocumentType | undefined {
  const canonical = codeSystemInfo(system)?.url ?? system;
  return TYPE_INDEX.get(`${canonical}\u0000${code}`);
}

/** Whether `code` in `system` is a format code the DMP accepts (J60). */
export function isDmpFormatCode(system: string, code: string): boolean {
  return valueSet('J60').has(system, code);
}

function codeSystemData(name: string): GeneratedCodeSystem {
  const data = GENERATED_TERMINOLOGY.codeSystems[name];
  if (data === undefined) throw new Error(`code system ${name} is missing from the generated terminology`);
  return data;
}

function labels(name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of codeSystemData(name).concepts) out[c.code] = c.display ?? c.code;
  return out;
}

/** A label table whose keys must be exactly `keys`: fails at load if the shipped data disagrees. */
function exactLabels<K extends string>(name: string, keys: readonly K[]): Readonly<Record<K, string>> {
  const all = labels(name);
  const found = Object.keys(all).sort();
  const expected = [...keys].sort();
  if (found.join('|') !== expected.join('|')) {
    throw new Error(`${name}: shipped codes ${found.join(', ')} differ from the expected ${expected.join(', ')}`);
  }
  return Object.freeze(all as Record<K, string>);
}

/** Canonical URL of the document classes (TRE_A03). */
export const DOCUMENT_CLASS_SYSTEM: string = SYSTEMS.DOCUMENT_CLASS;

/** Document classes: TRE_A03 code -> label (`10` -> `Compte rendu`, `11` -> `Synthèse`, ...). */
export const DOCUMENT_CLASSES: Readonly<Record<string, string>> = Object.freeze(labels('TRE_A03-ClasseDocument'));

/** A visibility flag of TRE_A07 (DOMAIN.md §3). */
export type VisibilityCode = 'MASQUE_PS' | 'INVISIBLE_PATIENT' | 'INVISIBLE_REPRESENTANTS_LEGAUX';

/** Canonical URL of the visibility flags (TRE_A07). */
export const VISIBILITY_SYSTEM: string = SYSTEMS.VISIBILITY;

/** Visibility flags: TRE_A07 code -> label (labels from J08). */
export const VISIBILITY_CODES: Readonly<Record<VisibilityCode, string>> = exactLabels('TRE_A07-StatutVisibiliteDocument', [
  'MASQUE_PS',
  'INVISIBLE_PATIENT',
  'INVISIBLE_REPRESENTANTS_LEGAUX',
]);

/** An access mode of TRE_R248. */
export type AccessMode = 'normal' | 'bris_de_glace' | 'centre_15';

/** Canonical URL of the access modes (TRE_R248). */
export const ACCESS_MODE_SYSTEM: string = SYSTEMS.ACCESS_MODE;

/** Access modes: TRE_R248 code -> label. */
export const ACCESS_MODES: Readonly<Record<AccessMode, string>> = exactLabels('TRE_R248-ModeAcces', [
  'normal',
  'bris_de_glace',
  'centre_15',
]);

/** An HL7 v3 confidentiality code the DMP keeps (J58). */
export type ConfidentialityCode = 'N' | 'R' | 'V';

/** Canonical URL of the HL7 confidentiality codes (accepted also as `urn:oid:2.16.840.1.113883.5.25` or TRE_A08). */
export const CONFIDENTIALITY_SYSTEM: string = SYSTEMS.HL7_CONFIDENTIALITY;

/** HL7 confidentiality codes of J58: code -> label (labels from J08). */
export const CONFIDENTIALITY_CODES: Readonly<Record<ConfidentialityCode, string>> = (() => {
  const out: Record<string, string> = {};
  const j58 = valueSet('J58');
  for (const c of j58.concepts) {
    if (c.system === CONFIDENTIALITY_SYSTEM) out[c.code] = c.display ?? c.code;
  }
  const found = Object.keys(out).sort().join('|');
  if (found !== 'N|R|V') throw new Error(`J58: HL7 confidentiality codes ${found} differ from N, R, V`);
  return Object.freeze(out as Record<ConfidentialityCode, string>);
})();

/** Whether `code` is a TRE_A07 visibility flag. */
export function isVisibilityCode(code: string): code is VisibilityCode {
  return Object.hasOwn(VISIBILITY_CODES, code);
}

/** Whether `code` is a TRE_R248 access mode. */
export function isAccessMode(code: string): code is AccessMode {
  return Object.hasOwn(ACCESS_MODES, code);
}

/** Whether `code` is one of the HL7 confidentiality codes N, R, V. */
export function isConfidentialityCode(code: string): code is ConfidentialityCode {
  return Object.hasOwn(CONFIDENTIALITY_CODES, code);
}

/** Label of a TRE_A03 class code, or undefined. */
export function classLabel(code: string): string | undefined {
  return Object.hasOwn(DOCUMENT_CLASSES, code) ? DOCUMENT_CLASSES[code] : undefined;
}

/**
 * Label of a document type code: from the DMP list J66, else from the CI-SIS list J07. With
 * `system` (any accepted spelling) only that system is searched; without it the code alone is
 * matched (LOINC and TRE_A05 codes do not collide).
 */
export function typeLabel(code: string, system?: string): string | undefined {
  if (system !== undefined) {
    return dmpDocumentType(system, code)?.display ?? valueSet('J07').display(system, code);
  }
  const fromDmp = DMP_DOCUMENT_TYPES.find((t) => t.code === code)?.display;
  return fromDmp ?? valueSet('J07').concepts.find((c) => c.code === code)?.display;
}
