/**
 * Test-only fixtures for the access rules: actors, records and documents built from a few named ids.
 * Imported by the `*.test.ts` files of this folder only.
 */
import type { Actor, DocumentAccessState, ProfessionalIdentity, RecordAccessState, StructureIdentity, VisibilityFlag } from './types.js';

export const INS = '295109912611193';
export const OTHER_INS = '279035121518989';
export const REP = 'rep-parent-1';
export const OTHER_REP = 'rep-stranger';

/** National ids (`8` + RPPS). */
export const ID = {
  medecinTraitant: '810000000011',
  doctor: '810000000010',
  midwife: '810000000050',
  nurse: '810000000060',
  socialWorker: '810000000041',
  assistantDentaire: '810000000031',
  blocked: '810000000099',
  occupational: '810000000025',
  regulator: '810000000015',
  samuNurse: '810000000061',
  author: '810000000077',
  otherAuthor: '810000000088',
} as const;

/** Structures (`1` + FINESS). */
export const MATERNITY: StructureIdentity = { nationalId: '1750000001', facilityType: 'SA01', name: 'Maternité Sainte Félicité' };
export const SPST: StructureIdentity = { nationalId: '3123456789', facilityType: 'SA66', name: 'Service de santé au travail' };
export const SAMU: StructureIdentity = { nationalId: '1750000015', facilityType: 'SA01', name: 'SAMU 75' };

export function professional(nationalId: string, profession: string, extra: Partial<ProfessionalIdentity> = {}, establishment?: StructureIdentity): Actor {
  return { kind: 'professional', professional: { nationalId, profession, ...extra }, ...(establishment ? { establishment } : {}) };
}

export const ACTOR = {
  patient: { kind: 'patient', ins: INS },
  otherPatient: { kind: 'patient', ins: OTHER_INS },
  legalRep: { kind: 'legal-representative', representativeId: REP },
  strangerRep: { kind: 'legal-representative', representativeId: OTHER_REP },
  administrator: { kind: 'administrator', operatorId: 'admin-1' },
  assuranceMaladie: { kind: 'assurance-maladie', systemId: 'cnam' },
  bank: { kind: 'other', description: 'Banque Exemple' },
  medecinTraitant: professional(ID.medecinTraitant, '10', { specialty: 'G15_10/SM26' }),
  doctor: professional(ID.doctor, '10', { specialty: 'G15_10/SM26' }),
  midwife: professional(ID.midwife, '50', { specialty: 'G15_50' }),
  nurse: professional(ID.nurse, '60'),
  socialWorker: professional(ID.socialWorker, '41'),
  assistantDentaire: professional(ID.assistantDentaire, '31'),
  blockedDoctor: professional(ID.blocked, '10'),
  occupationalPhysician: professional(ID.occupational, '10', { specialty: 'G15_10/SM25' }),
  occupationalCapacity: professional(ID.occupational, '10', { specialty: 'G15_10/CAPA11' }),
  occupationalCompetence: professional(ID.occupational, '10', { specialty: 'G15_10/C41' }),
  spstNurse: professional(ID.nurse, '60', { structure: SPST }),
  spstEstablishment: professional(ID.doctor, '10', {}, SPST),
  maternityMidwife: professional(ID.midwife, '50', {}, MATERNITY),
  regulator: professional(ID.regulator, '10', { practiceSetting: 'SAMU_SMUR', structure: SAMU }),
  samuNurse: professional(ID.samuNurse, '60', { practiceSetting: 'SAMU_SMUR', structure: SAMU }),
  author: professional(ID.author, '10'),
} as const satisfies Record<string, Actor>;

export function record(overrides: Partial<RecordAccessState> = {}): RecordAccessState {
  return {
    ins: INS,
    status: 'open',
    authorised: new Set(),
    blocked: new Set(),
    medecinTraitant: ID.medecinTraitant,
    emergencyOpposed: false,
    minor: false,
    legalRepresentatives: new Set(),
    ...overrides,
  };
}

export function doc(overrides: Partial<Omit<DocumentAccessState, 'visibility'>> & { flags?: VisibilityFlag[] } = {}): DocumentAccessState {
  const { flags = [], ...rest } = overrides;
  return { typeCode: '11490-0', classCode: '10', authorId: ID.otherAuthor, status: 'current', visibility: new Set(flags), ...rest };
}
