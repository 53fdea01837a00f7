/**
 * CDA validation for the maternity connector: `validateCda(xml)` checks a CDA R2 document against
 * the CI-SIS CDA schema and Schematrons (generic rules plus the model's own). See validate-cda.ts.
 *
 * - Schema: `CDA_extended.xsd` with libxml2 (xmllint-wasm), in a worker thread.
 * - Schematron: an ISO Schematron engine of this folder (schematron-model.ts, schematron-engine.ts)
 *   evaluating the rules' XPath with SaxonJS; every expression compiled once per process.
 * - Resources: `packages/maternity/resources/cda-validation/`, made by
 *   `npx tsx scripts/build-cda-validation.ts` from the ANS reference folder; models in models.ts.
 * - Command line: `npx tsx packages/maternity/src/cda/validation/cli.ts file.xml...`.
 *
 * Upstream defects met (ANS TestContenuCDA-3-0): the minimal-structuration rules read
 * `include/voc-1.2.250.1.213.1.1.5.471-DYNAMIC.xml` (JDV_J07), absent from the repository: the build
 * script makes it from the SVS value set with that OID; their INT rule's regex `^+?\d*$` is
 * valid for Saxon (Java) but not for JavaScript: the engine drops quantifiers on anchors, as
 * Saxon reads them.
 */
export { validateCda, preloadCdaValidation, applicableSchematrons, type ValidateCdaOptions } from './validate-cda.js';
export type { CdaValidationReport, SchematronReport, ValidationIssue } from './types.js';
export { CISIS_MODELS, GENERIC_SCHEMATRONS, selectModels, type CisisModel } from './models.js';
