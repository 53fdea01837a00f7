/**
 * The sections of the OBP-SNM body (Synthèse Salle de Naissance Mère, CI-SIS volet OBP 2024.01):
 * FR-Travail-et-accouchement with its sub-sections FR-Actes-et-interventions and
 * FR-Resultats-evenements. Each coded entry refers to its line of the narrative.
 */
import { cdValue, coded, CS, pq, ts } from './cda-datatypes.js';
import { content, section, table, type IdSource } from './cda-body.js';
import { commentRelationship, intValue, pregnancyObservation, problem, procedure, simpleObservation } from './cda-entries.js';
import type { Delivery, Newborn } from './document-inputs.js';
import { frenchDateTime, frenchNumber, gestationalAgeLabel, sexLabel } from './french-format.js';
import {
  anaesthesiaAfterBirth,
  anaesthesiaBeforeBirth,
  ANAESTHESIA_LABEL,
  birthStatus,
  CHILD_OBSERVATION,
  childTransfer,
  deliveryMethod,
  deliveryModeLabel,
  LABOUR_ONSET,
  LABOUR_ONSET_LABEL,
  labourOnsetOf,
  MOTHER_DISPOSITION,
  OBP_ACT,
  perineumCode,
  perineumLabel,
  PLACE_LABEL,
  PLACENTAL_LABEL,
  postPartumAct,
  PRESENTATION,
  PRESENTATION_LABEL,
  PROBLEM_KIND,
} from './obstetric-codes.js';
import { el, type XmlChild, type XmlElement } from './xml-writer.js';

/** FR-Actes-et-interventions: labour onset, induction, anaesthesia, post-partum act, transfusion. */
function actsSection(ids: IdSource, d: Delivery): XmlElement {
  const rows: XmlChild[][] = [];
  const entries: XmlElement[] = [];
  const day = d.deliveryTime;
  const onset = labourOnsetOf(d);

  const onsetRef = ids.ref('debut-travail');
  const placeRef = d.place === 'maternite' ? undefined : ids.ref('lieu-accouchement');
  rows.push(['Mode de début de travail', content(onsetRef, LABOUR_ONSET_LABEL[onset]), placeRef ? content(placeRef, PLACE_LABEL[d.place]) : '']);
  entries.push(procedure(ids, { code: OBP_ACT.labour, qualifier: LABOUR_ONSET[onset], ref: onsetRef, time: d.labourStart ?? day, comment: placeRef ? commentRelationship(placeRef, day) : undefined }));

  if (onset === 'declenche') {
    const ref = ids.ref('declenchement');
    rows.push(['Motif de déclenchement', content(ref, d.inductionReason?.display ?? 'Non précisé'), '']);
    entries.push(procedure(ids, { code: OBP_ACT.induction, qualifier: d.inductionReason ?? coded('GEN-092.01.06', CS.taAsip, 'Autre motif de déclenchement'), ref, time: d.labourStart ?? day }));
  }
  const before = anaesthesiaBeforeBirth(d.anaesthesia);
  if (before) {
    const ref = ids.ref('anesthesie-avant');
    rows.push(['Anesthésie avant la naissance', content(ref, ANAESTHESIA_LABEL[d.anaesthesia]), '']);
    entries.push(procedure(ids, { code: OBP_ACT.anaesthesiaBefore, qualifier: before, ref, time: day }));
  } else {
    rows.push(['Anesthésie avant la naissance', 'Aucune', '']);
  }
  if (d.anaesthesiaAfterBirth) {
    const ref = ids.ref('anesthesie-apres');
    rows.push(['Anesthésie après la naissance', content(ref, ANAESTHESIA_LABEL[d.anaesthesiaAfterBirth]), '']);
    entries.push(procedure(ids, { code: OBP_ACT.anaesthesiaAfter, qualifier: anaesthesiaAfterBirth(d.anaesthesiaAfterBirth), ref, time: day }));
  }
  const postPartum = postPartumAct(d.placentalDelivery);
  const placentalRef = ids.ref('delivrance');
  rows.push(['Délivrance', content(placentalRef, PLACENTAL_LABEL[d.placentalDelivery]), '']);
  if (postPartum) entries.push(procedure(ids, { code: OBP_ACT.postPartum, qualifier: postPartum, ref: placentalRef, time: day }));
  if (d.transfusion) {
    const ref = ids.ref('transfusion');
    rows.push([content(ref, 'Transfusion de produits sanguins'), 'Oui', '']);
    entries.push(procedure(ids, { code: OBP_ACT.transfusion, ref, time: day }));
  }
  return section(ids, {
    templateIds: ['1.3.6.1.4.1.19376.1.5.3.1.1.13.2.11', '1.2.250.1.213.1.1.2.118'],
    code: coded('29554-3', CS.loinc, 'Actes'),
    title: 'Actes et interventions',
    text: table(['Acte', 'Précision', 'Commentaire'], rows),
    entries,
  });
}

/** FR-Naissance (IHE Birth Event Organizer) of one child, with its observations. */
function birthOrganizer(ids: IdSource, d: Delivery, n: Newborn, refs: Readonly<Record<string, string>>): XmlElement {
  const time = n.birthTime;
  const obs = (code: Parameters<typeof pregnancyObservation>[1]['code'], ref: string | undefined, value: XmlElement): XmlElement | undefined =>
    ref === undefined ? undefined : el('component', { typeCode: 'COMP' }, pregnancyObservation(ids, { code, ref, time, value }));
  const scores = { at1: CHILD_OBSERVATION.apgar1, at5: CHILD_OBSERVATION.apgar5, at10: CHILD_OBSERVATION.apgar10 } as const;
  return el(
    'organizer',
    { classCode: 'CLUSTER', moodCode: 'EVN' },
    el('templateId', { root: '1.3.6.1.4.1.19376.1.5.3.1.4.13.5.2' }),
    el('templateId', { root: '1.2.250.1.213.1.1.3.56' }),
    ids.nextId(),
    el('code', { code: '118215003', displayName: "observation sur l'accouchement", codeSystem: CS.snomed, codeSystemName: 'SNOMED CT' }),
    el('statusCode', { code: 'completed' }),
    ts('effectiveTime', time),
    el(
      'subject',
      { typeCode: 'SBJ' },
      el('templateId', { root: '1.3.6.1.4.1.19376.1.5.3.1.4.15.2' }),
      el('templateId', { root: '1.2.250.1.213.1.1.3.60' }),
      el(
        'relatedSubject',
        { classCode: 'PRS' },
        el('code', { code: 'CHILD', displayName: 'Enfant', codeSystem: CS.roleCode, codeSystemName: 'RoleCode' }),
        el(
          'subject',
          {},
          el('name', {}, n.identity.givenName ? el('given', {}, n.identity.givenName) : undefined, el('family', {}, n.identity.familyName)),
          el('administrativeGenderCode', { code: n.sex, displayName: sexLabel(n.sex), codeSystem: CS.gender }),
          ts('birthTime', time),
        ),
      ),
    ),
    obs(CHILD_OBSERVATION.rank, refs.rank, intValue(n.rank)),
    obs(CHILD_OBSERVATION.method, refs.method, cdValue(deliveryMethod(d.mode, d.labourStart !== undefined))),
    n.presentation ? obs(CHILD_OBSERVATION.presentation, refs.presentation, cdValue(PRESENTATION[n.presentation])) : undefined,
    obs(CHILD_OBSERVATION.weight, refs.weight, pq(n.weightG, 'g')),
    n.lengthCm === undefined ? undefined : obs(CHILD_OBSERVATION.length, refs.length, pq(n.lengthCm, 'cm')),
    n.headCircumferenceCm === undefined ? undefined : obs(CHILD_OBSERVATION.headCircumference, refs.head, pq(n.headCircumferenceCm, 'cm')),
    (['at1', 'at5', 'at10'] as const).map((k) => {
      const score = n.apgar[k];
      return score === undefined ? undefined : obs(scores[k], refs[k], pq(score, '{score}'));
    }),
    obs(CHILD_OBSERVATION.status, refs.status, cdValue(birthStatus(n.alive))),
    obs(CHILD_OBSERVATION.transfer, refs.transfer, cdValue(childTransfer(n.transferToNeonatology))),
  );
}

type NewbornColumn = 'rank' | 'method' | 'presentation' | 'weight' | 'length' | 'head' | 'at1' | 'at5' | 'at10' | 'status' | 'transfer';

/** The newborns' table; returns, for each child, the narrative IDs of the values written. */
function newbornsTable(ids: IdSource, d: Delivery): { table: XmlElement; refs: Record<string, string>[] } {
  const refs: Record<string, string>[] = [];
  const rows = d.newborns.map((n) => {
    const score = (v: number | undefined): string | undefined => (v === undefined ? undefined : String(v));
    const values: Readonly<Record<NewbornColumn, string | undefined>> = {
      rank: String(n.rank),
      method: deliveryModeLabel(d.mode),
      presentation: n.presentation ? PRESENTATION_LABEL[n.presentation] : undefined,
      weight: `${frenchNumber(n.weightG)} g`,
      length: n.lengthCm === undefined ? undefined : `${frenchNumber(n.lengthCm)} cm`,
      head: n.headCircumferenceCm === undefined ? undefined : `${frenchNumber(n.headCircumferenceCm)} cm`,
      at1: score(n.apgar.at1),
      at5: score(n.apgar.at5),
      at10: score(n.apgar.at10),
      status: n.alive ? 'Né vivant' : 'Mort-né',
      transfer: n.transferToNeonatology ? 'Transfert en néonatologie' : 'Auprès de sa mère',
    };
    const r: Record<string, string> = {};
    refs.push(r);
    const cell = (key: NewbornColumn): XmlChild => {
      const value = values[key];
      if (value === undefined) return '–';
      r[key] = ids.ref(`enfant-${n.rank}-${key}`);
      return content(r[key], value);
    };
    return [cell('rank'), `${sexLabel(n.sex)}, ${frenchDateTime(n.birthTime)}`, cell('method'), cell('presentation'), cell('weight'), cell('length'), cell('head'), cell('at1'), cell('at5'), cell('at10'), cell('status'), cell('transfer')];
  });
  const headers = ['Rang', 'Sexe, naissance', 'Méthode', 'Présentation', 'Poids', 'Taille', 'Périmètre crânien', 'Apgar 1 min', 'Apgar 5 min', 'Apgar 10 min', 'État', 'Orientation'];
  return { table: table(headers, rows), refs };
}

/** FR-Resultats-evenements: problems, perineum, gestational age, live births, disposition, births. */
function resultsSection(ids: IdSource, d: Delivery): XmlElement {
  const day = d.deliveryTime;
  const problems: XmlChild[][] = [];
  const entries: XmlElement[] = [];
  for (const e of d.events) {
    const ref = ids.ref(e.phase === 'post_partum' ? 'pathologie-post-partum' : 'pathologie-travail');
    problems.push([e.phase === 'post_partum' ? 'Pathologie du post-partum immédiat' : 'Pathologie durant le travail', content(ref, e.text), e.code ? `${e.code.display} (${e.code.code})` : '']);
    if (e.code) entries.push(problem(ids, { kind: e.phase === 'post_partum' ? PROBLEM_KIND.diagnosis : PROBLEM_KIND.finding, value: e.code, ref, time: day }));
  }
  const perineumRef = ids.ref('etat-perinee');
  problems.push(['État du périnée', content(perineumRef, perineumLabel(d.perineum)), '']);
  entries.push(problem(ids, { kind: PROBLEM_KIND.finding, value: perineumCode(d.perineum), ref: perineumRef, time: day }));

  const gaRef = ids.ref('age-gestationnel');
  const liveRef = ids.ref('nb-enfants');
  const dispositionRef = ids.ref('mode-sortie');
  const disposition = d.motherDisposition ?? 'suites_de_couches';
  const live = d.newborns.filter((n) => n.alive).length;
  const ga = d.gestationalAge;
  entries.push(
    simpleObservation(ids, { code: coded('11884-4', CS.loinc, 'Age gestationnel du fœtus (estimation clinique)'), ref: gaRef, time: day, value: ga.days === 0 ? pq(ga.weeks, 'wk') : pq(ga.weeks * 7 + ga.days, 'd') }),
    simpleObservation(ids, { code: coded('11636-8', CS.loinc, "Nombre d'enfants vivants"), ref: liveRef, time: day, value: intValue(live) }),
    simpleObservation(ids, { code: coded('ORG-074', CS.taAsip, 'Mode de sortie'), ref: dispositionRef, time: day, value: cdValue(MOTHER_DISPOSITION[disposition]) }),
  );
  const newborns = newbornsTable(ids, d);
  d.newborns.forEach((n, i) => entries.push(birthOrganizer(ids, d, n, newborns.refs[i]!)));
  return section(ids, {
    templateIds: ['1.3.6.1.4.1.19376.1.5.3.1.1.21.2.9', '1.3.6.1.4.1.19376.1.7.3.1.1.13.7', '1.2.250.1.213.1.1.2.163'],
    code: coded('42545-4', CS.loinc, 'Evènements observés'),
    title: 'Événements observés',
    text: [
      table(['Problème', 'Précision', 'Commentaire'], problems),
      el('br'),
      table(
        ['Observation', 'Précision'],
        [
          ["Âge gestationnel à l'accouchement", content(gaRef, gestationalAgeLabel(ga))],
          [content(liveRef, "Nombre d'enfants nés vivants"), String(live)],
          ['Mode de sortie de la salle de naissance', content(dispositionRef, MOTHER_DISPOSITION[disposition].display)],
        ],
      ),
      el('br'),
      newborns.table,
    ],
    entries,
  });
}

/** FR-Travail-et-accouchement with its two sub-sections; the summary narrative comes from `rows`. */
export function labourAndDeliverySection(ids: IdSource, d: Delivery, rows: readonly (readonly [string, string])[]): XmlElement {
  return section(ids, {
    templateIds: ['1.3.6.1.4.1.19376.1.5.3.1.1.21.2.3', '1.2.250.1.213.1.1.2.123'],
    code: coded('57074-7', CS.loinc, 'Travail et accouchement'),
    title: 'Travail et accouchement',
    text: table(['Élément', 'Valeur'], rows.map(([label, value]) => [label, value])),
    subsections: [actsSection(ids, d), resultsSection(ids, d)],
  });
}
