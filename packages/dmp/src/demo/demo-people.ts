import type { CarteVitaleData } from '@dmp/national';

/**
 * The demo's cast: synthetic professionals (RPPS numbers of the test range, nobody real), the
 * maternity, and patients from the simulated INSi register. Tests use the same cast.
 */
export interface DemoProfessional {
  readonly key: string;
  readonly rpps: string;
  readonly nationalId: string;
  readonly profession: string;
  readonly specialty?: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly structure?: { readonly id: string; readonly name: string; readonly facilityType: string };
  readonly description: string;
}

export const MATERNITY = { finess: '330000012', id: '1330000012', name: 'Maternité Sainte Félicité', facilityType: 'SA01' } as const;

const maternity = { id: MATERNITY.id, name: MATERNITY.name, facilityType: MATERNITY.facilityType };

function professional(p: Omit<DemoProfessional, 'nationalId'>): DemoProfessional {
  return { ...p, nationalId: `8${p.rpps}` };
}

export const DEMO_PROFESSIONALS = {
  medecinTraitant: professional({
    key: 'medecin-traitant',
    rpps: '10003456789',
    profession: '10',
    specialty: 'G15_10/SM26',
    givenName: 'Jean',
    familyName: 'LEFEVRE',
    structure: { id: '3' + '44312345600017', name: 'Cabinet du Dr Lefèvre', facilityType: 'SA07' },
    description: 'médecin généraliste, médecin traitant of Camille Leroy',
  }),
  obstetrician: professional({
    key: 'obstetricienne',
    rpps: '10004567890',
    profession: '10',
    specialty: 'G15_10/SM20',
    givenName: 'Claire',
    familyName: 'FONTAINE',
    structure: maternity,
    description: 'gynécologue-obstétricienne at Maternité Sainte Félicité',
  }),
  midwife: professional({
    key: 'sage-femme',
    rpps: '10005678901',
    profession: '50',
    specialty: 'G15_50',
    givenName: 'Sophie',
    familyName: 'BERNARD',
    structure: maternity,
    description: 'sage-femme at Maternité Sainte Félicité',
  }),
  pharmacist: professional({
    key: 'pharmacien',
    rpps: '10006789012',
    profession: '21',
    specialty: 'G15_21',
    givenName: 'Marc',
    familyName: 'PETIT',
    description: 'pharmacien d’officine',
  }),
  occupationalPhysician: professional({
    key: 'medecin-du-travail',
    rpps: '10007890123',
    profession: '10',
    specialty: 'G15_10/SM25',
    givenName: 'Paul',
    familyName: 'GIRARD',
    description: 'médecin du travail: always refused',
  }),
} as const satisfies Record<string, DemoProfessional>;

/** Carte Vitale data of the demo patients (people of the simulated INSi register). */
export const DEMO_PATIENTS = {
  /** The mother followed at Maternité Sainte Félicité (birth name DUBOIS, used name LEROY). */
  mother: { ins: '279035121518989', card: { insuredNir: '279035121518989', rank: 1, familyName: 'Dubois', givenName: 'Camille', birthDate: '1979-03-14' } },
  lea: { ins: '295109912611193', card: { insuredNir: '295109912611193', rank: 1, familyName: 'Martin', givenName: 'Léa', birthDate: '1995-10-02' } },
  julien: { ins: '185057511203449', card: { insuredNir: '185057511203449', rank: 1, familyName: 'Moreau', givenName: 'Julien', birthDate: '1985-05-11' } },
  /** Camille's son, a minor on her card. */
  hugo: { ins: '118056911204588', card: { insuredNir: '279035121518989', rank: 2, familyName: 'Leroy', givenName: 'Hugo', birthDate: '2018-05-19' } },
} as const satisfies Record<string, { ins: string; card: CarteVitaleData }>;
