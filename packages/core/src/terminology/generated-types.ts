/**
 * Shape of `generated/terminology.json`, written by `scripts/convert-terminology.ts` from the ANS
 * reference data (`../shared/ans`). Shared by the converter and the runtime code.
 */

/** One concept as shipped (its system is that of the enclosing include). */
export interface GeneratedConcept {
  readonly code: string;
  /** Label; absent when the source has none. */
  readonly display?: string;
  /** Only in J66: the TRE_A03 class the type implies (ConceptMap ASS_X16). */
  readonly classCode?: string;
}

/** The concepts of one code system in a value set, like FHIR `ValueSet.compose.include`. */
export interface GeneratedInclude {
  /** What CDA/SVS write in `codeSystem`: an OID, or `URN`/`ASTM` for TRE_A10/TRE_A12. */
  readonly system: string;
  /** Sorted by code (code-point order). */
  readonly concepts: readonly GeneratedConcept[];
}

/** One shipped value set. */
export interface GeneratedValueSet {
  /** Source name, e.g. `JDV_J07_XdsTypeCode_CISIS` or `JDV_J66_TypeCode_DMP`. */
  readonly name: string;
  /** Value-set OID from the SVS file, when the source gives one. */
  readonly oid?: string;
  /** `urlFichier` of the SVS file, when the source gives one. */
  readonly url?: string;
  /** `dateMaj` of the SVS file, when the source gives one. */
  readonly version?: string;
  /** Where it came from, relative to the ANS folder (`value-sets/<file>` or `dmp-terminology.json#<key>`). */
  readonly source: string;
  /** One entry a code system, sorted by system (code-point order). */
  readonly include: readonly GeneratedInclude[];
}

/** A small code system shipped whole (TRE_A03, TRE_A07, TRE_R248). */
export interface GeneratedCodeSystem {
  /** OID (CDA `codeSystem`). */
  readonly system: string;
  readonly source: string;
  readonly concepts: readonly { readonly code: string; readonly display?: string }[];
}

/** The whole generated file. */
export interface GeneratedTerminology {
  readonly generatedBy: string;
  readonly valueSets: Readonly<Record<string, GeneratedValueSet>>;
  readonly codeSystems: Readonly<Record<string, GeneratedCodeSystem>>;
}
