/**
 * Lettre de liaison à la sortie d'un établissement de santé (LDL-SES 2022.01, LOINC 11490-0,
 * template 1.2.250.1.213.1.1.1.29, format `urn:asip:ci-sis:ldl-ses:2017`), modelled on the ANS
 * example LDL-SES_2022.01.xml and the rules of CI-SIS_LDL-SES_2022.01.sch: document status,
 * reason for the stay, stay synthesis, treatments stopped and at discharge, awaited results,
 * follow-up, allergies. Addressed to the médecin traitant and the referring practitioner.
 */
import { coded, CS } from './cda-datatypes.js';
import { content, idSource, paragraphs, section } from './cda-body.js';
import { documentStatus } from './cda-entries.js';
import { clinicalDocument, FUNCTION, informationRecipient, participant, type DocumentKind } from './cda-header.js';
import type { BuiltDocument } from './built-document.js';
import type { Discharge, LdlSesInput, Professional } from './document-inputs.js';
import { documentMetadata } from './document-metadata.js';
import { frenchDate, frenchDateTime, professionalLabel, yesNo } from './french-format.js';
import { allergiesSection, ADMISSION_MODE, carePlanSection, DISCHARGE_MODE, pendingResultsSection, stayResultsSection, treatmentsSection } from './ldl-ses-sections.js';
import { DOCUMENT_STATUS } from './obstetric-codes.js';
import { renderPdf, type PdfBlock } from './pdf-layout.js';
import { professionalWithRole, reportSpec } from './report-blocks.js';
import { el, serializeXml } from './xml-writer.js';

/** Header identity of the LDL-SES: LOINC 11490-0, template 1.2.250.1.213.1.1.1.29 (2022.01). */
export const LDL_SES_KIND: DocumentKind = {
  templateIds: [{ root: '1.2.250.1.213.1.1.1.29', extension: '2022.01' }],
  code: coded('11490-0', CS.loinc, "Lettre de liaison à la sortie d'un établissement de soins"),
  title: 'Lettre de liaison à la sortie',
  formatCode: 'urn:asip:ci-sis:ldl-ses:2017',
};

const HOSPITALISATION = coded('IMP', CS.actCode, 'Hospitalisation (établissement, y compris HAD)');

function treatmentRows(list: Discharge['treatmentsAtDischarge']): string[][] {
  return list.map((t) => [t.name, t.posology, t.start ? frenchDate(t.start) : '', t.end ? frenchDate(t.end) : '', t.comment ?? '']);
}

function pdfBlocks(d: Discharge): PdfBlock[] {
  const allergies = d.allergies.kind === 'liste' ? d.allergies.items.map((a) => `${a.agent}${a.reaction ? ` : ${a.reaction}` : ''}`).join(' ; ') : d.allergies.kind === 'aucune_connue' ? 'Aucune allergie connue' : 'Non renseignées';
  const blocks: PdfBlock[] = [
    { kind: 'heading', text: "Motif de l'hospitalisation" },
    { kind: 'paragraph', text: d.reasonForStay },
    { kind: 'heading', text: 'Synthèse médicale du séjour' },
    {
      kind: 'fields',
      rows: [
        ['Entrée', `${frenchDateTime(d.admission)} (${ADMISSION_MODE[d.admissionMode].display})`],
        ['Sortie', `${frenchDateTime(d.discharge)} (${DISCHARGE_MODE[d.dischargeMode].display})`],
        ['Synthèse', d.summary],
        ...(d.adverseEvents ? [['Événements indésirables', d.adverseEvents] as [string, string]] : []),
        ['Recherche de BMR / BHRe', `${yesNo(d.mdroScreening.done)}${d.mdroScreening.findings ? ` : ${d.mdroScreening.findings}` : ''}`],
        ['Transfusion', yesNo(d.transfusion)],
        ['Dérivés du sang', yesNo(d.bloodDerivatives)],
      ],
    },
    { kind: 'heading', text: 'Traitements à la sortie' },
  ];
  const headers = ['Médicament', 'Posologie', 'Début', 'Fin', 'Commentaire'];
  const widths = [2.1, 2.5, 1.05, 1.05, 1.3];
  blocks.push(d.treatmentsAtDischarge.length === 0 ? { kind: 'paragraph', text: 'Aucun traitement médicamenteux à la sortie.' } : { kind: 'table', headers, widths, rows: treatmentRows(d.treatmentsAtDischarge) });
  if (d.treatmentsStopped.length > 0) blocks.push({ kind: 'heading', text: 'Traitements arrêtés durant le séjour' }, { kind: 'table', headers, widths, rows: treatmentRows(d.treatmentsStopped) });
  blocks.push({ kind: 'heading', text: 'Suites à donner' });
  blocks.push(
    d.followUp.length === 0
      ? { kind: 'paragraph', text: 'Pas de suivi particulier.' }
      : { kind: 'table', headers: ['Suivi', 'Par', 'Date'], widths: [3, 1.6, 0.9], rows: d.followUp.map((f) => [f.description, f.who === undefined ? '' : typeof f.who === 'string' ? f.who : professionalLabel(f.who), f.date ? frenchDate(f.date) : '']) },
  );
  blocks.push({ kind: 'heading', text: 'Résultats en attente' }, { kind: 'paragraph', text: d.pendingResults.length === 0 ? 'Aucun.' : d.pendingResults.map((r) => `• ${r}`).join('\n') });
  blocks.push({ kind: 'heading', text: 'Allergies et hypersensibilités' }, { kind: 'paragraph', text: allergies });
  const recipients = [d.generalPractitioner, d.referringPractitioner].filter((p): p is Professional => p !== undefined);
  if (recipients.length > 0) blocks.push({ kind: 'heading', text: 'Destinataires' }, { kind: 'paragraph', text: recipients.map(professionalWithRole).join('\n') });
  return blocks;
}

/** Builds the lettre de liaison à la sortie and its PDF for the patient. */
export async function buildLdlSesDocument(input: LdlSesInput): Promise<BuiltDocument> {
  const { header, patient, discharge: d } = input;
  const ids = idSource(header.id);
  const statusKey = input.status ?? 'valide';
  const statusRef = ids.ref('statut-document');
  const body = el(
    'structuredBody',
    {},
    section(ids, {
      templateIds: ['1.2.250.1.213.1.1.2.35', '1.2.250.1.213.1.1.2.35.1'],
      code: coded('33557-0', CS.loinc, "Etat d'achèvement"),
      title: 'Statut du document',
      text: content(statusRef, statusKey === 'valide' ? 'Validé' : 'En cours'),
      entries: [documentStatus(ids, { status: DOCUMENT_STATUS[statusKey], ref: statusRef, time: header.effectiveTime, extraTemplates: ['1.2.250.1.213.1.1.3.48.16.1'] })],
    }),
    section(ids, {
      templateIds: ['1.3.6.1.4.1.19376.1.5.3.1.3.1', '1.2.250.1.213.1.1.2.127'],
      code: coded('42349-1', CS.loinc, 'Raison de la recommandation'),
      title: "Motif de l'hospitalisation",
      text: paragraphs(d.reasonForStay),
    }),
    stayResultsSection(ids, d),
    d.treatmentsStopped.length > 0 ? treatmentsSection(ids, d.treatmentsStopped, false) : undefined,
    treatmentsSection(ids, d.treatmentsAtDischarge, true),
    pendingResultsSection(ids, d.pendingResults),
    carePlanSection(ids, d.followUp),
    allergiesSection(ids, d.allergies, d.admission),
  );
  const recipients = [d.generalPractitioner, d.referringPractitioner].filter((p): p is Professional => p !== undefined);
  const participants = [
    ...(d.generalPractitioner ? [participant('INF', d.generalPractitioner, header.custodian, { functionCode: FUNCTION.pcp })] : []),
    ...(d.referringPractitioner ? [participant('REF', d.referringPractitioner, header.custodian, { functionCode: FUNCTION.correspondent, functionText: 'Praticien ayant suivi la grossesse' })] : []),
  ];
  const document = clinicalDocument(
    LDL_SES_KIND,
    header,
    patient,
    {
      participants,
      informationRecipients: recipients.map((p) => informationRecipient(p, header.custodian)),
      serviceEvent: { code: HOSPITALISATION, start: d.admission, end: d.discharge, ...(header.encounter.responsible ? { performer: header.encounter.responsible } : {}) },
    },
    body,
  );
  const pdf = await renderPdf(reportSpec(`${LDL_SES_KIND.title} — ${header.custodian.name}`, header, patient, pdfBlocks(d)));
  return { xml: serializeXml(document), pdf, metadata: documentMetadata(LDL_SES_KIND, header, patient, { start: d.admission, end: d.discharge }) };
}
