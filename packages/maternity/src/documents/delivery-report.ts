/**
 * The delivery in words: the facts of a {@link Delivery} as label/value rows, shared by the
 * compte rendu d'accouchement PDF, the OBP-SNM narrative and its PDF rendering.
 */
import type { Delivery, Professional } from './document-inputs.js';
import { frenchDateTime, frenchNumber, gestationalAgeLabel, professionalLabel } from './french-format.js';
import {
  ANAESTHESIA_LABEL,
  deliveryModeLabel,
  LABOUR_ONSET_LABEL,
  labourOnsetOf,
  perineumLabel,
  PLACE_LABEL,
  PLACENTAL_LABEL,
  PRESENTATION_LABEL,
} from './obstetric-codes.js';
import { newbornTable, professionalWithRole, yesNoUnknown } from './report-blocks.js';
import type { PdfBlock } from './pdf-layout.js';

/** Labour and birth, as rows. */
export function labourRows(d: Delivery): [string, string][] {
  const rows: [string, string][] = [
    ['Lieu de naissance', PLACE_LABEL[d.place]],
    ['Admission à la maternité', frenchDateTime(d.admission)],
    ['Début du travail', d.labourStart ? frenchDateTime(d.labourStart) : 'Sans objet ou non renseigné'],
    ['Mode de début du travail', LABOUR_ONSET_LABEL[labourOnsetOf(d)]],
  ];
  if (d.inductionReason) rows.push(['Motif du déclenchement', d.inductionReason.display]);
  rows.push(
    ['Naissance', frenchDateTime(d.deliveryTime)],
    ['Terme', gestationalAgeLabel(d.gestationalAge)],
    ['Nombre de fœtus', String(d.fetusCount)],
    ['Mode d’accouchement', deliveryModeLabel(d.mode)],
  );
  const presentations = d.newborns.filter((n) => n.presentation).map((n) => `J${n.rank} : ${PRESENTATION_LABEL[n.presentation!].toLowerCase()}`);
  if (presentations.length > 0) rows.push(['Présentation', d.newborns.length === 1 ? PRESENTATION_LABEL[d.newborns[0]!.presentation!] : presentations.join(' ; ')]);
  rows.push(['Anesthésie / analgésie', ANAESTHESIA_LABEL[d.anaesthesia]]);
  if (d.anaesthesiaAfterBirth) rows.push(['Anesthésie après la naissance', ANAESTHESIA_LABEL[d.anaesthesiaAfterBirth]]);
  return rows;
}

/** After the birth: placenta, perineum, bleeding, transfusion. */
export function afterBirthRows(d: Delivery): [string, string][] {
  return [
    ['Délivrance', PLACENTAL_LABEL[d.placentalDelivery]],
    ['Périnée', perineumLabel(d.perineum)],
    ['Pertes sanguines', d.bloodLossMl === undefined ? 'Non mesurées' : `${frenchNumber(d.bloodLossMl)} ml`],
    ['Transfusion', yesNoUnknown(d.transfusion)],
  ];
}

/** Events and complications, one line each (`aucun` when none). */
export function eventLines(d: Delivery): string[] {
  if (d.events.length === 0) return ['Aucun événement particulier.'];
  return d.events.map((e) => `${e.phase === 'post_partum' ? 'Post-partum immédiat' : 'Travail'} : ${e.text}${e.code ? ` (${e.code.display}, ${e.code.code})` : ''}`);
}

/** The team, as rows. */
export function teamRows(d: Delivery): [string, string][] {
  const rows: [string, string][] = [];
  if (d.midwife) rows.push(['Sage-femme', professionalWithRole(d.midwife)]);
  if (d.obstetrician) rows.push(['Obstétricien', professionalWithRole(d.obstetrician)]);
  if (d.anaesthetist) rows.push(['Anesthésiste', professionalWithRole(d.anaesthetist)]);
  return rows;
}

/** The whole delivery as PDF blocks (without patient and signature). */
export function deliveryBlocks(d: Delivery): PdfBlock[] {
  const team = teamRows(d);
  return [
    { kind: 'heading', text: 'Travail et accouchement' },
    { kind: 'fields', rows: labourRows(d) },
    { kind: 'heading', text: 'Délivrance et post-partum immédiat' },
    { kind: 'fields', rows: afterBirthRows(d) },
    { kind: 'heading', text: 'Événements et complications' },
    ...eventLines(d).map((text): PdfBlock => ({ kind: 'paragraph', text })),
    { kind: 'heading', text: d.newborns.length > 1 ? 'Nouveau-nés' : 'Nouveau-né' },
    newbornTable(d.newborns),
    ...(team.length > 0 ? [{ kind: 'heading', text: 'Équipe' } as const, { kind: 'fields', rows: team } as const] : []),
  ];
}

/** Who performed the delivery: the obstetrician for a caesarean or instrumental delivery, else the midwife. */
export function deliveryPerformer(d: Delivery): Professional | undefined {
  if (d.mode.kind !== 'voie_basse_spontanee' && d.obstetrician) return d.obstetrician;
  return d.midwife ?? d.obstetrician;
}

/** One-line summary, e.g. for a document list: `Césarienne programmée, 2 nouveau-nés, 38 SA`. */
export function deliverySummary(d: Delivery): string {
  const who = deliveryPerformer(d);
  return `${deliveryModeLabel(d.mode)}, ${d.newborns.length} nouveau-né${d.newborns.length > 1 ? 's' : ''}, ${gestationalAgeLabel(d.gestationalAge)}${who ? `, ${professionalLabel(who)}` : ''}`;
}
