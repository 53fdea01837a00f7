/**
 * METADATA.XML of an XDM submission set: an ebRIM 3.0 `lcm:SubmitObjectsRequest` holding the
 * SubmissionSet (RegistryPackage), one DocumentEntry (ExtrinsicObject) per document and the HasMember
 * associations, with the classifications, external identifiers and slots of IHE ITI TF-3 §4.2.3
 * (XDM: TF-3 §4.2.3.1.x "XDM" columns of Tables 4.2.3.2-1 and 4.2.3.3-1).
 */
import { createHash } from 'node:crypto';
import { cdaCodeSystem } from '@dmp/core';
import { cwe, cx, dt, dtm, xcn, xon, xpn, xtnEmail, type CodedValue } from './hl7-values.js';
import {
  ASSOCIATION_OBJECT_TYPE,
  CLASSIFICATION_OBJECT_TYPE,
  DOCUMENT_ENTRY_IDENTIFIER,
  DOCUMENT_ENTRY_OBJECT_TYPE,
  DOCUMENT_ENTRY_SCHEME,
  EBRIM_NS,
  EXTERNAL_IDENTIFIER_OBJECT_TYPE,
  HAS_MEMBER,
  REGISTRY_PACKAGE_OBJECT_TYPE,
  SUBMISSION_SET_IDENTIFIER,
  SUBMISSION_SET_NODE,
  SUBMISSION_SET_SCHEME,
} from './ihe-xds-ids.js';
import { escapeXml } from './xml-text.js';
import type { XdmAuthor, XdmDocument, XdmPatient, XdmRecipient, XdmSubmission } from './xdm-types.js';

/** A document as placed in the package: its file and what was computed from its bytes. */
export interface PackagedDocument {
  readonly document: XdmDocument;
  /** File name relative to METADATA.XML (the `URI` slot). */
  readonly fileName: string;
  readonly entryUuid: string;
  /** SHA-1 of the bytes, lower-case hex (ITI TF-3 §4.2.3.2.11). */
  readonly hash: string;
  readonly size: number;
}

/** Namespace of the name-based UUIDs derived for the package's objects (a random v4, fixed). */
const UUID_NAMESPACE = Buffer.from('6f0c3d3e8a2b4c1f9e5d7a1b2c3d4e5f', 'hex');

/**
 * A name-based UUID (RFC 9562 §5.5, version 5, SHA-1) as `urn:uuid:...`: the same name always gives
 * the same id, which makes the package deterministic.
 */
export function nameBasedUuid(name: string): string {
  const digest = createHash('sha1').update(UUID_NAMESPACE).update(name, 'utf8').digest();
  digest[6] = ((digest[6] ?? 0) & 0x0f) | 0x50;
  digest[8] = ((digest[8] ?? 0) & 0x3f) | 0x80;
  const hex = digest.subarray(0, 16).toString('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The XDS patientId of a patient: the INS (NH) when given, else the local id (PI). */
export function patientIdCx(patient: XdmPatient): string {
  if (patient.ins !== undefined) return cx(patient.ins.value, patient.ins.oid, 'NH');
  if (patient.localId !== undefined) return cx(patient.localId.value, patient.localId.assigningAuthority, 'PI');
  throw new RangeError('the patient needs an INS or a local id');
}

/** Builds METADATA.XML for the submission and its packaged documents. */
export function buildXdmMetadata(submission: XdmSubmission, documents: readonly PackagedDocument[]): string {
  const setId = submission.id ?? nameBasedUuid(`submission-set:${submission.uniqueId}`);
  const ids = new IdSource(submission.uniqueId);
  const patientId = patientIdCx(submission.patient);
  const contentType = submission.contentType ?? documents[0]?.document.classCode;

  const set = new XmlWriter();
  set.open('rim:RegistryPackage', { id: setId, objectType: REGISTRY_PACKAGE_OBJECT_TYPE });
  set.slot('submissionTime', [dtm(submission.submissionTime)]);
  set.slot('intendedRecipient', submission.intendedRecipients.map(intendedRecipient));
  if (submission.title !== undefined) set.name(submission.title, 'fr-FR');
  authorClassification(set, ids, setId, SUBMISSION_SET_SCHEME.author, submission.author);
  if (contentType !== undefined) codeClassification(set, ids, setId, SUBMISSION_SET_SCHEME.contentTypeCode, contentType);
  externalIdentifier(set, ids, setId, SUBMISSION_SET_IDENTIFIER.uniqueId, submission.uniqueId, 'XDSSubmissionSet.uniqueId');
  externalIdentifier(set, ids, setId, SUBMISSION_SET_IDENTIFIER.sourceId, submission.sourceId, 'XDSSubmissionSet.sourceId');
  externalIdentifier(set, ids, setId, SUBMISSION_SET_IDENTIFIER.patientId, patientId, 'XDSSubmissionSet.patientId');
  set.close('rim:RegistryPackage');
  set.empty('rim:Classification', {
    id: ids.next('submission-set-node'),
    objectType: CLASSIFICATION_OBJECT_TYPE,
    classifiedObject: setId,
    classificationNode: SUBMISSION_SET_NODE,
  });

  for (const packaged of documents) {
    const patient = packaged.document.patient ?? submission.patient;
    if (patientIdCx(patient) !== patientId) throw new RangeError('every document of a submission set is about its patient');
    documentEntry(set, ids, packaged, patient, packaged.document.author ?? submission.author);
  }
  for (const packaged of documents) {
    set.open('rim:Association', {
      id: ids.next(`has-member:${packaged.entryUuid}`),
      objectType: ASSOCIATION_OBJECT_TYPE,
      associationType: HAS_MEMBER,
      sourceObject: setId,
      targetObject: packaged.entryUuid,
    });
    set.slot('SubmissionSetStatus', ['Original']);
    set.close('rim:Association');
  }

  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<lcm:SubmitObjectsRequest xmlns:lcm="${EBRIM_NS.lcm}" xmlns:rim="${EBRIM_NS.rim}">\n` +
    '  <rim:RegistryObjectList>\n' +
    set.text('    ') +
    '  </rim:RegistryObjectList>\n' +
    '</lcm:SubmitObjectsRequest>\n'
  );
}

function documentEntry(out: XmlWriter, ids: IdSource, packaged: PackagedDocument, patient: XdmPatient, author: XdmAuthor): void {
  const { document, entryUuid } = packaged;
  out.open('rim:ExtrinsicObject', { id: entryUuid, mimeType: document.mimeType, objectType: DOCUMENT_ENTRY_OBJECT_TYPE });
  out.slot('creationTime', [dtm(document.creationTime)]);
  out.slot('hash', [packaged.hash]);
  out.slot('languageCode', [document.languageCode]);
  if (document.serviceStart !== undefined) out.slot('serviceStartTime', [dtm(document.serviceStart)]);
  if (document.serviceStop !== undefined) out.slot('serviceStopTime', [dtm(document.serviceStop)]);
  out.slot('size', [String(packaged.size)]);
  out.slot('sourcePatientId', [sourcePatientId(patient)]);
  out.slot('sourcePatientInfo', sourcePatientInfo(patient));
  out.slot('URI', [packaged.fileName]);
  out.name(document.title, document.languageCode);
  authorClassification(out, ids, entryUuid, DOCUMENT_ENTRY_SCHEME.author, author);
  codeClassification(out, ids, entryUuid, DOCUMENT_ENTRY_SCHEME.classCode, document.classCode);
  const confidentiality = isCodedValueList(document.confidentiality) ? document.confidentiality : [document.confidentiality];
  if (confidentiality.length === 0) throw new RangeError('a document needs at least one confidentialityCode');
  for (const code of confidentiality) codeClassification(out, ids, entryUuid, DOCUMENT_ENTRY_SCHEME.confidentialityCode, code);
  codeClassification(out, ids, entryUuid, DOCUMENT_ENTRY_SCHEME.formatCode, document.formatCode);
  codeClassification(out, ids, entryUuid, DOCUMENT_ENTRY_SCHEME.healthcareFacilityTypeCode, document.facilityType);
  codeClassification(out, ids, entryUuid, DOCUMENT_ENTRY_SCHEME.practiceSettingCode, document.practiceSetting);
  codeClassification(out, ids, entryUuid, DOCUMENT_ENTRY_SCHEME.typeCode, document.typeCode);
  externalIdentifier(out, ids, entryUuid, DOCUMENT_ENTRY_IDENTIFIER.patientId, patientIdCx(patient), 'XDSDocumentEntry.patientId');
  externalIdentifier(out, ids, entryUuid, DOCUMENT_ENTRY_IDENTIFIER.uniqueId, document.uniqueId, 'XDSDocumentEntry.uniqueId');
  out.close('rim:ExtrinsicObject');
}

function isCodedValueList(value: CodedValue | readonly CodedValue[]): value is readonly CodedValue[] {
  return Array.isArray(value);
}

/** The patient id in the source's own domain: the local id when there is one, else the INS. */
function sourcePatientId(patient: XdmPatient): string {
  return patient.localId !== undefined ? cx(patient.localId.value, patient.localId.assigningAuthority, 'PI') : patientIdCx(patient);
}

/** sourcePatientInfo as PID fields (ITI TF-3 §4.2.3.2.23). */
function sourcePatientInfo(patient: XdmPatient): string[] {
  const values: string[] = [];
  if (patient.ins !== undefined) values.push(`PID-3|${cx(patient.ins.value, patient.ins.oid, 'NH')}`);
  if (patient.localId !== undefined) values.push(`PID-3|${cx(patient.localId.value, patient.localId.assigningAuthority, 'PI')}`);
  values.push(`PID-5|${xpn(patient.birthFamilyName, patient.givenNames, 'L')}`);
  if (patient.usedFamilyName !== undefined && patient.usedFamilyName !== patient.birthFamilyName) {
    values.push(`PID-5|${xpn(patient.usedFamilyName, patient.givenNames, 'D')}`);
  }
  values.push(`PID-7|${dt(patient.birthDate)}`);
  values.push(`PID-8|${patient.sex}`);
  return values;
}

/** intendedRecipient: `XON|XCN|XTN` (ITI TF-3 §4.2.3.3.6). */
function intendedRecipient(recipient: XdmRecipient): string {
  const organization = recipient.organization === undefined ? '' : xon({ name: recipient.organization.name, id: recipient.organization.nationalId });
  const person = recipient.person === undefined ? '' : xcn(recipient.person);
  const telecom = recipient.mssAddress === undefined ? '' : xtnEmail(recipient.mssAddress);
  return [organization, person, telecom].join('|').replace(/\|+$/, '');
}

function codingScheme(value: CodedValue): string {
  return cdaCodeSystem(value.system) ?? value.system;
}

function codeClassification(out: XmlWriter, ids: IdSource, object: string, scheme: string, value: CodedValue): void {
  out.open('rim:Classification', {
    id: ids.next(`${object}:${scheme}:${value.code}`),
    objectType: CLASSIFICATION_OBJECT_TYPE,
    classificationScheme: scheme,
    classifiedObject: object,
    nodeRepresentation: value.code,
  });
  out.slot('codingScheme', [codingScheme(value)]);
  out.name(value.display);
  out.close('rim:Classification');
}

function authorClassification(out: XmlWriter, ids: IdSource, object: string, scheme: string, author: XdmAuthor): void {
  out.open('rim:Classification', {
    id: ids.next(`${object}:${scheme}`),
    objectType: CLASSIFICATION_OBJECT_TYPE,
    classificationScheme: scheme,
    classifiedObject: object,
    nodeRepresentation: '',
  });
  if (author.person !== undefined) {
    const { nationalId, family, given, prefix } = author.person;
    out.slot('authorPerson', [xcn({ id: nationalId, family, given, prefix })]);
  }
  if (author.institution !== undefined) {
    out.slot('authorInstitution', [xon({ name: author.institution.name, id: author.institution.nationalId })]);
  }
  if (author.role !== undefined) out.slot('authorRole', [cwe(author.role, codingScheme(author.role))]);
  if (author.specialty !== undefined) out.slot('authorSpecialty', [cwe(author.specialty, codingScheme(author.specialty))]);
  if (author.mssAddress !== undefined) out.slot('authorTelecommunication', [xtnEmail(author.mssAddress)]);
  out.close('rim:Classification');
}

function externalIdentifier(out: XmlWriter, ids: IdSource, object: string, scheme: string, value: string, name: string): void {
  out.open('rim:ExternalIdentifier', {
    id: ids.next(`${object}:${scheme}`),
    objectType: EXTERNAL_IDENTIFIER_OBJECT_TYPE,
    identificationScheme: scheme,
    registryObject: object,
    value,
  });
  out.name(name);
  out.close('rim:ExternalIdentifier');
}

/** Ids of the classifications, identifiers and associations: name-based, unique within the package. */
class IdSource {
  private readonly used = new Set<string>();
  constructor(private readonly scope: string) {}

  next(name: string): string {
    let id = nameBasedUuid(`${this.scope}:${name}`);
    for (let n = 2; this.used.has(id); n += 1) id = nameBasedUuid(`${this.scope}:${name}:${n}`);
    this.used.add(id);
    return id;
  }
}

/** A minimal indenting writer; every attribute value and text goes through `escapeXml`. */
class XmlWriter {
  private readonly lines: string[] = [];
  private depth = 0;

  open(element: string, attributes: Readonly<Record<string, string>>): void {
    this.lines.push(`${this.indent()}<${element}${attributeText(attributes)}>`);
    this.depth += 1;
  }

  close(element: string): void {
    this.depth -= 1;
    this.lines.push(`${this.indent()}</${element}>`);
  }

  empty(element: string, attributes: Readonly<Record<string, string>>): void {
    this.lines.push(`${this.indent()}<${element}${attributeText(attributes)}/>`);
  }

  slot(name: string, values: readonly string[]): void {
    if (values.length === 0) return;
    this.open('rim:Slot', { name });
    this.open('rim:ValueList', {});
    for (const value of values) this.lines.push(`${this.indent()}<rim:Value>${escapeXml(value)}</rim:Value>`);
    this.close('rim:ValueList');
    this.close('rim:Slot');
  }

  /** `rim:Name`; `lang` for text meant for people (titles), not for the names of identifiers. */
  name(text: string, lang?: string): void {
    this.open('rim:Name', {});
    this.empty('rim:LocalizedString', lang === undefined ? { value: text } : { 'xml:lang': lang, charset: 'UTF-8', value: text });
    this.close('rim:Name');
  }

  text(prefix: string): string {
    return this.lines.map((line) => `${prefix}${line}\n`).join('');
  }

  private indent(): string {
    return '  '.repeat(this.depth);
  }
}

function attributeText(attributes: Readonly<Record<string, string>>): string {
  return Object.entries(attributes)
    .map(([key, value]) => ` ${key}="${escapeXml(value)}"`)
    .join('');
}
