/**
 * Terminology: code systems (OID <-> URL), the shipped CI-SIS and DMP value sets, and the DMP code
 * lists. Data converted from the ANS reference files by `scripts/convert-terminology.ts`.
 */
export {
  CODE_SYSTEMS,
  SYSTEMS,
  canonicalSystem,
  cdaCodeSystem,
  codeSystemInfo,
  sameSystem,
  systemOid,
  type CodeSystemInfo,
} from './code-systems.js';
export {
  GENERATED_TERMINOLOGY,
  VALUE_SET_IDS,
  isValueSetId,
  valueSet,
  type Concept,
  type ValueSet,
  type ValueSetId,
} from './value-sets.js';
export {
  ACCESS_MODES,
  ACCESS_MODE_SYSTEM,
  CONFIDENTIALITY_CODES,
  CONFIDENTIALITY_SYSTEM,
  DMP_DOCUMENT_TYPES,
  DOCUMENT_CLASSES,
  DOCUMENT_CLASS_SYSTEM,
  VISIBILITY_CODES,
  VISIBILITY_SYSTEM,
  classLabel,
  dmpDocumentType,
  isAccessMode,
  isConfidentialityCode,
  isDmpFormatCode,
  isVisibilityCode,
  typeLabel,
  type AccessMode,
  type ConfidentialityCode,
  type DmpDocumentType,
  type VisibilityCode,
} from './dmp.js';
export type {
  GeneratedCodeSystem,
  GeneratedConcept,
  GeneratedInclude,
  GeneratedTerminology,
  GeneratedValueSet,
} from './generated-types.js';
