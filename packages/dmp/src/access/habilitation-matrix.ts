/**
 * The habilitation matrix: which document types and classes each profession may read (DOMAIN.md §3
 * "Access"). One data table, HABILITATION_MATRIX; the functions below only look things up in it.
 *
 * This is the starting content DOMAIN.md gives until the official annex is loaded. Profession codes
 * come from TRE_G15 (OID 1.2.250.1.71.1.2.7, checked against the `G15_xx` codes of value set J01,
 * `JDV_J01_XdsAuthorSpecialty_CISIS.xml`) and, for professionals who are not health professionals,
 * from value set J48 (`JDV_J48_ProfessionNonPS_CISIS.xml`, code systems 1.2.250.1.213.1.6.1.4 and
 * 1.2.250.1.213.1.6.1.107). `ProfessionalIdentity.profession` carries a bare code, so both lists
 * share one namespace: the codes used here do not collide (checked by `habilitation-matrix.test.ts`).
 */
import { DOCUMENT_CLASS, RESIDENCE_CERTIFICATE, SENSITIVE_TYPES } from './document-codes.js';

export type ProfessionCategory =
  | 'doctor'
  | 'midwife'
  | 'dentist'
  | 'pharmacist'
  | 'nurse'
  | 'physiotherapist'
  | 'other-paramedical'
  | 'social-medico-social';

/**
 * What a category may read, as lists (the shape the search scope uses). An absent `allowed*` list
 * means "any"; a document must pass every list.
 */
export interface DocumentFilter {
  readonly allowedTypeCodes?: readonly string[];
  readonly excludedTypeCodes?: readonly string[];
  readonly allowedClassCodes?: readonly string[];
  readonly excludedClassCodes?: readonly string[];
}

export interface ProfessionCode {
  readonly code: string;
  /** `TRE_G15` for health professionals (RPPS), `J48` for the other professionals of the care team. */
  readonly system: 'TRE_G15' | 'J48';
  readonly display: string;
}

export interface HabilitationRow {
  readonly category: ProfessionCategory;
  readonly professions: readonly ProfessionCode[];
  readonly reads: DocumentFilter;
}

/** Doctors and midwives: every type but the residence certificate. */
const EVERY_TYPE_BUT_RESIDENCE: DocumentFilter = { excludedTypeCodes: [RESIDENCE_CERTIFICATE.code] };

/** Dentists, pharmacists, nurses, physiotherapists, other paramedical: not class 95, not the sensitive types. */
const NO_MANAGEMENT_NO_SENSITIVE: DocumentFilter = {
  excludedClassCodes: [DOCUMENT_CLASS.management],
  excludedTypeCodes: SENSITIVE_TYPES.map((t) => t.code),
};

/** Social and medico-social professionals: care plans and patient documents only. */
const CARE_PLANS_AND_PATIENT_DOCUMENTS: DocumentFilter = {
  allowedClassCodes: [DOCUMENT_CLASS.carePlan, DOCUMENT_CLASS.patientDocument],
};

const g15 = (code: string, display: string): ProfessionCode => ({ code, system: 'TRE_G15', display });
const j48 = (code: string, display: string): ProfessionCode => ({ code, system: 'J48', display });

/**
 * The matrix. A profession in no row reads nothing. Not listed, on purpose (DOMAIN.md names them in
 * no group, so they read nothing until the official annex says otherwise):
 * - TRE_G15 31 assistant dentaire, 32 physicien médical, 35 aide-soignant, 36 ambulancier,
 *   37 auxiliaire de puériculture, 38/39 préparateurs en pharmacie: health professions of the RPPS
 *   that are not "auxiliaires médicaux" in the Code de la santé publique (uncertain: the annex may
 *   give some of them a reading right);
 * - J48 71 ostéopathe, 72 psychothérapeute, 73 chiropracteur, 93 psychologue, 97/329 conseiller en
 *   génétique, 305/306 psychologue/psychothérapeute MAIA: care professions that are neither health
 *   professionals nor social workers;
 * - J48 303 avocat, 307 mandataire judiciaire, 308 pilote MAIA, 311 autre acteur MAIA, 312 autre
 *   professionnel, 313-317 (duplicates of the TRE_G15 31-39 professions), 331 secrétaire médicale,
 *   332 assistant médical, 333 responsable de secteur, 334 biologiste non médecin non pharmacien,
 *   335 gestionnaire alertes, 351 assistant(e) maternel(le).
 */
export const HABILITATION_MATRIX: readonly HabilitationRow[] = [
  { category: 'doctor', professions: [g15('10', 'Médecin')], reads: EVERY_TYPE_BUT_RESIDENCE },
  { category: 'midwife', professions: [g15('50', 'Sage-Femme')], reads: EVERY_TYPE_BUT_RESIDENCE },
  { category: 'dentist', professions: [g15('40', 'Chirurgien-Dentiste')], reads: NO_MANAGEMENT_NO_SENSITIVE },
  { category: 'pharmacist', professions: [g15('21', 'Pharmacien')], reads: NO_MANAGEMENT_NO_SENSITIVE },
  {
    category: 'nurse',
    // 69 "infirmier psychiatrique" (infirmier de secteur psychiatrique) is a nurse.
    professions: [g15('60', 'Infirmier'), g15('69', 'Infirmier psychiatrique')],
    reads: NO_MANAGEMENT_NO_SENSITIVE,
  },
  { category: 'physiotherapist', professions: [g15('70', 'Masseur-Kinésithérapeute')], reads: NO_MANAGEMENT_NO_SENSITIVE },
  {
    // The other "auxiliaires médicaux"; every code is in J01 as G15_xx with this label.
    category: 'other-paramedical',
    professions: [
      g15('26', 'Audioprothésiste'),
      g15('28', 'Opticien-Lunetier'),
      g15('80', 'Pédicure-Podologue'),
      g15('81', 'Orthoprothésiste'),
      g15('82', 'Podo-Orthésiste'),
      g15('83', 'Orthopédiste-Orthésiste'),
      g15('84', 'Oculariste'),
      g15('85', 'Epithésiste'),
      g15('86', 'Technicien de laboratoire médical'),
      g15('91', 'Orthophoniste'),
      g15('92', 'Orthoptiste'),
      g15('94', 'Ergothérapeute'),
      g15('95', 'Diététicien'),
      g15('96', 'Psychomotricien'),
      g15('98', 'Manipulateur ERM'),
    ],
    reads: NO_MANAGEMENT_NO_SENSITIVE,
  },
  {
    // J48: the social professions (code system 1.2.250.1.213.1.6.1.4) and their PAERPA/MAIA or
    // later duplicates (1.2.250.1.213.1.6.1.107), plus the medico-social home-support roles.
    // Note: J48 carries dateFin 2024-12-13 in the copy we hold; its codes are still what senders use.
    category: 'social-medico-social',
    professions: [
      j48('41', 'Assistant de service social'),
      j48('42', 'Auxiliaire de vie sociale'),
      j48('43', "Technicien de l'intervention sociale et familiale"),
      j48('44', 'Conseiller en économie sociale et familiale'),
      j48('45', 'Médiateur familial'),
      j48('46', 'Assistant familial'),
      j48('47', 'Aide médico-psychologique (AMP)'),
      j48('48', 'Moniteur éducateur'),
      j48('49', 'Educateur de jeunes enfants'),
      j48('51', 'Educateur spécialisé'),
      j48('52', 'Educateur technique spécialisé'),
      j48('53', 'Accompagnant éducatif et social'),
      j48('300', 'Assistant de service social (PAERPA)'),
      j48('302', 'Aide et accompagnement à domicile (PAERPA)'),
      j48('304', 'Assistant de service social (Expérimentation MAIA)'),
      j48('309', 'Gestionnaire de cas MAIA'),
      j48('310', 'Equipe médico-sociale APA'),
      j48('318', 'Auxiliaire de vie sociale'),
      j48('319', "Technicien de l'intervention sociale et familiale"),
      j48('320', 'Conseiller en économie sociale et familiale'),
      j48('321', 'Médiateur familial'),
      j48('322', 'Assistant familial'),
      j48('323', 'Aide médico-psychologique (AMP)'),
      j48('324', 'Moniteur éducateur'),
      j48('325', 'Educateur de jeunes enfants'),
      j48('326', 'Educateur spécialisé'),
      j48('327', 'Educateur technique spécialisé'),
      j48('328', 'Accompagnant éducatif et social'),
      j48('350', 'Aide à domicile'),
    ],
    reads: CARE_PLANS_AND_PATIENT_DOCUMENTS,
  },
];

const ROW_BY_PROFESSION: ReadonlyMap<string, HabilitationRow> = new Map(
  HABILITATION_MATRIX.flatMap((row) => row.professions.map((p) => [p.code, row] as const)),
);

/**
 * The habilitation category of a profession code (TRE_G15 or J48), or `undefined` for a profession
 * the matrix does not list (which reads nothing).
 */
export function professionCategory(profession: string): ProfessionCategory | undefined {
  return ROW_BY_PROFESSION.get(profession)?.category;
}

/**
 * What a profession may read, as lists for a search scope; `undefined` means nothing at all.
 *
 * @example
 * habilitationFilter('60') // { excludedClassCodes: ['95'], excludedTypeCodes: ['68599-0', '83901-9', '75496-0'] }
 * habilitationFilter('31') // undefined: assistants dentaires read nothing
 */
export function habilitationFilter(profession: string): DocumentFilter | undefined {
  return ROW_BY_PROFESSION.get(profession)?.reads;
}

/** Whether a document of this type and class passes a filter. */
export function passesFilter(filter: DocumentFilter, typeCode: string, classCode: string): boolean {
  if (filter.allowedTypeCodes && !filter.allowedTypeCodes.includes(typeCode)) return false;
  if (filter.excludedTypeCodes?.includes(typeCode)) return false;
  if (filter.allowedClassCodes && !filter.allowedClassCodes.includes(classCode)) return false;
  if (filter.excludedClassCodes?.includes(classCode)) return false;
  return true;
}

/**
 * The habilitation matrix as a predicate: may a professional of this profession read a document of
 * this type (LOINC or TRE_A05, J66) and class (TRE_A03)? Professions not in the matrix read nothing.
 *
 * @example
 * habilitation('10', 'ATTEST-RESID', '95') // false
 * habilitation('21', '68599-0', '11') // false: psychiatric synthesis, pharmacist
 * habilitation('41', '18776-5', '44') // true: care plan, social worker
 */
export function habilitation(profession: string, typeCode: string, classCode: string): boolean {
  const filter = habilitationFilter(profession);
  return filter !== undefined && passesFilter(filter, typeCode, classCode);
}
