/**
 * The clinical documents of Maternité Sainte Félicité as CDA R2 (DOMAIN.md §4), each with the PDF
 * handed to the patient and the metadata of its DMP deposit:
 *
 * - {@link buildCraDocument}: compte rendu d'accouchement, LOINC 15508-5, level 1 (PDF);
 * - {@link buildObpSnmDocument}: synthèse salle de naissance mère, LOINC 57057-2, OBP-SNM 2024.01;
 * - {@link buildCroDocument}: compte rendu opératoire of a caesarean, LOINC 34874-8, level 1 (PDF);
 * - {@link buildLdlSesDocument}: lettre de liaison à la sortie, LOINC 11490-0, LDL-SES 2022.01.
 *
 * The builders are pure (no I/O, no clock, no randomness: the same input gives the same bytes) but
 * asynchronous, because pdf-lib writes PDFs through promises.
 */
export * from './document-inputs.js';
export { buildCraDocument, CRA_KIND } from './cra-document.js';
export { buildObpSnmDocument, OBP_SNM_KIND } from './obp-snm-document.js';
export { buildCroDocument, CRO_KIND } from './cro-document.js';
export { buildLdlSesDocument, LDL_SES_KIND } from './ldl-ses-document.js';
export { PDF_FORMAT_CODE, type BuiltDocument } from './built-document.js';
export { documentMetadata, toPdsmDocument, xdsUniqueId, type DocumentMetadata } from './document-metadata.js';
export type { DocumentKind } from './cda-header.js';
export { hl7Time } from './cda-datatypes.js';
export { escapeAttribute, escapeText, serializeXml, el, type XmlElement } from './xml-writer.js';
export { renderPdf, pdfSafe, type PdfBlock, type PdfSpec } from './pdf-layout.js';
