/**
 * PDF blocks shared by the maternity's reports: the patient, the newborns, the people involved,
 * the signature. The clinical wording stays in French, as the patient reads it.
 */
import { insUsable, roleLabel } from './cda-header.js';
import type { DocumentHeaderInput, Newborn, PatientIdentity, Professional } from './document-inputs.js';
import { frenchDate, frenchDateTime, frenchNumber, frenchTime, patientLabel, professionalLabel, sexLabel, yesNo } from './french-format.js';
import { PRESENTATION_LABEL } from './obstetric-codes.js';
import type { PdfBlock, PdfSpec } from './pdf-layout.js';
import { pdfDate } from './built-document.js';

/** The patient's identity block. */
export function patientBlocks(patient: PatientIdentity): PdfBlock[] {
  const rows: [string, string][] = [
    [patient.sex === 'F' ? 'Patiente' : 'Patient', patientLabel(patient)],
    ['Nom de naissance', patient.birthFamilyName.toUpperCase()],
    ['Prénoms de naissance', patient.givenNames.join(' ')],
    ['Date de naissance', frenchDate(patient.birthDate)],
  ];
  if (insUsable(patient)) rows.push(['INS (NIR)', patient.ins!.value]);
  rows.push(['Identifiant maternité (IPP)', patient.localId.extension ?? patient.localId.root]);
  return [{ kind: 'fields', rows }];
}

/** `Dr Claire MARTIN (Médecin - Gynécologie-obstétrique (SM))`. */
export function professionalWithRole(p: Professional): string {
  return `${professionalLabel(p)} (${roleLabel(p)})`;
}

/** The newborns as a table. */
export function newbornTable(newborns: readonly Newborn[]): PdfBlock {
  const apgar = (n: Newborn): string => [n.apgar.at1, n.apgar.at5, n.apgar.at10].map((v) => (v === undefined ? '–' : String(v))).join(' / ');
  return {
    kind: 'table',
    headers: ['Rang', 'Identité provisoire', 'Sexe', 'Heure', 'Poids', 'Taille / PC', 'Apgar 1/5/10', 'État, orientation'],
    widths: [0.62, 1.38, 0.8, 1.1, 0.8, 1.2, 1.0, 1.7],
    rows: newborns.map((n) => [
      String(n.rank),
      `${n.identity.familyName.toUpperCase()}${n.identity.givenName ? ` ${n.identity.givenName}` : ''}`,
      sexLabel(n.sex),
      `${frenchDate(n.birthTime)} ${frenchTime(n.birthTime)}`,
      `${frenchNumber(n.weightG)} g`,
      `${n.lengthCm === undefined ? '–' : `${frenchNumber(n.lengthCm)} cm`} / ${n.headCircumferenceCm === undefined ? '–' : `${frenchNumber(n.headCircumferenceCm)} cm`}`,
      apgar(n),
      `${n.alive ? 'Né vivant' : 'Mort-né'}${n.presentation ? `, ${PRESENTATION_LABEL[n.presentation].toLowerCase()}` : ''}${n.transferToNeonatology ? ', transfert en néonatologie' : ', auprès de sa mère'}`,
    ]),
  };
}

/** Who wrote and who validated the document. */
export function signatureBlocks(header: DocumentHeaderInput): PdfBlock[] {
  const rows: [string, string][] = [
    ['Rédigé par', `${professionalWithRole(header.author.professional)}, le ${frenchDateTime(header.author.time)}`],
    ['Validé par', `${professionalWithRole(header.legalAuthenticator.professional)}, le ${frenchDateTime(header.legalAuthenticator.time)}`],
  ];
  if (header.version > 1) rows.push(['Version', `${header.version} (remplace la version précédente de ce document)`]);
  return [{ kind: 'heading', text: 'Validation' }, { kind: 'fields', rows }];
}

/** The PDF frame of a report: title, running header and footer, metadata. */
export function reportSpec(title: string, header: DocumentHeaderInput, patient: PatientIdentity, blocks: readonly PdfBlock[]): PdfSpec {
  const org = header.custodian;
  return {
    title,
    author: professionalLabel(header.author.professional),
    subject: `${title} — ${patientLabel(patient)}`,
    date: pdfDate(header.effectiveTime),
    header: `${org.name} — ${org.address.lines.join(', ')}, ${org.address.postalCode} ${org.address.city} — FINESS ${org.finess}`,
    footer: `${patientLabel(patient)}, ${patient.sex === 'F' ? 'née' : 'né'} le ${frenchDate(patient.birthDate)} — ${title}`,
    blocks: [{ kind: 'title', text: title }, ...patientBlocks(patient), ...blocks, ...signatureBlocks(header)],
  };
}

/** `Oui`/`Non` or `Non renseigné`. */
export function yesNoUnknown(value: boolean | undefined): string {
  return value === undefined ? 'Non renseigné' : yesNo(value);
}
