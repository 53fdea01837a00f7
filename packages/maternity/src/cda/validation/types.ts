/** One problem found in a CDA document. */
export interface ValidationIssue {
  readonly message: string;
  /** Where: an XPath-like location (`/ClinicalDocument[1]/code[1]`) for Schematron, `line N` for the schema. */
  readonly location?: string;
  /**
   * Schematron: the assert/report id, or its test when it has none. Schema: `xsd` (validity),
   * `well-formedness` (parser), `refused` (size, DOCTYPE), `xmllint` (other).
   */
  readonly rule?: string;
}

/** The issues of one Schematron. */
export interface SchematronReport {
  /** The Schematron file name (`CI-SIS_OBP-SNM_2024.01.sch`). */
  readonly schema: string;
  readonly errors: readonly ValidationIssue[];
  readonly warnings: readonly ValidationIssue[];
}

/**
 * The result of `validateCda`. `valid` is true when the schema and every Schematron run found no
 * error (warnings do not count). A document refused before validation (too large, a DOCTYPE,
 * not well-formed) has its reason in `xsd` and no Schematron run.
 */
export interface CdaValidationReport {
  readonly valid: boolean;
  readonly xsd: readonly ValidationIssue[];
  readonly schematron: readonly SchematronReport[];
}
