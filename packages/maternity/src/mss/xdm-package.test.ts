import { createHash } from 'node:crypto';
import { dmpDocumentType } from '@dmp/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DOCUMENT_ENTRY_IDENTIFIER,
  DOCUMENT_ENTRY_OBJECT_TYPE,
  DOCUMENT_ENTRY_SCHEME,
  HAS_MEMBER,
  SUBMISSION_SET_IDENTIFIER,
  SUBMISSION_SET_NODE,
  SUBMISSION_SET_SCHEME,
} from './ihe-xds-ids.js';
import {
  LDL_SES_EXAMPLE,
  MATERNITY,
  PDF_BYTES,
  attr,
  child,
  children,
  letterDocument,
  nameOf,
  parseMetadata,
  slot,
  submission,
  unzip,
  type XmlNode,
} from './test-support/fixtures.js';
import { buildXdmPackage } from './xdm-package.js';

const METADATA = 'IHE_XDM/SUBSET01/METADATA.XML';
const decoder = new TextDecoder();

function metadataOf(zip: Uint8Array): XmlNode {
  const file = unzip(zip)[METADATA];
  if (file === undefined) throw new Error('no METADATA.XML');
  return parseMetadata(decoder.decode(file));
}

function classifications(node: XmlNode, scheme: string): XmlNode[] {
  return children(node, 'rim:Classification').filter((c) => c['@_classificationScheme'] === scheme);
}

function externalId(node: XmlNode, scheme: string): string {
  const found = children(node, 'rim:ExternalIdentifier').filter((e) => attr(e, 'identificationScheme') === scheme);
  expect(found).toHaveLength(1);
  return attr(found[0] as XmlNode, 'value');
}

const twoDocuments = submission({
  documents: [
    letterDocument(),
    letterDocument({
      content: PDF_BYTES,
      mimeType: 'application/pdf',
      uniqueId: '1.2.250.1.213.1.1.9.330000012.2.2',
      title: "Compte rendu d'accouchement",
      typeCode: { code: '15508-5', system: '2.16.840.1.113883.6.1', display: "CR d'accouchement" },
      formatCode: { code: 'urn:ihe:iti:xds-sd:pdf:2008', system: '1.3.6.1.4.1.19376.1.2.3', display: 'PDF embedded in CDA' },
      confidentiality: [
        { code: 'N', system: '2.16.840.1.113883.5.25', display: 'Normal' },
        { code: 'MASQUE_PS', system: '1.2.250.1.213.1.1.4.13', display: 'Masqué aux professionnels de santé' },
      ],
    }),
  ],
});

describe('buildXdmPackage: the files (ITI TF-1 §16)', () => {
  it('holds README.TXT, INDEX.HTM, METADATA.XML and the documents beside it, byte for byte', () => {
    const files = unzip(buildXdmPackage(twoDocuments));
    expect(Object.keys(files).sort()).toEqual(['IHE_XDM/SUBSET01/DOC00001.XML', 'IHE_XDM/SUBSET01/DOC00002.PDF', METADATA, 'INDEX.HTM', 'README.TXT']);
    expect(files['IHE_XDM/SUBSET01/DOC00001.XML']).toEqual(LDL_SES_EXAMPLE);
    expect(files['IHE_XDM/SUBSET01/DOC00002.PDF']).toEqual(PDF_BYTES);
  });

  it('README.TXT names the sender and its contact, in French and English', () => {
    const readme = decoder.decode(unzip(buildXdmPackage(twoDocuments))['README.TXT']);
    expect(readme).toContain(`Expéditeur : ${MATERNITY.name}`);
    expect(readme).toContain(`Sender: ${MATERNITY.name}`);
    expect(readme).toContain(MATERNITY.mss);
    expect(readme).toContain('Tél. 05 56 00 00 00');
    expect(readme).toContain('Logiciel de la maternité 0.1.0');
  });

  it('INDEX.HTM links README.TXT and every document', () => {
    const index = decoder.decode(unzip(buildXdmPackage(twoDocuments))['INDEX.HTM']);
    expect(index).toContain('href="README.TXT"');
    expect(index).toContain('href="IHE_XDM/SUBSET01/DOC00001.XML"');
    expect(index).toContain('href="IHE_XDM/SUBSET01/DOC00002.PDF"');
    expect(index).toContain('Compte rendu d&apos;accouchement');
  });

  it('uses a given file name, and refuses names outside ISO 9660 8.3 or twice the same', () => {
    const files = unzip(buildXdmPackage(submission({ documents: [letterDocument({ fileName: 'LDL0001.XML' })] })));
    expect(files['IHE_XDM/SUBSET01/LDL0001.XML']).toEqual(LDL_SES_EXAMPLE);
    for (const fileName of ['../EVIL.XML', 'lower.xml', 'TOOLONGNAME.XML', 'A/B.XML', 'METADATA.XML']) {
      expect(() => buildXdmPackage(submission({ documents: [letterDocument({ fileName })] }))).toThrow(RangeError);
    }
    const twice = [letterDocument({ fileName: 'A.XML' }), letterDocument({ fileName: 'A.XML', uniqueId: '1.2.3' })];
    expect(() => buildXdmPackage(submission({ documents: twice }))).toThrow(/two files/);
  });

  it('refuses an empty submission set and a document about another patient', () => {
    expect(() => buildXdmPackage(submission({ documents: [] }))).toThrow(RangeError);
    const other = letterDocument({ patient: { ...twoDocuments.patient, ins: { value: '279035121518989', oid: '1.2.250.1.213.1.4.8' } } });
    expect(() => buildXdmPackage(submission({ documents: [other] }))).toThrow(/patient/);
  });
});

describe('buildXdmPackage: METADATA.XML (ITI TF-3 §4.2, ebRIM 3.0)', () => {
  const list = metadataOf(buildXdmPackage(twoDocuments));
  const files = unzip(buildXdmPackage(twoDocuments));
  const entries = children(list, 'rim:ExtrinsicObject');
  const set = child(list, 'rim:RegistryPackage');
  const setId = attr(set, 'id');

  it('has one DocumentEntry per document, stable objectType, with the MIME type', () => {
    expect(entries).toHaveLength(2);
    for (const entry of entries) expect(attr(entry, 'objectType')).toBe(DOCUMENT_ENTRY_OBJECT_TYPE);
    expect(entries.map((e) => attr(e, 'mimeType'))).toEqual(['text/xml', 'application/pdf']);
    for (const entry of entries) expect(attr(entry, 'id')).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('gives every document the SHA-1 hash and size of the bytes its URI names', () => {
    for (const entry of entries) {
      const [uri] = slot(entry, 'URI');
      const bytes = files[`IHE_XDM/SUBSET01/${uri}`];
      expect(bytes).toBeDefined();
      expect(slot(entry, 'hash')).toEqual([createHash('sha1').update(bytes ?? new Uint8Array()).digest('hex')]);
      expect(slot(entry, 'size')).toEqual([String(bytes?.byteLength)]);
    }
  });

  it('classifies the letter with the IHE scheme UUIDs and the French codes', () => {
    const letter = entries[0] as XmlNode;
    const id = attr(letter, 'id');
    const coded = (scheme: string): { code: string; scheme: string; display: string }[] =>
      classifications(letter, scheme).map((c) => {
        expect(attr(c, 'classifiedObject')).toBe(id);
        return { code: attr(c, 'nodeRepresentation'), scheme: slot(c, 'codingScheme')[0] ?? '', display: nameOf(c) };
      });
    expect(coded(DOCUMENT_ENTRY_SCHEME.typeCode)).toEqual([{ code: '11490-0', scheme: '2.16.840.1.113883.6.1', display: "Lettre de liaison à la sortie d'un établissement de soins" }]);
    expect(coded(DOCUMENT_ENTRY_SCHEME.classCode)).toEqual([{ code: dmpDocumentType('http://loinc.org', '11490-0')?.classCode, scheme: '1.2.250.1.213.1.1.4.1', display: 'Compte rendu' }]);
    expect(coded(DOCUMENT_ENTRY_SCHEME.formatCode)).toEqual([{ code: 'urn:asip:ci-sis:ldl-ses:2017', scheme: '1.2.250.1.213.1.1.4.2.282', display: 'Lettre de liaison à la sortie' }]);
    expect(coded(DOCUMENT_ENTRY_SCHEME.confidentialityCode)).toEqual([{ code: 'N', scheme: '2.16.840.1.113883.5.25', display: 'Normal' }]);
    expect(coded(DOCUMENT_ENTRY_SCHEME.healthcareFacilityTypeCode)).toEqual([{ code: 'SA04', scheme: '1.2.250.1.71.4.2.4', display: 'Etablissement privé non PSPH' }]);
    expect(coded(DOCUMENT_ENTRY_SCHEME.practiceSettingCode)).toEqual([{ code: 'ETABLISSEMENT', scheme: '1.2.250.1.213.1.1.4.9', display: 'Etablissement de santé' }]);
    const masked = entries[1] as XmlNode;
    expect(classifications(masked, DOCUMENT_ENTRY_SCHEME.confidentialityCode).map((c) => attr(c, 'nodeRepresentation'))).toEqual(['N', 'MASQUE_PS']);
    expect(classifications(masked, DOCUMENT_ENTRY_SCHEME.formatCode).map((c) => slot(c, 'codingScheme')[0])).toEqual(['1.3.6.1.4.1.19376.1.2.3']);
  });

  it('writes the author: XCN with the national id 8+RPPS, XON of the structure, role, specialty', () => {
    for (const object of [...entries, set]) {
      const scheme = object === set ? SUBMISSION_SET_SCHEME.author : DOCUMENT_ENTRY_SCHEME.author;
      const [author] = classifications(object, scheme);
      expect(author).toBeDefined();
      if (author === undefined) continue;
      expect(attr(author, 'nodeRepresentation')).toBe('');
      expect(slot(author, 'authorPerson')).toEqual(['810001234567^SAGE^Claire^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS']);
      expect(slot(author, 'authorPerson')[0]).toMatch(/^8[0-9]{11}\^SAGE\^Claire\^\^\^\^\^\^&1\.2\.250\.1\.71\.4\.2\.1&ISO/);
      expect(slot(author, 'authorInstitution')).toEqual(['Maternité Sainte Félicité^^^^^&1.2.250.1.71.4.2.2&ISO^IDNST^^^1330000012']);
      expect(slot(author, 'authorRole')).toEqual(['50^Sage-Femme^1.2.250.1.71.1.2.7']);
      expect(slot(author, 'authorSpecialty')).toEqual(['G15_50^Sage-Femme^1.2.250.1.213.1.1.4.5']);
      expect(slot(author, 'authorTelecommunication')).toEqual(['^^Internet^claire.sage@maternite-sainte-felicite.mssante.fr']);
    }
  });

  it('identifies the patient by her INS as CX nir^^^&1.2.250.1.213.1.4.8&ISO^NH, and gives her traits', () => {
    const ins = '295109912611193^^^&1.2.250.1.213.1.4.8&ISO^NH';
    for (const entry of entries) {
      expect(externalId(entry, DOCUMENT_ENTRY_IDENTIFIER.patientId)).toBe(ins);
      expect(slot(entry, 'sourcePatientId')).toEqual(['MSF-000123^^^&1.2.250.1.213.1.1.9.330000012.1&ISO^PI']);
      expect(slot(entry, 'sourcePatientInfo')).toEqual([
        `PID-3|${ins}`,
        'PID-3|MSF-000123^^^&1.2.250.1.213.1.1.9.330000012.1&ISO^PI',
        'PID-5|DURAND^Marie Louise^^^^^L',
        'PID-5|MARTIN^Marie Louise^^^^^D',
        'PID-7|19951012',
        'PID-8|F',
      ]);
    }
    expect(externalId(set, SUBMISSION_SET_IDENTIFIER.patientId)).toBe(ins);
  });

  it('falls back on the local id (PI) without a qualified INS', () => {
    const local = { ...twoDocuments.patient, ins: undefined };
    const metadata = metadataOf(buildXdmPackage(submission({ patient: local })));
    const [entry] = children(metadata, 'rim:ExtrinsicObject');
    expect(externalId(entry as XmlNode, DOCUMENT_ENTRY_IDENTIFIER.patientId)).toBe('MSF-000123^^^&1.2.250.1.213.1.1.9.330000012.1&ISO^PI');
  });

  it('writes unique ids, times in UTC, language, title and URI', () => {
    const letter = entries[0] as XmlNode;
    expect(externalId(letter, DOCUMENT_ENTRY_IDENTIFIER.uniqueId)).toBe('1.2.250.1.213.1.1.9.330000012.2.1^LDL-2026-0001');
    expect(slot(letter, 'creationTime')).toEqual(['20260612140000']);
    expect(slot(letter, 'serviceStartTime')).toEqual(['20260608221000']);
    expect(slot(letter, 'serviceStopTime')).toEqual(['20260612100000']);
    expect(slot(letter, 'languageCode')).toEqual(['fr-FR']);
    expect(slot(letter, 'URI')).toEqual(['DOC00001.XML']);
    expect(nameOf(letter)).toBe('Lettre de liaison à la sortie');
  });

  it('makes the RegistryPackage a SubmissionSet with its metadata', () => {
    const node = children(list, 'rim:Classification').filter((c) => c['@_classificationNode'] === SUBMISSION_SET_NODE);
    expect(node).toHaveLength(1);
    expect(attr(node[0] as XmlNode, 'classifiedObject')).toBe(setId);
    expect(slot(set, 'submissionTime')).toEqual(['20260612143000']);
    expect(externalId(set, SUBMISSION_SET_IDENTIFIER.uniqueId)).toBe('1.2.250.1.213.1.1.9.330000012.3.1');
    expect(externalId(set, SUBMISSION_SET_IDENTIFIER.sourceId)).toBe('1.2.250.1.213.1.1.9.330000012');
    const [contentType] = classifications(set, SUBMISSION_SET_SCHEME.contentTypeCode);
    expect(contentType && attr(contentType, 'nodeRepresentation')).toBe('10');
    expect(contentType && slot(contentType, 'codingScheme')).toEqual(['1.2.250.1.213.1.1.4.1']);
    expect(slot(set, 'intendedRecipient')).toEqual([
      '|810000000001^GENERALISTE^Paul^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS|^^Internet^paul.generaliste@medecin.mssante.fr',
      '|295109912611193^MARTIN^Marie^^^^^^&1.2.250.1.213.1.4.8&ISO^D|^^Internet^295109912611193@patient.mssante.fr',
    ]);
    expect(nameOf(set)).toBe('Lettre de liaison de sortie');
  });

  it('links each document to the set with a HasMember association, status Original', () => {
    const associations = children(list, 'rim:Association');
    expect(associations.map((a) => [attr(a, 'associationType'), attr(a, 'sourceObject'), attr(a, 'targetObject'), slot(a, 'SubmissionSetStatus')])).toEqual(
      entries.map((e) => [HAS_MEMBER, setId, attr(e, 'id'), ['Original']]),
    );
  });

  it('gives every object a distinct id', () => {
    const xml = decoder.decode(files[METADATA]);
    const ids = [...xml.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThan(20);
  });
});

describe('buildXdmPackage: hostile text', () => {
  const hostile = `</rim:Name><evil x="1">&amp; ' " ^|&~\\ \u0001\u0007`;
  const zip = buildXdmPackage(
    submission({
      title: hostile,
      author: { person: { nationalId: '810001234567', family: hostile, given: 'A&B' }, institution: { name: hostile, nationalId: '1330000012' } },
      documents: [letterDocument({ title: hostile, mimeType: 'text/xml', typeCode: { code: '11490-0', system: '2.16.840.1.113883.6.1', display: hostile } })],
      sender: { name: `<script>alert(1)</script>\r\nInjected: header`, contact: ['x'], application: { name: 'a', version: '1' } },
    }),
  );
  const files = unzip(zip);
  const xml = decoder.decode(files[METADATA]);
  const list = parseMetadata(xml);
  const [entry] = children(list, 'rim:ExtrinsicObject');

  it('keeps METADATA.XML well formed and the text intact (minus characters XML forbids)', () => {
    expect(xml).not.toContain('<evil');
    expect(xml).not.toMatch(/[\u0001\u0007]/);
    const expected = hostile.replace(/[\u0001\u0007]/g, '');
    expect(nameOf(entry as XmlNode)).toBe(expected);
    expect(nameOf(child(list, 'rim:RegistryPackage'))).toBe(expected);
    const [typeCode] = classifications(entry as XmlNode, DOCUMENT_ENTRY_SCHEME.typeCode);
    expect(nameOf(typeCode as XmlNode)).toBe(expected);
  });

  it('escapes HL7 v2 delimiters inside XCN/XON components', () => {
    const [author] = classifications(entry as XmlNode, DOCUMENT_ENTRY_SCHEME.author);
    const [person] = slot(author as XmlNode, 'authorPerson');
    expect(person).toBe(`810001234567^</rim:Name><evil x="1">\\T\\amp; ' " \\S\\\\F\\\\T\\\\R\\\\E\\ ^A\\T\\B^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS`);
    expect(person?.split('^')[1]).toBe(`</rim:Name><evil x="1">\\T\\amp; ' " \\S\\\\F\\\\T\\\\R\\\\E\\ `);
  });

  it('escapes INDEX.HTM and keeps README.TXT lines whole', () => {
    const index = decoder.decode(files['INDEX.HTM']);
    expect(index).not.toContain('<script>');
    expect(index).not.toContain('<evil');
    const readme = decoder.decode(files['README.TXT']);
    expect(readme).not.toMatch(/^Injected:/m);
  });
});

describe('buildXdmPackage: determinism', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  it('gives the same bytes for the same input, whatever the time zone of the machine', () => {
    process.env.TZ = 'UTC';
    const first = buildXdmPackage(twoDocuments);
    process.env.TZ = 'Pacific/Chatham';
    const second = buildXdmPackage(twoDocuments);
    process.env.TZ = 'Europe/Paris';
    const third = buildXdmPackage(submission({ ...twoDocuments, documents: twoDocuments.documents.map((d) => ({ ...d, content: new Uint8Array(d.content) })) }));
    expect(second).toEqual(first);
    expect(third).toEqual(first);
  });

  it('changes when the submission time or a byte of a document changes', () => {
    const base = buildXdmPackage(twoDocuments);
    expect(buildXdmPackage({ ...twoDocuments, submissionTime: new Date('2026-06-12T14:30:02Z') })).not.toEqual(base);
    const changed = new Uint8Array(LDL_SES_EXAMPLE);
    changed[changed.length - 2] = 0x20;
    expect(buildXdmPackage({ ...twoDocuments, documents: [letterDocument({ content: changed })] })).not.toEqual(base);
  });
});
