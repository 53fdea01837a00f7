/**
 * Test data: Maternité Sainte Félicité, its team, and two realistic stays: a programmed caesarean
 * of twins, and a spontaneous birth at home before admission. Identities use the test / demo INS
 * OIDs and NIRs with valid keys (DOMAIN.md §6).
 */
import { INS_OID } from '@dmp/core';
import {
  MATERNITY_DOCUMENT_ID_OID,
  MATERNITY_PATIENT_ID_OID,
  type CaesareanOperation,
  type Delivery,
  type DocumentHeaderInput,
  type Discharge,
  type Organisation,
  type PatientIdentity,
  type Professional,
} from '../document-inputs.js';

export const SAINTE_FELICITE: Organisation = {
  finess: '330000012',
  name: 'Maternité Sainte Félicité',
  address: { lines: ['12 rue des Sœurs Hospitalières', 'Bâtiment B'], postalCode: '33000', city: 'Bordeaux' },
  telecoms: [{ kind: 'tel', value: '05 56 00 12 00', use: 'WP' }],
};

export const CABINET_MOREAU: Organisation = {
  finess: '330099999',
  name: 'Cabinet médical des Chartrons',
  address: { lines: ['4 quai des Chartrons'], postalCode: '33300', city: 'Bordeaux' },
  telecoms: [{ kind: 'tel', value: '05 56 11 22 33', use: 'WP' }],
};

export const OBSTETRICIAN: Professional = {
  rpps: '10001234567',
  given: 'Claire',
  family: 'Lefèvre',
  civility: 'MME',
  title: 'DR',
  profession: '10',
  role: 'G15_10/SM20',
};

export const SECOND_OBSTETRICIAN: Professional = {
  rpps: '10001234580',
  given: 'Antoine',
  family: 'Garçon',
  civility: 'M',
  title: 'DR',
  profession: '10',
  role: 'G15_10/SM20',
};

export const MIDWIFE: Professional = { rpps: '10005556667', given: 'Léa', family: 'Dubois', civility: 'MME', profession: '50', role: 'G15_50' };

export const ANAESTHETIST: Professional = {
  rpps: '10007778889',
  given: 'Karim',
  family: 'Benali',
  civility: 'M',
  title: 'DR',
  profession: '10',
  role: 'G15_10/SM02',
};

export const GENERAL_PRACTITIONER: Professional = {
  rpps: '10009990001',
  given: 'Jean',
  family: 'Moreau',
  civility: 'M',
  title: 'DR',
  profession: '10',
  role: 'G15_10/SM26',
  telecoms: [{ kind: 'mail', value: 'jean.moreau@medecin.mssante.fr' }],
  organisation: CABINET_MOREAU,
};

/** The midwife who followed the pregnancy, in town. */
export const LIBERAL_MIDWIFE: Professional = {
  rpps: '10004443332',
  given: 'Maëlle',
  family: 'Le Gall',
  civility: 'MME',
  profession: '50',
  role: 'G15_50',
  telecoms: [{ kind: 'mail', value: 'maelle.legall@sage-femme.mssante.fr' }],
  organisation: { finess: '330088888', name: 'Cabinet de sages-femmes de Pessac', address: { lines: ['2 avenue Jean Jaurès'], postalCode: '33600', city: 'Pessac' }, telecoms: [{ kind: 'tel', value: '05 57 00 00 01', use: 'WP' }] },
};

/** Mother of the twins: qualified identity, INS-NIR of test. */
export const TWINS_MOTHER: PatientIdentity = {
  ins: { value: '279035121518989', oid: INS_OID.nirTest },
  status: 'QUAL',
  localId: { root: MATERNITY_PATIENT_ID_OID, extension: '000184263' },
  birthFamilyName: 'LEFÈVRE',
  usedFamilyName: 'MARTIN',
  givenNames: ['Hélène', 'Françoise', 'Marie'],
  sex: 'F',
  birthDate: '1979-03-28',
  birthplaceInsee: '51215',
  address: { lines: ['8 allée des Pins'], postalCode: '33600', city: 'Pessac' },
  telecoms: [{ kind: 'tel', value: '06 12 34 56 78', use: 'MC' }],
};

/** Mother born at home: qualified identity, INS-NIR of demonstration. */
export const HOME_MOTHER: PatientIdentity = {
  ins: { value: '295109912611193', oid: INS_OID.nirDemo },
  status: 'QUAL',
  localId: { root: MATERNITY_PATIENT_ID_OID, extension: '000190511' },
  birthFamilyName: 'ŒILLET',
  givenNames: ['Chloé', 'Anaïs'],
  sex: 'F',
  birthDate: '1995-10-14',
  birthplaceInsee: '99126',
  address: { lines: ['27 chemin de la Jallère'], postalCode: '33700', city: 'Mérignac' },
};

export const TWINS_DELIVERY: Delivery = {
  admission: '2024-03-11T18:00:00+01:00',
  deliveryTime: '2024-03-12T08:42:00+01:00',
  gestationalAge: { weeks: 37, days: 2 },
  fetusCount: 2,
  mode: { kind: 'cesarienne', urgency: 'programmee' },
  anaesthesia: 'rachianesthesie',
  placentalDelivery: 'dirigee',
  perineum: { kind: 'intact' },
  bloodLossMl: 650,
  transfusion: false,
  events: [{ text: 'Détresse respiratoire transitoire de J2, transfert en néonatologie', phase: 'post_partum', code: { code: 'P22.1', system: '2.16.840.1.113883.6.3', display: 'Tachypnée transitoire du nouveau-né' } }],
  place: 'maternite',
  midwife: MIDWIFE,
  obstetrician: OBSTETRICIAN,
  anaesthetist: ANAESTHETIST,
  newborns: [
    {
      rank: 1,
      sex: 'F',
      birthTime: '2024-03-12T08:42:00+01:00',
      weightG: 2450,
      lengthCm: 46,
      headCircumferenceCm: 32.5,
      apgar: { at1: 9, at5: 10, at10: 10 },
      alive: true,
      presentation: 'siege_complet',
      transferToNeonatology: false,
      identity: { localId: { root: MATERNITY_PATIENT_ID_OID, extension: '000184301' }, familyName: 'MARTIN', givenName: 'Jumeau 1' },
    },
    {
      rank: 2,
      sex: 'M',
      birthTime: '2024-03-12T08:44:00+01:00',
      weightG: 2610,
      lengthCm: 47,
      headCircumferenceCm: 33,
      apgar: { at1: 7, at5: 9, at10: 10 },
      alive: true,
      presentation: 'sommet',
      transferToNeonatology: true,
      identity: { localId: { root: MATERNITY_PATIENT_ID_OID, extension: '000184302' }, familyName: 'MARTIN', givenName: 'Jumeau 2' },
    },
  ],
};

export const HOME_DELIVERY: Delivery = {
  admission: '2024-05-02T07:10:00+02:00',
  labourStart: '2024-05-02T03:30:00+02:00',
  labourOnset: 'spontane',
  deliveryTime: '2024-05-02T06:25:00+02:00',
  gestationalAge: { weeks: 39, days: 5 },
  fetusCount: 1,
  mode: { kind: 'voie_basse_spontanee' },
  anaesthesia: 'aucune',
  anaesthesiaAfterBirth: 'aucune',
  placentalDelivery: 'naturelle',
  perineum: { kind: 'dechirure', degree: 1 },
  bloodLossMl: 300,
  events: [{ text: 'Naissance à domicile avant l’arrivée du SMUR ; enfant reçu par le conjoint, guidé par le SAMU (régulation)' }],
  place: 'domicile',
  midwife: MIDWIFE,
  newborns: [
    {
      rank: 1,
      sex: 'F',
      birthTime: '2024-05-02T06:25:00+02:00',
      weightG: 3420,
      lengthCm: 50,
      apgar: { at5: 9, at10: 10 },
      alive: true,
      presentation: 'sommet',
      transferToNeonatology: false,
      identity: { localId: { root: MATERNITY_PATIENT_ID_OID, extension: '000190540' }, familyName: 'ŒILLET' },
    },
  ],
};

export const TWINS_CAESAREAN: CaesareanOperation = {
  start: '2024-03-12T08:30:00+01:00',
  end: '2024-03-12T09:20:00+01:00',
  indication: { text: 'Grossesse gémellaire bichoriale biamniotique, J1 en présentation du siège', urgency: 'programmee' },
  team: { surgeon: OBSTETRICIAN, assistant: SECOND_OBSTETRICIAN, anaesthetist: ANAESTHETIST, midwife: MIDWIFE },
  anaesthesia: 'rachianesthesie',
  technique: {
    incision: 'Incision de Pfannenstiel',
    hysterotomy: 'Hystérotomie segmentaire transversale',
    details: 'Extraction de J1 par le siège puis de J2 en céphalique. Délivrance dirigée, révision utérine digitale.',
  },
  findings: 'Utérus et annexes normaux. Placentas bichoriaux complets. Liquide amniotique clair.',
  complications: 'Aucune complication peropératoire.',
  bloodLossMl: 650,
  closing: 'Fermeture de l’hystérotomie en un plan, péritoine non fermé, aponévrose en surjet, surjet intradermique.',
  postoperativeInstructions: 'Lever précoce, prévention thrombo-embolique par enoxaparine pendant 10 jours, ablation des fils non nécessaire.',
};

export const TWINS_DISCHARGE: Discharge = {
  admission: '2024-03-11T18:00:00+01:00',
  discharge: '2024-03-16T11:00:00+01:00',
  admissionMode: 'programmee',
  dischargeMode: 'domicile',
  reasonForStay: 'Césarienne programmée pour grossesse gémellaire bichoriale à 37 SA + 2 j, J1 en siège.',
  summary:
    'Naissance par césarienne programmée sous rachianesthésie de deux enfants vivants (J1 fille 2 450 g, J2 garçon 2 610 g). ' +
    'Pertes sanguines 650 ml. Suites de couches simples. J2 hospitalisé 48 h en néonatologie pour tachypnée transitoire, rentré auprès de sa mère.',
  mdroScreening: { done: false },
  transfusion: false,
  bloodDerivatives: false,
  treatmentsStopped: [{ name: 'Oxytocine (SYNTOCINON) 5 UI/ml, perfusion', posology: '10 UI sur 4 h en post-partum', atc: { code: 'H01BB02', system: '2.16.840.1.113883.6.73', display: 'oxytocine' }, start: '2024-03-12', end: '2024-03-12', comment: 'Arrêt à H4' }],
  treatmentsAtDischarge: [
    { name: 'Enoxaparine sodique 4 000 UI anti-Xa/0,4 ml', posology: '1 injection sous-cutanée par jour pendant 10 jours', atc: { code: 'B01AB05', system: '2.16.840.1.113883.6.73', display: 'énoxaparine' }, start: '2024-03-16', end: '2024-03-25' },
    { name: 'Paracétamol 1 g, comprimé', posology: '1 comprimé jusqu’à 4 fois par jour si douleur, espacer de 6 h', atc: { code: 'N02BE01', system: '2.16.840.1.113883.6.73', display: 'paracétamol' }, start: '2024-03-16' },
  ],
  followUp: [
    { description: 'Consultation post-natale', who: MIDWIFE, date: '2024-04-20' },
    { description: 'Retrait des agrafes inutile ; surveillance de la cicatrice par l’infirmière à domicile', who: 'Infirmière libérale' },
    { description: 'Suivi pédiatrique des jumeaux à J8', who: 'Pédiatre ou médecin traitant', date: '2024-03-20' },
  ],
  pendingResults: ['Examen anatomopathologique des placentas'],
  allergies: { kind: 'aucune_connue' },
  generalPractitioner: GENERAL_PRACTITIONER,
  referringPractitioner: LIBERAL_MIDWIFE,
};

/** A header for the document `n` of a test, by `author` at `time`. */
export function header(n: string, time: string, author: Professional, encounter: { start: string; end?: string }, extra: Partial<DocumentHeaderInput> = {}): DocumentHeaderInput {
  return {
    id: { root: MATERNITY_DOCUMENT_ID_OID, extension: `${n}-v${extra.version ?? 1}` },
    setId: { root: MATERNITY_DOCUMENT_ID_OID, extension: n },
    version: 1,
    effectiveTime: time,
    confidentiality: 'N',
    author: { professional: author, time },
    legalAuthenticator: { professional: OBSTETRICIAN, time },
    custodian: SAINTE_FELICITE,
    encounter: { ...encounter, responsible: OBSTETRICIAN, stayId: '2024000123' },
    ...extra,
  };
}

/** The four documents' inputs for the twins' stay. */
export const TWINS = {
  cra: { header: header('CRA-TWINS', '2024-03-12T10:15:00+01:00', MIDWIFE, { start: TWINS_DELIVERY.admission }), patient: TWINS_MOTHER, delivery: TWINS_DELIVERY },
  snm: { header: header('SNM-TWINS', '2024-03-12T10:20:00+01:00', MIDWIFE, { start: TWINS_DELIVERY.admission }), patient: TWINS_MOTHER, delivery: TWINS_DELIVERY, generalPractitioner: GENERAL_PRACTITIONER },
  cro: { header: header('CRO-TWINS', '2024-03-12T11:00:00+01:00', OBSTETRICIAN, { start: TWINS_DELIVERY.admission }), patient: TWINS_MOTHER, operation: TWINS_CAESAREAN, newborns: TWINS_DELIVERY.newborns },
  ldl: { header: header('LDL-TWINS', '2024-03-16T10:30:00+01:00', OBSTETRICIAN, { start: TWINS_DISCHARGE.admission, end: TWINS_DISCHARGE.discharge }), patient: TWINS_MOTHER, discharge: TWINS_DISCHARGE },
} as const;

/** The inputs for the birth at home. */
export const HOME = {
  cra: { header: header('CRA-HOME', '2024-05-02T09:00:00+02:00', MIDWIFE, { start: HOME_DELIVERY.admission }), patient: HOME_MOTHER, delivery: HOME_DELIVERY },
  snm: { header: header('SNM-HOME', '2024-05-02T09:05:00+02:00', MIDWIFE, { start: HOME_DELIVERY.admission }), patient: HOME_MOTHER, delivery: HOME_DELIVERY },
} as const;

/** Text that must come out of every document as text, never as markup. */
export const HOSTILE = `<script>alert("x")</script> & 'quotes' "double" ]]> <!-- -->`;
