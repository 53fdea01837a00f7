import type { RecordPart } from '../api.js';

/** The order of the record's parts (the seed's six, then the patient's own documents). */
export const PARTS: readonly RecordPart[] = [
  'care-history',
  'medical-history',
  'exam-results',
  'hospital-reports',
  'emergency-contacts',
  'advance-directives',
  'patient-documents',
];

/** Where a part is managed: its own page for the parts with structured entries, else the filtered document list. */
export function partHref(part: RecordPart): string {
  switch (part) {
    case 'medical-history':
      return '/antecedents';
    case 'emergency-contacts':
      return '/contacts-urgence';
    case 'advance-directives':
      return '/directives-anticipees';
    default:
      return `/documents?part=${part}`;
  }
}

/** Document types a patient may add (TRE_A05), with their French display names. */
export const PATIENT_TYPES: readonly { code: string; fr: string; en: string }[] = [
  { code: 'DOCPAT01', fr: 'Synthèse déposée par le patient', en: 'Summary added by the patient' },
  { code: 'DOCPAT02', fr: 'Traitement ou document de soins déposé par le patient', en: 'Treatment or care document added by the patient' },
  { code: 'DOCPAT03', fr: 'Compte rendu déposé par le patient', en: 'Report added by the patient' },
  { code: 'DOCPAT04', fr: 'Imagerie déposée par le patient', en: 'Imaging added by the patient' },
  { code: 'DOCPAT05', fr: 'Compte rendu de biologie déposé par le patient', en: 'Laboratory report added by the patient' },
  { code: 'DOCPAT06', fr: 'Compte rendu de prévention déposé par le patient', en: 'Prevention report added by the patient' },
  { code: 'DOCPAT07', fr: 'Certificat déposé par le patient', en: 'Certificate added by the patient' },
  { code: 'DOCPAT09', fr: 'Document administratif déposé par le patient', en: 'Administrative document added by the patient' },
  { code: 'EXPPAT_1', fr: 'Volontés et droits du patient', en: 'Patient’s wishes and rights' },
  { code: 'EXPPAT_2', fr: 'Autre document du patient', en: 'Other patient document' },
  { code: 'EXPPAT_3', fr: 'Directives anticipées', en: 'Advance directives' },
];
