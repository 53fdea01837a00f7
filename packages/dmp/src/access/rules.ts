/**
 * The names of the access rules. Every Decision and SearchScope carries one; it goes to the audit log
 * and the patient's access history, so these strings are stable.
 */
import type { Decision, SearchScope } from './types.js';

export const RULE = {
  // Refusals nothing lifts (forbidden.ts).
  forbiddenOccupationalMedicine: 'forbidden-occupational-medicine',
  forbiddenThirdParty: 'forbidden-third-party',

  // The record itself.
  recordStatus: 'record-status',
  recordCreate: 'record-create',
  recordAlreadyExists: 'record-already-exists',
  recordNotFound: 'record-not-found',
  recordClosed: 'record-closed',

  // The actor's relation to the record.
  patientOwnRecord: 'patient-own-record',
  notOwnRecord: 'not-own-record',
  legalRepresentative: 'legal-representative',
  notLegalRepresentative: 'not-legal-representative',
  administratorForPatient: 'administrator-for-patient',
  blockedByPatient: 'blocked-by-patient',
  medecinTraitant: 'medecin-traitant',
  authorisedProfessional: 'authorised-professional',
  authorisedEstablishment: 'authorised-establishment',
  notAuthorised: 'not-authorised',

  // Emergency access (TRE_R248 modes bris_de_glace and centre_15).
  brisDeGlace: 'bris-de-glace',
  centre15: 'centre-15',
  emergencyOpposed: 'emergency-opposed',
  emergencyReasonMissing: 'emergency-reason-missing',
  centre15NotRegulator: 'centre-15-not-regulator',

  // One document.
  habilitation: 'habilitation',
  maskedToProfessionals: 'masked-to-professionals',
  invisibleToPatient: 'invisible-to-patient',
  invisibleToLegalRepresentatives: 'invisible-to-legal-representatives',
  documentAuthor: 'document-author',
  notAuthor: 'not-author',
  documentRequired: 'document-required',

  // Deposits.
  professionalDeposit: 'professional-deposit',
  assuranceMaladieCareHistory: 'assurance-maladie-care-history',
  assuranceMaladieDepositOnly: 'assurance-maladie-deposit-only',
  depositTypeRequired: 'deposit-type-required',
  depositTypeNotAllowed: 'deposit-type-not-allowed',

  /** This kind of actor never takes this action. */
  notPermitted: 'not-permitted',
} as const;

export type RuleName = (typeof RULE)[keyof typeof RULE];

/**
 * Rules that grant access in an emergency mode. A decision or scope allowed by one of them must be
 * notified afterwards to the patient and to the médecin traitant (DOMAIN.md §3).
 */
export const EMERGENCY_RULES: ReadonlySet<string> = new Set<RuleName>([RULE.brisDeGlace, RULE.centre15]);

/**
 * Whether an allowed decision or a non-empty search scope was granted by an emergency mode, so the
 * caller must notify the patient and the médecin traitant.
 *
 * @example
 * const decision = decide(actor, 'document.read', record, context);
 * if (decision.allowed && isEmergencyAccess(decision)) await outbox.notifyEmergencyAccess(...);
 */
export function isEmergencyAccess(outcome: Decision | SearchScope): boolean {
  const granted = 'allowed' in outcome ? outcome.allowed : outcome.kind === 'documents';
  return granted && EMERGENCY_RULES.has(outcome.rule);
}
