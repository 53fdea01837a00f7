import type { RecordPart } from './api-contract.js';

/**
 * How documents fall into the parts of the record the seed lists (DOMAIN.md §2): a starting map
 * kept as data. Types first, then classes; what matches neither is a report (hospital-reports).
 */
export const PART_BY_TYPE: Readonly<Record<string, RecordPart>> = {
  REMB: 'care-history',
  '11502-2': 'exam-results', // CR d'examens biologiques
  '18748-4': 'exam-results', // CR d'imagerie médicale
  EXPPAT_1: 'emergency-contacts', // volontés et droits du patient
  EXPPAT_2: 'advance-directives',
  EXPPAT_3: 'advance-directives', // directives anticipées
  '34112-3': 'hospital-reports',
  '11490-0': 'hospital-reports',
  '15508-5': 'hospital-reports',
  '34874-8': 'hospital-reports',
  '57057-2': 'hospital-reports',
};

export const PART_BY_CLASS: Readonly<Record<string, RecordPart>> = {
  '60': 'care-history',
  '11': 'medical-history',
  '31': 'exam-results',
  '90': 'patient-documents',
};

/** The order the home page shows the parts in. */
export const RECORD_PARTS: readonly RecordPart[] = [
  'care-history',
  'medical-history',
  'exam-results',
  'hospital-reports',
  'emergency-contacts',
  'advance-directives',
  'patient-documents',
];

/** The part a document belongs to. */
export function partOf(typeCode: string, classCode: string): RecordPart {
  if (typeCode.startsWith('DOCPAT')) return 'patient-documents';
  return PART_BY_TYPE[typeCode] ?? PART_BY_CLASS[classCode] ?? 'hospital-reports';
}
