/**
 * The access module: the one place that decides who may do what on a record (DESIGN.md §2.1).
 */
export type * from './types.js';
export { decide, searchScope, CENTRE_15_REGULATOR } from './decide.js';
export { documentInScope, scopeExclusion, type Exclusion } from './scope-match.js';
export { RULE, EMERGENCY_RULES, isEmergencyAccess, type RuleName } from './rules.js';
export {
  HABILITATION_MATRIX,
  habilitation,
  habilitationFilter,
  passesFilter,
  professionCategory,
  type DocumentFilter,
  type HabilitationRow,
  type ProfessionCategory,
  type ProfessionCode,
} from './habilitation-matrix.js';
export { FORBIDDEN_ACTORS, forbiddenActor, type ForbiddenEntry, type ForbiddenMatch, type ForbiddenRule } from './forbidden.js';
export {
  CARE_HISTORY,
  DOCUMENT_CLASS,
  PATIENT_DEPOSIT_TYPES,
  RESERVED_FROM_PROFESSIONALS,
  RESIDENCE_CERTIFICATE,
  SENSITIVE_TYPES,
  type DocumentTypeCode,
} from './document-codes.js';
