/**
 * The sections of the lettre de liaison à la sortie (LDL-SES 2022.01, model LDL-SES_2022.01.xml):
 * stay results (FR-Resultats-evenements-LDL-SES), treatments (FR-Traitements-administres,
 * FR-Traitements-a-la-sortie), awaited results, care plan and allergies.
 */
import { cdValue, coded, CS, hl7Date, ivlTs, professionalId, professionalName } from './cda-datatypes.js';
import { content, list, originalTextRef, section, table, textRef, type IdSource } from './cda-body.js';
import { boolValue, simpleObservation, stringValue } from './cda-entries.js';
import type { Allergies, Discharge, FollowUp, IsoDateTime, Treatment } from './document-inputs.js';
import { frenchDate, professionalLabel, yesNo } from './french-format.js';
import { el, type XmlChild, type XmlElement } from './xml-writer.js';

/** JDV_ModaliteEntree_CISIS (1.2.250.1.213.1.1.5.73). */
export const ADMISSION_MODE = {
  urgence: coded('183452005', CS.snomed, 'hospitalisation en urgence'),
  programmee: coded('8715000', CS.snomed, 'hospitalisation programmée'),
  transfert: coded('107724000', CS.snomed, 'transfert du patient'),
  autre: coded('GEN-092.06.07', CS.taAsip, "Autre modalité d'entrée"),
} as const;

/** JDV_ModaliteSortie_CISIS (1.2.250.1.213.1.1.5.74). */
export const DISCHARGE_MODE = {
  domicile: coded('160849004', CS.snomed, 'retour au domicile'),
  autre_etablissement: coded('GEN-092.06.01', CS.taAsip, 'Autre établissement de santé'),
  had: coded('127', '1.2.250.1.213.1.6.1.8', 'Hospitalisation à Domicile'),
  autre: coded('GEN-092.06.03', CS.taAsip, 'Autre destination'),
} as const;

/** FR-Resultats-evenements-LDL-SES: entry and exit modes, synthesis, adverse events, MDRO, blood products. */
export function stayResultsSection(ids: IdSource, d: Discharge): XmlElement {
  const day = d.discharge;
  const rows: XmlChild[][] = [];
  const entries: XmlElement[] = [];
  const add = (label: string, stem: string, shown: string, code: [string, string], template: string, value: XmlElement, time: IsoDateTime = day): void => {
    const ref = ids.ref(stem);
    rows.push([label, content(ref, shown)]);
    entries.push(simpleObservation(ids, { code: coded(code[0], CS.taAsip, code[1]), ref, time, value, extraTemplates: [`1.2.250.1.213.1.1.3.48.${template}`] }));
  };
  add("Modalité et date d'entrée", 'modalite-entree', `${frenchDate(d.admission)}, ${ADMISSION_MODE[d.admissionMode].display}`, ['ORG-070', "Modalité d'entrée"], '6', cdValue(ADMISSION_MODE[d.admissionMode]), d.admission);
  add('Modalité et date de sortie', 'modalite-sortie', `${frenchDate(d.discharge)}, ${DISCHARGE_MODE[d.dischargeMode].display}`, ['ORG-074', 'Modalité de sortie'], '7', cdValue(DISCHARGE_MODE[d.dischargeMode]));
  add('Synthèse médicale', 'synthese', d.summary, ['MED-142', 'Synthèse médicale'], '9', stringValue(d.summary));
  if (d.adverseEvents) add("Événements indésirables survenus pendant l'hospitalisation", 'evenements-indesirables', d.adverseEvents, ['MED-143', "Evènements indésirables survenus pendant l'hospitalisation"], '3', stringValue(d.adverseEvents));
  add('Recherche de micro-organismes multirésistants ou émergents', 'recherche-bmr', yesNo(d.mdroScreening.done), ['MED-309', 'Recherche de microorganismes multi-résistants ou émergents effectuée'], '8', boolValue(d.mdroScreening.done));
  if (d.mdroScreening.findings) add('Micro-organismes multirésistants identifiés', 'bmr', d.mdroScreening.findings, ['MED-144', 'Identification de micro-organismes multirésistants'], '5', stringValue(d.mdroScreening.findings));
  add('Transfusion de produits sanguins', 'transfusion', yesNo(d.transfusion), ['MED-145', 'Transfusion de produits sanguins'], '10', boolValue(d.transfusion));
  add('Administration de dérivés du sang', 'derives-sang', yesNo(d.bloodDerivatives), ['MED-147', 'Administration de dérivés du sang'], '2', boolValue(d.bloodDerivatives));
  return section(ids, {
    templateIds: ['1.3.6.1.4.1.19376.1.5.3.1.1.21.2.9', '1.3.6.1.4.1.19376.1.7.3.1.1.13.7', '1.2.250.1.213.1.1.2.163', '1.2.250.1.213.1.1.2.163.1'],
    code: coded('42545-4', CS.loinc, 'Evènements observés'),
    title: 'Synthèse médicale du séjour',
    text: table(['Élément', 'Valeur'], rows),
    entries,
  });
}

const NO_MEDICATION = coded('no-known-medications', '2.16.840.1.113883.5.1150.1', 'Pas de traitement médicamenteux connu');

/** FR-Traitement (1.2.250.1.213.1.1.3.42): the drug by name (CIS code when known, ATC as translation). */
function treatmentEntry(ids: IdSource, t: Treatment | undefined, ref: string): XmlElement {
  const material = t
    ? el(
        'manufacturedMaterial',
        {},
        t.cis
          ? el('code', { code: t.cis, displayName: t.name, codeSystem: CS.cis, codeSystemName: 'CIS' }, originalTextRef(ref), t.atc ? el('translation', { code: t.atc.code, displayName: t.atc.display, codeSystem: CS.atc, codeSystemName: 'ATC' }) : undefined)
          : el('code', { nullFlavor: 'NI' }, originalTextRef(ref), t.atc ? el('translation', { code: t.atc.code, displayName: t.atc.display, codeSystem: CS.atc, codeSystemName: 'ATC' }) : undefined),
        el('name', {}, t.name),
      )
    : el('manufacturedMaterial', {}, el('code', { nullFlavor: 'NA' }, originalTextRef(ref)), el('name', { nullFlavor: 'NA' }));
  return el(
    'substanceAdministration',
    { classCode: 'SBADM', moodCode: 'EVN' },
    ['1.2.250.1.213.1.1.3.42', '2.16.840.1.113883.10.20.1.24', '1.3.6.1.4.1.19376.1.5.3.1.4.7', '1.3.6.1.4.1.19376.1.5.3.1.4.7.1'].map((root) => el('templateId', { root })),
    ids.nextId(),
    t ? el('code', { code: 'DRUG', displayName: 'Médicament', codeSystem: CS.actCode, codeSystemName: 'HL7:ActCode' }) : el('code', { code: NO_MEDICATION.code, displayName: NO_MEDICATION.display, codeSystem: NO_MEDICATION.system }),
    textRef(ref),
    el('statusCode', { code: 'completed' }),
    t ? el('effectiveTime', { 'xsi:type': 'IVL_TS' }, t.start ? el('low', { value: hl7Date(t.start) }) : el('low', { nullFlavor: 'UNK' }), t.end ? el('high', { value: hl7Date(t.end) }) : undefined) : undefined,
    el(
      'consumable',
      {},
      el(
        'manufacturedProduct',
        {},
        ['1.2.250.1.213.1.1.3.43', '2.16.840.1.113883.10.20.1.53', '1.3.6.1.4.1.19376.1.5.3.1.4.7.2'].map((root) => el('templateId', { root })),
        material,
      ),
    ),
  );
}

/** FR-Traitements-a-la-sortie (`atDischarge`) or FR-Traitements-administres (treatments stopped). */
export function treatmentsSection(ids: IdSource, treatments: readonly Treatment[], atDischarge: boolean): XmlElement {
  const stem = atDischarge ? 'traitement-sortie' : 'traitement-arrete';
  const refs = treatments.map(() => ids.ref(stem));
  const none = ids.ref(`${stem}-aucun`);
  const text: XmlChild =
    treatments.length === 0
      ? content(none, atDischarge ? 'Aucun traitement médicamenteux à la sortie.' : 'Aucun traitement arrêté.')
      : table(
          ['Médicament', 'Posologie', 'Début', 'Fin', 'Commentaire'],
          treatments.map((t, i) => [content(refs[i]!, t.name), t.posology, t.start ? frenchDate(t.start) : '', t.end ? frenchDate(t.end) : '', t.comment ?? '']),
        );
  return section(ids, {
    templateIds: atDischarge ? ['1.3.6.1.4.1.19376.1.5.3.1.3.22', '1.2.250.1.213.1.1.2.146'] : ['1.3.6.1.4.1.19376.1.5.3.1.3.21', '1.2.250.1.213.1.1.2.145'],
    code: atDischarge ? coded('10183-2', CS.loinc, 'Traitements à la sortie') : coded('18610-6', CS.loinc, 'Traitements administrés'),
    title: atDischarge ? 'Traitements à la sortie' : 'Traitements arrêtés durant le séjour',
    text,
    entries: treatments.length === 0 ? [treatmentEntry(ids, undefined, none)] : treatments.map((t, i) => treatmentEntry(ids, t, refs[i]!)),
  });
}

/** FR-Resultats-examens-non-code: results still awaited at discharge. */
export function pendingResultsSection(ids: IdSource, pending: readonly string[]): XmlElement {
  return section(ids, {
    templateIds: ['1.3.6.1.4.1.19376.1.5.3.1.3.27', '1.2.250.1.213.1.1.2.150'],
    code: coded('30954-2', CS.loinc, "Résultats d'examens"),
    title: "Résultats d'examens / Autres informations attendus",
    text: pending.length === 0 ? el('paragraph', {}, 'Aucun résultat en attente.') : list(pending),
  });
}

function who(f: FollowUp): string {
  if (f.who === undefined) return '';
  return typeof f.who === 'string' ? f.who : professionalLabel(f.who);
}

/** FR-Plan-de-soins (suites à donner): one FR-Demande-d-examen-ou-de-suivi a follow-up. */
export function carePlanSection(ids: IdSource, followUp: readonly FollowUp[]): XmlElement {
  const refs = followUp.map(() => ids.ref('suivi'));
  const entries = followUp.map((f, i) =>
    el(
      'observation',
      { classCode: 'OBS', moodCode: 'INT' },
      ['2.16.840.1.113883.10.20.1.25', '1.3.6.1.4.1.19376.1.5.3.1.1.20.3.1', '1.2.250.1.213.1.1.3.27'].map((root) => el('templateId', { root })),
      ids.nextId(),
      el('code', { code: 'ORG-064', displayName: "Demande d'examen ou de suivi", codeSystem: CS.taAsip, codeSystemName: 'TA_ASIP' }),
      textRef(refs[i]!),
      el('statusCode', { code: 'active' }),
      f.date ? el('effectiveTime', { value: hl7Date(f.date) }) : el('effectiveTime', { nullFlavor: 'UNK' }),
      stringValue(f.description),
      f.who !== undefined && typeof f.who !== 'string' ? el('performer', {}, el('assignedEntity', {}, professionalId(f.who), el('assignedPerson', {}, professionalName(f.who)))) : undefined,
    ),
  );
  return section(ids, {
    templateIds: ['2.16.840.1.113883.10.20.1.10', '1.3.6.1.4.1.19376.1.5.3.1.3.36', '1.2.250.1.213.1.1.2.158'],
    code: coded('18776-5', CS.loinc, 'Plan de soins'),
    title: 'Suites à donner',
    text: followUp.length === 0 ? el('paragraph', {}, 'Pas de suivi particulier.') : table(['Suivi', 'Par', 'Date'], followUp.map((f, i) => [content(refs[i]!, f.description), who(f), f.date ? frenchDate(f.date) : ''])),
    entries,
  });
}

/** JDV_AbsentOrUnknownAllergy_CISIS (1.2.250.1.213.1.1.5.661). */
const ABSENT_ALLERGY = {
  aucune_connue: coded('no-known-allergies', '2.16.840.1.113883.5.1150.1', "Pas d'allergie/hypersensibilité connue"),
  non_renseigne: coded('no-allergy-info', '2.16.840.1.113883.5.1150.1', 'Pas d’information sur les allergies/hypersensibilités'),
} as const;

/** FR-Allergies-et-hypersensibilites with one FR-Liste-des-allergies-et-hypersensibilites. */
export function allergiesSection(ids: IdSource, allergies: Allergies, time: IsoDateTime): XmlElement {
  const items = allergies.kind === 'liste' ? allergies.items : [];
  const refs = items.map(() => ids.ref('allergie'));
  const absentRef = ids.ref('allergies');
  const observation = (code: XmlElement, ref: string, value: XmlElement): XmlElement =>
    el(
      'entryRelationship',
      { typeCode: 'SUBJ', inversionInd: 'false' },
      el(
        'observation',
        { classCode: 'OBS', moodCode: 'EVN' },
        ['2.16.840.1.113883.10.20.1.28', '2.16.840.1.113883.10.20.1.18', '1.3.6.1.4.1.19376.1.5.3.1.4.5', '1.3.6.1.4.1.19376.1.5.3.1.4.6', '1.2.250.1.213.1.1.3.41'].map((root) => el('templateId', { root })),
        ids.nextId(),
        code,
        textRef(ref),
        el('statusCode', { code: 'completed' }),
        el('effectiveTime', { 'xsi:type': 'IVL_TS' }, el('low', { nullFlavor: 'UNK' })),
        value,
      ),
    );
  const allergy = coded('609328004', CS.snomed, 'allergie');
  const relationships =
    allergies.kind === 'liste'
      ? items.map((item, i) => observation(el('code', { code: (item.type ?? allergy).code, displayName: (item.type ?? allergy).display, codeSystem: CS.snomed, codeSystemName: 'SNOMED CT' }), refs[i]!, el('value', { 'xsi:type': 'CD' }, originalTextRef(refs[i]!))))
      : [observation(el('code', { code: allergy.code, displayName: allergy.display, codeSystem: CS.snomed, codeSystemName: 'SNOMED CT' }), absentRef, cdValue(ABSENT_ALLERGY[allergies.kind], originalTextRef(absentRef)))];
  return section(ids, {
    templateIds: ['2.16.840.1.113883.10.20.1.2', '1.3.6.1.4.1.19376.1.5.3.1.3.13', '1.2.250.1.213.1.1.2.137'],
    code: coded('48765-2', CS.loinc, 'Allergies et hypersensibilités'),
    title: 'Allergies et hypersensibilités',
    text:
      allergies.kind === 'liste'
        ? table(['Agent', 'Réaction'], items.map((item, i) => [content(refs[i]!, item.agent), item.reaction ?? '']))
        : content(absentRef, allergies.kind === 'aucune_connue' ? 'Aucune allergie connue.' : 'Allergies non renseignées.'),
    entries: [
      el(
        'act',
        { classCode: 'ACT', moodCode: 'EVN' },
        ['2.16.840.1.113883.10.20.1.27', '1.3.6.1.4.1.19376.1.5.3.1.4.5.1', '1.3.6.1.4.1.19376.1.5.3.1.4.5.3', '1.2.250.1.213.1.1.3.40'].map((root) => el('templateId', { root })),
        ids.nextId(),
        el('code', { nullFlavor: 'NA' }),
        el('statusCode', { code: 'active' }),
        ivlTs('effectiveTime', time),
        relationships,
      ),
    ],
  });
}
