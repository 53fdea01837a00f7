/**
 * What every builder returns, and the level-1 (unstructured, PDF) body of the CI-SIS
 * "Document CDA R2 niveau 1" with the IHE XDS-SD template.
 */
import type { DocumentMetadata } from './document-metadata.js';
import { el, type XmlElement } from './xml-writer.js';

/** A generated document: the CDA, the PDF handed to the patient, and the deposit metadata. */
export interface BuiltDocument {
  readonly xml: string;
  readonly pdf: Uint8Array;
  readonly metadata: DocumentMetadata;
}

/** IHE XDS-SD (scanned documents / PDF in CDA) conformance template. */
export const XDS_SD_TEMPLATE = { root: '1.3.6.1.4.1.19376.1.2.20' } as const;

/** IHE format code of a PDF in a level-1 CDA. */
export const PDF_FORMAT_CODE = 'urn:ihe:iti:xds-sd:pdf:2008';

/** `<nonXMLBody>` carrying the PDF in base64. */
export function pdfBody(pdf: Uint8Array): XmlElement {
  return el('nonXMLBody', {}, el('text', { mediaType: 'application/pdf', representation: 'B64' }, Buffer.from(pdf).toString('base64')));
}

/** The date a PDF records, from an ISO date-time with offset. */
export function pdfDate(iso: string): Date {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) throw new RangeError(`not a date-time: ${iso}`);
  return new Date(time);
}
