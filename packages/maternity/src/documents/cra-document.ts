/**
 * Compte rendu d'accouchement (CRA, LOINC 15508-5): a level-1 CDA R2 carrying the PDF report
 * (format `urn:ihe:iti:xds-sd:pdf:2008`), the CI-SIS having no structured CRA template
 * (DOMAIN.md §4; model: ANS example DOC_NON_STRUCTURE_CDA-R2-N1.xml).
 */
import { coded, CS } from './cda-datatypes.js';
import { clinicalDocument, participant, FUNCTION, type DocumentKind } from './cda-header.js';
import { pdfBody, PDF_FORMAT_CODE, XDS_SD_TEMPLATE, type BuiltDocument } from './built-document.js';
import { deliveryBlocks, deliveryPerformer } from './delivery-report.js';
import type { CraInput, Delivery, DocumentHeaderInput, Professional } from './document-inputs.js';
import { documentMetadata } from './document-metadata.js';
import { renderPdf } from './pdf-layout.js';
import { reportSpec } from './report-blocks.js';
import { serializeXml, type XmlElement } from './xml-writer.js';

/** Header identity of the CRA: LOINC 15508-5, XDS-SD template, PDF format code. */
export const CRA_KIND: DocumentKind = {
  templateIds: [XDS_SD_TEMPLATE],
  code: coded('15508-5', CS.loinc, "CR d'accouchement"),
  title: "Compte rendu d'accouchement",
  formatCode: PDF_FORMAT_CODE,
};

/** SNOMED CT "Accouchement", the act documented (as in the OBP models). */
export const DELIVERY_ACT = coded('236973005', CS.snomed, 'Accouchement');

/** The delivery team as header participants (PRF, care team function). */
export function deliveryTeam(header: DocumentHeaderInput, d: Delivery, start: string): XmlElement[] {
  const members: [Professional | undefined, string][] = [
    [d.midwife, 'Sage-femme'],
    [d.obstetrician, 'Obstétricien'],
    [d.anaesthetist, 'Anesthésiste'],
  ];
  return members
    .filter((m): m is [Professional, string] => m[0] !== undefined)
    .map(([p, text]) => participant('PRF', p, header.custodian, { functionCode: FUNCTION.careTeam, functionText: text, start }));
}

/**
 * Builds the compte rendu d'accouchement: the PDF report and the level-1 CDA that carries it.
 * Pure: the same input gives the same bytes.
 */
export async function buildCraDocument(input: CraInput): Promise<BuiltDocument> {
  const { header, patient, delivery } = input;
  const blocks = deliveryBlocks(delivery);
  if (input.comments) blocks.push({ kind: 'heading', text: 'Commentaires' }, { kind: 'paragraph', text: input.comments });
  const pdf = await renderPdf(reportSpec(CRA_KIND.title, header, patient, blocks));
  const start = delivery.labourStart ?? delivery.deliveryTime;
  const end = delivery.newborns.reduce((last, n) => (Date.parse(n.birthTime) > Date.parse(last) ? n.birthTime : last), delivery.deliveryTime);
  const performer = deliveryPerformer(delivery);
  const document = clinicalDocument(
    CRA_KIND,
    header,
    patient,
    {
      participants: deliveryTeam(header, delivery, start),
      serviceEvent: { code: DELIVERY_ACT, start, end, ...(performer ? { performer } : {}) },
    },
    pdfBody(pdf),
  );
  return {
    xml: serializeXml(document),
    pdf,
    metadata: documentMetadata(CRA_KIND, header, patient, { start, end }),
  };
}
