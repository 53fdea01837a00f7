/**
 * The value sets the project ships, read from `generated/terminology.json` (converted from the ANS
 * reference data by `scripts/convert-terminology.ts`), with lookups that accept a system in any form.
 */
import generatedJson from './generated/terminology.json' with { type: 'json' };
import { codeSystemInfo } from './code-systems.js';
import type { GeneratedTerminology, GeneratedValueSet } from './generated-types.js';

/** The generated data as shipped (systems as CDA writes them: OIDs, or `URN`/`ASTM`). */
export const GENERATED_TERMINOLOGY: GeneratedTerminology = generatedJson;

/**
 * Identifiers of the shipped value sets.
 * CI-SIS (from `value-sets/`): J01 author specialty, J02 facility type, J04 practice setting,
 * J07 type code, J08 confidentiality, J11 relation to the patient, J47 function code,
 * J48 profession of non-health professionals, J197 / J231 referenceIdList identifier types (CI-SIS / DMP).
 * DMP (from `dmp-terminology.json`): J57 class code, J58 confidentiality + visibility,
 * J60 format code, J66 type code.
 */
export type ValueSetId =
  | 'J01'
  | 'J02'
  | 'J04'
  | 'J07'
  | 'J08'
  | 'J11'
  | 'J47'
  | 'J48'
  | 'J57'
  | 'J58'
  | 'J60'
  | 'J66'
  | 'J197'
  | 'J231';

/** Every shipped value-set id, in J-number order. */
export const VALUE_SET_IDS: readonly ValueSetId[] = [
  'J01',
  'J02',
  'J04',
  'J07',
  'J08',
  'J11',
  'J47',
  'J48',
  'J57',
  'J58',
  'J60',
  'J66',
  'J197',
  'J231',
];

/** Whether a string names a shipped value set. */
export function isValueSetId(id: string): id is ValueSetId {
  return (VALUE_SET_IDS as readonly string[]).includes(id);
}

/** One concept of a value set. */
export interface Concept {
  /** Canonical system URL (what FHIR output carries). */
  readonly system: string;
  /** OID of the system, when it has one. */
  readonly oid: string | undefined;
  /** What CDA writes in `codeSystem` (the OID, or `URN`/`ASTM`). */
  readonly cdaCodeSystem: string;
  readonly code: string;
  readonly display: string | undefined;
}

/** A shipped value set with its lookups. */
export interface ValueSet {
  readonly id: ValueSetId;
  /** Source name, e.g. `JDV_J07_XdsTypeCode_CISIS`. */
  readonly name: string;
  /** Value-set OID, when the source gives one (the SVS files do; the DMP lists do not). */
  readonly oid: string | undefined;
  /** ANS address of the value set, when the source gives one. */
  readonly url: string | undefined;
  /** Source version (`dateMaj`), when given. */
  readonly version: string | undefined;
  /** Source file, relative to the ANS folder. */
  readonly source: string;
  /** All concepts, sorted by system then code. */
  readonly concepts: readonly Concept[];
  /** Whether the value set holds `code` in `system` (system as `urn:oid:`, bare OID, URL or alias). */
  has(system: string, code: string): boolean;
  /** The label of `code` in `system`, or undefined when absent (or when the source has no label). */
  display(system: string, code: string): string | undefined;
  /** The concept `code` in `system`, or undefined. */
  lookup(system: string, code: string): Concept | undefined;
}

/** Map key of a (system, code) pair: the canonical system, so every spelling meets. */
function key(system: string, code: string): string {
  return `${codeSystemInfo(system)?.url ?? system}\u0000${code}`;
}

function build(id: ValueSetId, data: GeneratedValueSet): ValueSet {
  const concepts: Concept[] = [];
  const index = new Map<string, Concept>();
  for (const include of data.include) {
    const info = codeSystemInfo(include.system);
    for (const c of include.concepts) {
      const concept: Concept = Object.freeze({
        system: info?.url ?? include.system,
        oid: info?.oid,
        cdaCodeSystem: info?.cdaCodeSystem ?? include.system,
        code: c.code,
        display: c.display,
      });
      concepts.push(concept);
      index.set(key(include.system, c.code), concept);
    }
  }
  const lookup = (system: string, code: string): Concept | undefined => index.get(key(system, code));
  return Object.freeze({
    id,
    name: data.name,
    oid: data.oid,
    url: data.url,
    version: data.version,
    source: data.source,
    concepts: Object.freeze(concepts),
    has: (system: string, code: string): boolean => lookup(system, code) !== undefined,
    display: (system: string, code: string): string | undefined => lookup(system, code)?.display,
    lookup,
  });
}

const cache = new Map<ValueSetId, ValueSet>();

/** The shipped value set `id` (built on first use). */
export function valueSet(id: ValueSetId): ValueSet {
  let vs = cache.get(id);
  if (vs === undefined) {
    const data = GENERATED_TERMINOLOGY.valueSets[id];
    if (data === undefined) throw new Error(`value set ${id} is missing from the generated terminology`);
    vs = build(id, data);
    cache.set(id, vs);
  }
  return vs;
}
