/**
 * The coded values of the obstetric documents, each taken from its CI-SIS value set
 * (`../shared/ans/value-sets/JDV_*.xml`; the tests check every code against its file), and the
 * French words the narratives and PDFs use for the input's choices.
 */
import { coded, CS } from './cda-datatypes.js';
import type { AnaesthesiaKind, Coded, Delivery, DeliveryMode, Perineum, Presentation } from './document-inputs.js';

/** JDV_ModeDebutTravail_CISIS (1.2.250.1.213.1.1.5.113). */
export const LABOUR_ONSET = {
  spontane: coded('84457005', CS.snomed, 'déclenchement spontané du travail'),
  declenche: coded('112070001', CS.snomed, 'déclenchement provoqué du travail'),
  cesarienne_avant_travail: coded('11466000', CS.snomed, 'césarienne'),
} as const;

/** JDV_ActeOBP_CISIS (1.2.250.1.213.1.1.5.757). */
export const OBP_ACT = {
  labour: coded('73813-8', CS.loinc, 'Caractéristiques du travail'),
  induction: coded('236958009', CS.snomed, 'induction du travail'),
  anaesthesiaBefore: coded('MED-1249', CS.taAsip, 'Anesthésie avant la naissance'),
  anaesthesiaAfter: coded('MED-1250', CS.taAsip, 'Anesthésie après la naissance'),
  postPartum: coded('MED-1251', CS.taAsip, 'Acte pratiqué en post-partum'),
  transfusion: coded('116859006', CS.snomed, 'transfusion de produits sanguins'),
} as const;

/** JDV_TypeAnesthesieAvantNaissance_CISIS (…5.748); no code for "none": no entry then. */
export function anaesthesiaBeforeBirth(kind: AnaesthesiaKind): Coded | undefined {
  switch (kind) {
    case 'aucune':
      return undefined;
    case 'generale':
      return coded('50697003', CS.snomed, 'anesthésie générale');
    default:
      return coded('27372005', CS.snomed, 'anesthésie locorégionale');
  }
}

/** JDV_TypeAnesthesieApresNaissance_CISIS (…5.749). */
export function anaesthesiaAfterBirth(kind: AnaesthesiaKind): Coded {
  switch (kind) {
    case 'aucune':
      return coded('MED-222', CS.taAsip, "Pas d'anesthésie");
    case 'generale':
      return coded('50697003', CS.snomed, 'anesthésie générale');
    default:
      return coded('27372005', CS.snomed, 'anesthésie locorégionale');
  }
}

/** JDV_TypeActePostPartum_CISIS (…5.739) for the placental delivery, when it was an act. */
export function postPartumAct(placental: Delivery['placentalDelivery']): Coded | undefined {
  if (placental === 'artificielle') return coded('JPGD001', CS.ccam, 'Délivrance artificielle (+ révision utérine)');
  if (placental === 'revision_uterine') return coded('49149002', CS.snomed, "exploration manuelle post-partum de l'utérus");
  return undefined;
}

/** JDV_EtatPerinee_CISIS (…5.734). */
export function perineumCode(p: Perineum): Coded {
  if (p.kind === 'intact') return coded('289854007', CS.snomed, 'périnée intact');
  if (p.kind === 'episiotomie') return coded('860603002', CS.snomed, "plaie d'épisiotomie");
  const degree = ['premier', 'deuxième', 'troisième', 'quatrième'][p.degree - 1]!;
  return coded(`O70.${p.degree - 1}`, CS.cim10, `Déchirure obstétricale du périnée, du ${degree} degré`);
}

/** JDV_ModeSortie_OBP_SNM_CISIS (…5.698). */
export const MOTHER_DISPOSITION = {
  suites_de_couches: coded('MED-1176', CS.taAsip, 'Suites de couches'),
  transfert: coded('107724000', CS.snomed, 'transfert du patient'),
  deces: coded('419620001', CS.snomed, 'mort'),
} as const;

/**
 * Delivery method of a child: JDV_MethodeAccouchement_CISIS (…5.115), and for an urgent caesarean
 * outside labour "Césarienne avant travail" of JDV_ModeAccouchement_CISIS (…5.735).
 */
export function deliveryMethod(mode: DeliveryMode, inLabour: boolean): Coded {
  switch (mode.kind) {
    case 'voie_basse_spontanee':
      return coded('700000006', CS.snomed, 'voie basse spontanée');
    case 'voie_basse_instrumentale':
      return coded('236974004', CS.snomed, 'voie basse instrumentale');
    case 'cesarienne':
      if (mode.urgency === 'programmee') return coded('MED-1273', CS.taAsip, 'Césarienne programmée');
      return inLabour ? coded('MED-1253', CS.taAsip, 'Césarienne pendant travail') : coded('MED-1254', CS.taAsip, 'Césarienne avant travail');
  }
}

/** JDV_ObservationEnfant_CISIS (…5.733), JDV_OBP_Result_Evenement_CISIS (…5.724) and the Apgar / measures LOINC codes of OBP-SNE. */
export const CHILD_OBSERVATION = {
  method: coded('57071-3', CS.loinc, "Méthode d'accouchement"),
  weight: coded('8339-4', CS.loinc, 'Poids à la naissance'),
  status: coded('92276-5', CS.loinc, 'Statut du nouveau né'),
  transfer: coded('107724000', CS.snomed, 'transfert du patient'),
  rank: coded('73771-8', CS.loinc, 'Rang de naissance'),
  presentation: coded('MED-1223', CS.taAsip, 'Présentation fœtale'),
  apgar1: coded('9272-6', CS.loinc, 'APGAR à 1mn'),
  apgar5: coded('9274-2', CS.loinc, 'APGAR à 5mn'),
  apgar10: coded('9271-8', CS.loinc, 'APGAR à 10mn'),
  length: coded('8302-2', CS.loinc, 'Taille'),
  headCircumference: coded('8287-5', CS.loinc, 'Périmètre crânien'),
} as const;

/** JDV_EtatNaissance_CISIS (…5.736). */
export function birthStatus(alive: boolean): Coded {
  return alive ? coded('281050002', CS.snomed, 'naissance vivante') : coded('P95', CS.cim10, 'Mort fœtale (de cause non précisée)');
}

/** JDV_TransfertMutation_CISIS (…5.737): a child transferred from the delivery room, or not. */
export function childTransfer(toNeonatology: boolean): Coded {
  return toNeonatology ? coded('88694003', CS.snomed, 'immédiat') : coded('GEN-301', CS.taAsip, 'Pas de transfert ni mutation');
}

/** JDV_PresentationFoetale_CISIS (…5.746). */
export const PRESENTATION: Readonly<Record<Presentation, Coded>> = {
  sommet: coded('70028003', CS.snomed, 'présentation du sommet'),
  face: coded('289366006', CS.snomed, 'malposition du fœtus par présentation de la face'),
  front: coded('289367002', CS.snomed, 'malposition du fœtus par présentation du front'),
  siege_complet: coded('49168004', CS.snomed, 'présentation en siège complet'),
  siege_decomplete: coded('38049006', CS.snomed, 'présentation de siège décomplété'),
  epaule: coded('289368007', CS.snomed, "malposition du foetus par présentation de l'épaule"),
  occipito_sacre: coded('MED-1246', CS.taAsip, 'Occipito-sacré'),
};

/** JDV_StatutDoc_CISIS (…5.93). */
export const DOCUMENT_STATUS = {
  en_cours: coded('385651009', CS.snomed, "en cours d'exécution"),
  approuve: coded('9571008', CS.snomed, 'approuvé'),
  valide: coded('9571008', CS.snomed, 'approuvé'),
} as const;

/** Problem types of FR-Probleme. */
export const PROBLEM_KIND = {
  finding: coded('404684003', CS.snomed, 'constatation clinique'),
  diagnosis: coded('282291009', CS.snomed, 'interprétation diagnostique'),
} as const;

// --- French words -------------------------------------------------------------------------

/** Anaesthesia in words. */
export const ANAESTHESIA_LABEL: Readonly<Record<AnaesthesiaKind, string>> = {
  aucune: 'Aucune',
  peridurale: 'Analgésie péridurale',
  rachianesthesie: 'Rachianesthésie',
  generale: 'Anesthésie générale',
  rachi_peri_combinee: 'Rachi-péri combinée',
};

/** Placental delivery in words. */
export const PLACENTAL_LABEL: Readonly<Record<Delivery['placentalDelivery'], string>> = {
  naturelle: 'Délivrance naturelle',
  dirigee: 'Délivrance dirigée',
  artificielle: 'Délivrance artificielle',
  revision_uterine: 'Révision utérine',
};

/** Place of birth in words. */
export const PLACE_LABEL: Readonly<Record<Delivery['place'], string>> = {
  maternite: 'À la maternité',
  domicile: 'À domicile (avant l’arrivée à la maternité)',
  trajet: 'Pendant le trajet vers la maternité',
};

/** Presentation in words. */
export const PRESENTATION_LABEL: Readonly<Record<Presentation, string>> = {
  sommet: 'Sommet',
  face: 'Face',
  front: 'Front',
  siege_complet: 'Siège complet',
  siege_decomplete: 'Siège décomplété',
  epaule: 'Épaule',
  occipito_sacre: 'Occipito-sacrée',
};

/** The delivery mode in words. */
export function deliveryModeLabel(mode: DeliveryMode): string {
  switch (mode.kind) {
    case 'voie_basse_spontanee':
      return 'Voie basse spontanée';
    case 'voie_basse_instrumentale':
      return `Voie basse instrumentale (${mode.instrument})`;
    case 'cesarienne':
      return mode.urgency === 'programmee' ? 'Césarienne programmée' : 'Césarienne en urgence';
  }
}

/** The perineum in words. */
export function perineumLabel(p: Perineum): string {
  if (p.kind === 'intact') return 'Périnée intact';
  if (p.kind === 'episiotomie') return 'Épisiotomie';
  return `Déchirure du ${p.degree}${p.degree === 1 ? 'er' : 'e'} degré`;
}

/** The labour onset actually applying to a delivery (given, or inferred from the mode). */
export function labourOnsetOf(d: Delivery): keyof typeof LABOUR_ONSET {
  if (d.labourOnset) return d.labourOnset;
  return d.mode.kind === 'cesarienne' && d.labourStart === undefined ? 'cesarienne_avant_travail' : 'spontane';
}

/** Labour onset in words. */
export const LABOUR_ONSET_LABEL: Readonly<Record<keyof typeof LABOUR_ONSET, string>> = {
  spontane: 'Travail spontané',
  declenche: 'Travail déclenché',
  cesarienne_avant_travail: 'Césarienne avant travail',
};
