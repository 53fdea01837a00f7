/**
 * The document codes the access rules name, as data. Every code below was checked against the DMP's
 * type list JDV_J66 with its class (ASS_X16, `../shared/ans/dmp-terminology.json`,
 * `typeCodesDMP_J66_withClass`) and the CI-SIS value set J07 (`JDV_J07_XdsTypeCode_CISIS.xml`);
 * `document-codes.test.ts` checks them again against those files.
 */

/** A document type code (LOINC or TRE_A05) with the class J66 gives it, and its label. */
export interface DocumentTypeCode {
  readonly code: string;
  /** The class (TRE_A03) the DMP's type-to-class map ASS_X16 gives this type. */
  readonly classCode: string;
  readonly display: string;
}

/** Document classes (TRE_A03, OID 1.2.250.1.213.1.1.4.1) the rules name. */
export const DOCUMENT_CLASS = {
  /** Plan/protocole de soins (care plans). */
  carePlan: '44',
  /** Données de remboursement (care history fed by the Assurance Maladie). */
  reimbursement: '60',
  /** Autres documents déposés par le patient. */
  patientDocument: '90',
  /** Document de gestion (management documents: attestations, consents, ...). */
  management: '95',
} as const;

/**
 * Attestation de résidence: TRE_A05 `ATTEST-RESID`, class 95. Present both in J66 (the DMP accepts
 * it) and in J07. The only type doctors and midwives may not read.
 */
export const RESIDENCE_CERTIFICATE: DocumentTypeCode = {
  code: 'ATTEST-RESID',
  classCode: '95',
  display: 'Attestation de résidence',
};

/**
 * Sensitive types, hidden from dentists, pharmacists, nurses, physiotherapists and the other
 * paramedical professions. J66 has exactly two psychiatric/psychological types, both syntheses
 * (class 11); it has no LOINC "psychiatric report" type. "Telemedicine requests" is the one J66
 * type 75496-0; the telemedicine *report* 85208-7 ("CR de télémédecine") is not listed here
 * because DOMAIN.md names only the requests.
 */
export const SENSITIVE_TYPES: readonly DocumentTypeCode[] = [
  { code: '68599-0', classCode: '11', display: 'Synthèse psychiatrique' },
  { code: '83901-9', classCode: '11', display: 'Bilan psychologique' },
  { code: '75496-0', classCode: '10', display: "Demande d'acte de télémédecine" },
];

/** The care-history type the Assurance Maladie feeds (TRE_A05 `REMB`, class 60). */
export const CARE_HISTORY: DocumentTypeCode = { code: 'REMB', classCode: '60', display: 'Données de remboursement' };

/**
 * Types a patient (or a minor's legal representative) may deposit, besides any type of class 90:
 * the DOCPAT types ("... déposé(e) par le patient", classes 10, 11, 31, 42, 52, 95) and the
 * EXPPAT types (expressions of the patient, class 90).
 */
export const PATIENT_DEPOSIT_TYPES: readonly DocumentTypeCode[] = [
  { code: 'DOCPAT01', classCode: '11', display: 'Synthèse déposée par le patient' },
  { code: 'DOCPAT02', classCode: '42', display: 'Traitement ou document de soins déposé par le patient' },
  { code: 'DOCPAT03', classCode: '10', display: 'CR déposé par le patient' },
  { code: 'DOCPAT04', classCode: '31', display: 'Imagerie déposée par le patient' },
  { code: 'DOCPAT05', classCode: '10', display: 'CR de biologie déposé par le patient' },
  { code: 'DOCPAT06', classCode: '10', display: 'CR de prévention déposé par le patient' },
  { code: 'DOCPAT07', classCode: '52', display: 'Certificat déposé par le patient' },
  { code: 'DOCPAT08', classCode: '11', display: 'Profil médical Mon espace santé' },
  { code: 'DOCPAT09', classCode: '95', display: 'Document administratif déposé par le patient' },
  { code: 'EXPPAT_1', classCode: '90', display: 'Volontés et droits du patient' },
  { code: 'EXPPAT_2', classCode: '90', display: 'Autre document du patient' },
  { code: 'EXPPAT_3', classCode: '90', display: 'Directives anticipées' },
];

/**
 * Types a professional may not deposit: the care history (fed by the Assurance Maladie only) and the
 * DOCPAT types, which are by definition deposited by the patient. EXPPAT types stay open to
 * professionals (e.g. a doctor filing advance directives written with the patient).
 */
export const RESERVED_FROM_PROFESSIONALS: readonly string[] = [
  CARE_HISTORY.code,
  ...PATIENT_DEPOSIT_TYPES.filter((t) => t.code.startsWith('DOCPAT')).map((t) => t.code),
];
