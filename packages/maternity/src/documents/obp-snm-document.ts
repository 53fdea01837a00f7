/**
 * Synthèse Salle de Naissance Mère (OBP-SNM 2024.01, LOINC 57057-2, template
 * 1.2.250.1.213.1.1.1.12.2, format `urn:asip:ci-sis:obp-snm:2023`): the delivery as coded
 * entries, modelled on the ANS example OBP-SNM_2024.01.xml and the rules of
 * CI-SIS_OBP-SNM_2024.01.sch. Beyond the model's mandatory entries, each child is described by an
 * FR-Naissance organizer (rank, method, presentation, weight, length, head circumference, Apgar
 * scores, status, transfer) in the FR-Resultats-evenements sub-section.
 */
import { coded, CS } from './cda-datatypes.js';
import { idSource, section, content } from './cda-body.js';
import { documentStatus } from './cda-entries.js';
import { clinicalDocument, FUNCTION, participant, type DocumentKind } from './cda-header.js';
import type { BuiltDocument } from './built-document.js';
import { deliveryTeam, DELIVERY_ACT } from './cra-document.js';
import { afterBirthRows, deliveryBlocks, deliveryPerformer, labourRows } from './delivery-report.js';
import type { ObpSnmInput } from './document-inputs.js';
import { documentMetadata } from './document-metadata.js';
import { labourAndDeliverySection } from './obp-snm-entries.js';
import { DOCUMENT_STATUS } from './obstetric-codes.js';
import { renderPdf } from './pdf-layout.js';
import { reportSpec } from './report-blocks.js';
import { el, serializeXml } from './xml-writer.js';

/** Header identity of the OBP-SNM: LOINC 57057-2, template 1.2.250.1.213.1.1.1.12.2 (2024.01). */
export const OBP_SNM_KIND: DocumentKind = {
  templateIds: [{ root: '1.2.250.1.213.1.1.1.12.2', extension: '2024.01' }],
  code: coded('57057-2', CS.loinc, 'Synthèse Salle de Naissance Mère'),
  title: 'Synthèse Salle de Naissance Mère',
  formatCode: 'urn:asip:ci-sis:obp-snm:2023',
};

/** Builds the OBP-SNM synthesis and its PDF rendering for the patient. */
export async function buildObpSnmDocument(input: ObpSnmInput): Promise<BuiltDocument> {
  const { header, patient, delivery } = input;
  const ids = idSource(header.id);
  const statusKey = input.status ?? 'approuve';
  const statusRef = ids.ref('statut-document');
  const statusLabel = statusKey === 'approuve' ? 'Approuvé' : 'En cours';

  const body = el(
    'structuredBody',
    {},
    labourAndDeliverySection(ids, delivery, [...labourRows(delivery), ...afterBirthRows(delivery)]),
    section(ids, {
      templateIds: ['1.2.250.1.213.1.1.2.35'],
      code: coded('33557-0', CS.loinc, "Etat d'achèvement"),
      title: 'Statut du document',
      text: content(statusRef, statusLabel),
      entries: [documentStatus(ids, { status: DOCUMENT_STATUS[statusKey], ref: statusRef, time: header.effectiveTime })],
    }),
  );

  const start = delivery.labourStart ?? delivery.deliveryTime;
  const end = delivery.newborns.reduce((last, n) => (Date.parse(n.birthTime) > Date.parse(last) ? n.birthTime : last), delivery.deliveryTime);
  const responsible = deliveryPerformer(delivery) ?? header.author.professional;
  const participants = [
    participant('RESP', responsible, header.custodian, { start }),
    ...deliveryTeam(header, delivery, start),
    ...(input.generalPractitioner ? [participant('INF', input.generalPractitioner, header.custodian, { functionCode: FUNCTION.pcp })] : []),
  ];
  const document = clinicalDocument(OBP_SNM_KIND, header, patient, { participants, serviceEvent: { code: DELIVERY_ACT, start, end, performer: responsible } }, body);

  const pdf = await renderPdf(
    reportSpec(OBP_SNM_KIND.title, header, patient, [
      ...deliveryBlocks(delivery),
      { kind: 'heading', text: 'Statut du document' },
      { kind: 'paragraph', text: statusLabel },
    ]),
  );
  return { xml: serializeXml(document), pdf, metadata: documentMetadata(OBP_SNM_KIND, header, patient, { start, end }) };
}
