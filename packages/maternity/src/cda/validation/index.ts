/**
 * CDA validation for the maternity connector: `validateCda(xml)` checks a CDA R2 document against
 * the CI-SIS CDA schema and Schematrons (generic rules plus the model's own). See validate-cda.ts.
 */
export { validateCda, preloadCdaValidation, applicableSchematrons, type ValidateCdaOptions } from './validate-cda.js';
export type { CdaValidationReport, SchematronReport, ValidationIssue } from './types.js';
export { CISIS_MODELS, GENERIC_SCHEMATRONS, selectModels, type CisisModel } from './models.js';
