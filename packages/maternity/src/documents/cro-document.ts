/**
 * Compte rendu opératoire of a caesarean (CRO, LOINC 34874-8): a level-1 CDA R2 carrying the PDF
 * report (format `urn:ihe:iti:xds-sd:pdf:2008`; model: ANS example DOC_NON_STRUCTURE_CDA-R2-N1.xml).
 */
import { coded, CS } from './cda-datatypes.js';
import { clinicalDocument, FUNCTION, participant, type DocumentKind } from './cda-header.js';
import { pdfBody, PDF_FORMAT_CODE, XDS_SD_TEMPLATE, type BuiltDocument } from './built-document.js';
import type { CaesareanUrgency, CroInput, Professional } from './document-inputs.js';
import { documentMetadata } from './document-metadata.js';
import { frenchDate, frenchDuration, frenchNumber, frenchTime, minutesBetween } from './french-format.js';
import { ANAESTHESIA_LABEL } from './obstetric-codes.js';
import { renderPdf, type PdfBlock } from './pdf-layout.js';
import { newbornTable, professionalWithRole, reportSpec } from './report-blocks.js';
import { serializeXml } from './xml-writer.js';

/** Header identity of the CRO: LOINC 34874-8, XDS-SD template, PDF format code. */
export const CRO_KIND: DocumentKind = {
  templateIds: [XDS_SD_TEMPLATE],
  code: coded('34874-8', CS.loinc, 'CR opératoire'),
  title: 'Compte rendu opératoire',
  formatCode: PDF_FORMAT_CODE,
};

/** SNOMED CT "césarienne" (the value JDV_ModeDebutTravail_CISIS uses), the act documented. */
export const CAESAREAN_ACT = coded('11466000', CS.snomed, 'césarienne');

const URGENCY_LABEL: Readonly<Record<CaesareanUrgency, string>> = {
  programmee: 'Césarienne programmée',
  vert: 'Césarienne en urgence, code vert (sans menace immédiate, délai décision-naissance au-delà d’une heure)',
  orange: 'Césarienne en urgence, code orange (délai décision-naissance de moins d’une heure)',
  rouge: 'Césarienne en urgence, code rouge (extraction immédiate, délai décision-naissance de moins de 15 minutes)',
};

function blocks(input: CroInput): PdfBlock[] {
  const op = input.operation;
  const team: [string, string][] = [['Opérateur', professionalWithRole(op.team.surgeon)]];
  if (op.team.assistant) team.push(['Aide opératoire', professionalWithRole(op.team.assistant)]);
  team.push(['Anesthésiste', professionalWithRole(op.team.anaesthetist)]);
  if (op.team.midwife) team.push(['Sage-femme', professionalWithRole(op.team.midwife)]);
  const out: PdfBlock[] = [
    { kind: 'heading', text: 'Intervention' },
    {
      kind: 'fields',
      rows: [
        ['Intervention', 'Césarienne'],
        ['Date', frenchDate(op.start)],
        ['Horaires', `${frenchTime(op.start)} – ${frenchTime(op.end)} (durée ${frenchDuration(minutesBetween(op.start, op.end))})`],
        ['Degré d’urgence', URGENCY_LABEL[op.indication.urgency]],
        ['Indication', op.indication.code ? `${op.indication.text} (${op.indication.code.display})` : op.indication.text],
        ['Anesthésie', ANAESTHESIA_LABEL[op.anaesthesia]],
      ],
    },
    { kind: 'heading', text: 'Équipe' },
    { kind: 'fields', rows: team },
    { kind: 'heading', text: 'Technique opératoire' },
    { kind: 'fields', rows: [['Voie d’abord', op.technique.incision], ['Hystérotomie', op.technique.hysterotomy]] },
  ];
  if (op.technique.details) out.push({ kind: 'paragraph', text: op.technique.details });
  out.push({ kind: 'heading', text: 'Constatations' }, { kind: 'paragraph', text: op.findings });
  if (input.newborns.length > 0) out.push({ kind: 'heading', text: input.newborns.length > 1 ? 'Naissances' : 'Naissance' }, newbornTable(input.newborns));
  out.push(
    { kind: 'heading', text: 'Suites opératoires immédiates' },
    {
      kind: 'fields',
      rows: [
        ['Complications', op.complications ?? 'Aucune'],
        ['Pertes sanguines', `${frenchNumber(op.bloodLossMl)} ml`],
        ...(op.closing ? [['Fermeture', op.closing] as [string, string]] : []),
      ],
    },
  );
  if (op.postoperativeInstructions) out.push({ kind: 'heading', text: 'Consignes postopératoires' }, { kind: 'paragraph', text: op.postoperativeInstructions });
  return out;
}

/** Builds the compte rendu opératoire of a caesarean: its PDF and the level-1 CDA that carries it. */
export async function buildCroDocument(input: CroInput): Promise<BuiltDocument> {
  const { header, patient, operation: op } = input;
  const pdf = await renderPdf(reportSpec(`${CRO_KIND.title} — césarienne`, header, patient, blocks(input)));
  const members: [Professional | undefined, string][] = [
    [op.team.assistant, 'Aide opératoire'],
    [op.team.anaesthetist, 'Anesthésiste'],
    [op.team.midwife, 'Sage-femme'],
  ];
  const participants = members
    .filter((m): m is [Professional, string] => m[0] !== undefined)
    .map(([p, text]) => participant('PRF', p, header.custodian, { functionCode: FUNCTION.careTeam, functionText: text, start: op.start }));
  const document = clinicalDocument(CRO_KIND, header, patient, { participants, serviceEvent: { code: CAESAREAN_ACT, start: op.start, end: op.end, performer: op.team.surgeon } }, pdfBody(pdf));
  return { xml: serializeXml(document), pdf, metadata: documentMetadata(CRO_KIND, header, patient, { start: op.start, end: op.end }) };
}
