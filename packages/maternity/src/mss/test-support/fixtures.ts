/**
 * Test fixtures of the MSS sending: a lettre de liaison (the ANS LDL-SES example) packaged for
 * Maternité Sainte Félicité, and helpers that unzip a package and parse its METADATA.XML.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { unzipSync } from 'fflate';
import type { XdmAuthor, XdmDocument, XdmPatient, XdmSubmission } from '../xdm-types.js';

/** The ANS reference folder (`../shared/ans` from the repository root). */
export const ANS_DIR = fileURLToPath(new URL('../../../../../../shared/ans/', import.meta.url));

/** The bytes of the ANS LDL-SES example. */
export const LDL_SES_EXAMPLE: Uint8Array = new Uint8Array(readFileSync(`${ANS_DIR}cda-examples/LDL-SES_2022.01.xml`));

/** A small PDF-looking payload (bytes are bytes: the packaging does not read them). */
export const PDF_BYTES: Uint8Array = new TextEncoder().encode('%PDF-1.4\n% CR d\'accouchement\n%%EOF\n');

export const MATERNITY = { name: 'Maternité Sainte Félicité', nationalId: '1330000012', mss: 'secretariat@maternite-sainte-felicite.mssante.fr' } as const;

export const PATIENT: XdmPatient = {
  ins: { value: '295109912611193', oid: '1.2.250.1.213.1.4.8' },
  localId: { value: 'MSF-000123', assigningAuthority: '1.2.250.1.213.1.1.9.330000012.1' },
  birthFamilyName: 'DURAND',
  givenNames: 'Marie Louise',
  usedFamilyName: 'MARTIN',
  birthDate: '1995-10-12',
  sex: 'F',
};

export const MIDWIFE: XdmAuthor = {
  person: { nationalId: '810001234567', family: 'SAGE', given: 'Claire' },
  institution: { name: MATERNITY.name, nationalId: MATERNITY.nationalId },
  role: { code: '50', system: '1.2.250.1.71.1.2.7', display: 'Sage-Femme' },
  specialty: { code: 'G15_50', system: '1.2.250.1.213.1.1.4.5', display: 'Sage-Femme' },
  mssAddress: 'claire.sage@maternite-sainte-felicite.mssante.fr',
};

export const SUBMISSION_TIME = new Date('2026-06-12T14:30:00Z');

export function letterDocument(overrides: Partial<XdmDocument> = {}): XdmDocument {
  return {
    content: LDL_SES_EXAMPLE,
    mimeType: 'text/xml',
    uniqueId: '1.2.250.1.213.1.1.9.330000012.2.1^LDL-2026-0001',
    title: 'Lettre de liaison à la sortie',
    typeCode: { code: '11490-0', system: '2.16.840.1.113883.6.1', display: "Lettre de liaison à la sortie d'un établissement de soins" },
    classCode: { code: '10', system: '1.2.250.1.213.1.1.4.1', display: 'Compte rendu' },
    formatCode: { code: 'urn:asip:ci-sis:ldl-ses:2017', system: '1.2.250.1.213.1.1.4.2.282', display: 'Lettre de liaison à la sortie' },
    confidentiality: { code: 'N', system: '2.16.840.1.113883.5.25', display: 'Normal' },
    facilityType: { code: 'SA04', system: '1.2.250.1.71.4.2.4', display: 'Etablissement privé non PSPH' },
    practiceSetting: { code: 'ETABLISSEMENT', system: '1.2.250.1.213.1.1.4.9', display: 'Etablissement de santé' },
    creationTime: new Date('2026-06-12T14:00:00Z'),
    serviceStart: new Date('2026-06-08T22:10:00Z'),
    serviceStop: new Date('2026-06-12T10:00:00Z'),
    languageCode: 'fr-FR',
    ...overrides,
  };
}

export function submission(overrides: Partial<XdmSubmission> = {}): XdmSubmission {
  return {
    uniqueId: '1.2.250.1.213.1.1.9.330000012.3.1',
    sourceId: '1.2.250.1.213.1.1.9.330000012',
    submissionTime: SUBMISSION_TIME,
    author: MIDWIFE,
    intendedRecipients: [
      { person: { id: '810000000001', family: 'GENERALISTE', given: 'Paul' }, mssAddress: 'paul.generaliste@medecin.mssante.fr' },
      { person: { id: '295109912611193', idSystem: '1.2.250.1.213.1.4.8', family: 'MARTIN', given: 'Marie' }, mssAddress: '295109912611193@patient.mssante.fr' },
    ],
    title: 'Lettre de liaison de sortie',
    patient: PATIENT,
    documents: [letterDocument()],
    sender: {
      name: MATERNITY.name,
      contact: ['12 rue des Lilas, 33000 Bordeaux', 'Tél. 05 56 00 00 00', MATERNITY.mss],
      application: { name: 'Logiciel de la maternité', version: '0.1.0' },
    },
    ...overrides,
  };
}

/** The files of a zip by path. */
export function unzip(zip: Uint8Array): Record<string, Uint8Array> {
  return unzipSync(zip);
}

/** A parsed ebRIM object: attributes prefixed `@_`, children by qualified name. */
export type XmlNode = { readonly [key: string]: unknown };

const ALWAYS_ARRAYS = new Set(['rim:Slot', 'rim:Value', 'rim:Classification', 'rim:ExternalIdentifier', 'rim:ExtrinsicObject', 'rim:Association']);

/** Parses METADATA.XML (values kept as strings) and returns its RegistryObjectList. */
export function parseMetadata(xml: string): XmlNode {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    isArray: (name) => ALWAYS_ARRAYS.has(name),
  });
  const root = parser.parse(xml) as XmlNode;
  const request = child(root, 'lcm:SubmitObjectsRequest');
  return child(request, 'rim:RegistryObjectList');
}

export function child(node: XmlNode, name: string): XmlNode {
  const value = node[name];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`no single <${name}>`);
  return value as XmlNode;
}

export function children(node: XmlNode, name: string): XmlNode[] {
  const value = node[name];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`<${name}> is not a list`);
  return value as XmlNode[];
}

export function attr(node: XmlNode, name: string): string {
  const value = node[`@_${name}`];
  if (typeof value !== 'string') throw new Error(`no attribute ${name}`);
  return value;
}

/** The values of slot `name` of an object. */
export function slot(node: XmlNode, name: string): string[] {
  const found = children(node, 'rim:Slot').find((s) => attr(s, 'name') === name);
  if (found === undefined) return [];
  return children(child(found, 'rim:ValueList'), 'rim:Value').map((value) => (typeof value === 'string' ? value : String(value['#text'] ?? '')));
}

/** The value of `rim:Name/rim:LocalizedString/@value`. */
export function nameOf(node: XmlNode): string {
  return attr(child(child(node, 'rim:Name'), 'rim:LocalizedString'), 'value');
}
