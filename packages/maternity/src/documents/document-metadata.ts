/**
 * The metadata a DMP deposit needs for each generated document (IHE XDS / PDSm DocumentReference):
 * type, class, format, title, dates, confidentiality, author, facility type, practice setting,
 * identifiers and versions. {@link toPdsmDocument} turns it into the `PdsmDocument` the core's
 * PDSm builder sends (IHE ITI-65 / ITI-105).
 */
import { classLabel, dmpDocumentType, isDmpFormatCode, SYSTEMS, type PdsmDocument } from '@dmp/core';
import { insUsable, type DocumentKind } from './cda-header.js';
import type { DocumentHeaderInput, InstanceIdentifier, IsoDateTime, PatientIdentity } from './document-inputs.js';

/** What a DMP deposit of the document needs (XDS DocumentEntry / PDSm DocumentReference). */
export interface DocumentMetadata {
  /** XDS uniqueId: the root alone, or `root^extension`. */
  readonly uniqueId: string;
  readonly documentId: InstanceIdentifier;
  readonly setId: InstanceIdentifier;
  readonly version: number;
  /** uniqueId of the document this version replaces (relatedDocument RPLC). */
  readonly replaces?: string;
  readonly type: { readonly code: string; readonly system: string; readonly display: string };
  /** TRE_A03 class (J57). */
  readonly classCode: { readonly code: string; readonly system: string; readonly display: string };
  /** J60 format code. */
  readonly formatCode: string;
  readonly title: string;
  readonly creationTime: IsoDateTime;
  readonly servicePeriod: { readonly start: IsoDateTime; readonly end?: IsoDateTime };
  readonly confidentiality: 'N' | 'R' | 'V';
  readonly author: {
    /** idNat_PS: `8` + RPPS. */
    readonly nationalId: string;
    /** TRE_G15 profession. */
    readonly profession: string;
    /** J01 profession/specialty. */
    readonly specialty: string;
    readonly familyName: string;
    readonly givenName: string;
    /** idNat_Struct: `1` + FINESS. */
    readonly structureId: string;
    readonly structureName: string;
  };
  /** J02 facility type. */
  readonly facilityType: string;
  /** J04 practice setting. */
  readonly practiceSetting: string;
  readonly language: 'fr-FR';
  readonly mimeType: 'text/xml';
  /** The patient: the INS only when the identity is qualified, and the maternity's identifier. */
  readonly patient: { readonly ins?: { readonly value: string; readonly oid: string }; readonly localId: InstanceIdentifier };
}

/** XDS form of an instance identifier. */
export function xdsUniqueId(id: InstanceIdentifier): string {
  return id.extension === undefined ? id.root : `${id.root}^${id.extension}`;
}

/** Builds the metadata of a document of `kind` from its header input. */
export function documentMetadata(kind: DocumentKind, header: DocumentHeaderInput, patient: PatientIdentity, servicePeriod: { start: IsoDateTime; end?: IsoDateTime }): DocumentMetadata {
  const type = dmpDocumentType(SYSTEMS.LOINC, kind.code.code);
  if (type === undefined) throw new Error(`the DMP does not accept the document type ${kind.code.code}`);
  if (!isDmpFormatCode(SYSTEMS.IHE_FORMAT_CODE, kind.formatCode) && !isDmpFormatCode(SYSTEMS.FORMAT_CODE_FR, kind.formatCode)) {
    throw new Error(`the DMP does not accept the format code ${kind.formatCode}`);
  }
  const author = header.author.professional;
  const org = author.organisation ?? header.custodian;
  return Object.freeze({
    uniqueId: xdsUniqueId(header.id),
    documentId: header.id,
    setId: header.setId,
    version: header.version,
    ...(header.replaces ? { replaces: xdsUniqueId(header.replaces) } : {}),
    type: { code: kind.code.code, system: SYSTEMS.LOINC, display: type.display ?? kind.code.display },
    classCode: { code: type.classCode, system: SYSTEMS.DOCUMENT_CLASS, display: classLabel(type.classCode) ?? type.classCode },
    formatCode: kind.formatCode,
    title: kind.title,
    creationTime: header.effectiveTime,
    servicePeriod,
    confidentiality: header.confidentiality,
    author: {
      nationalId: `8${author.rpps}`,
      profession: author.profession,
      specialty: author.role,
      familyName: author.family,
      givenName: author.given,
      structureId: `1${org.finess}`,
      structureName: org.name,
    },
    facilityType: header.encounter.facilityType ?? 'SA01',
    practiceSetting: header.encounter.practiceSetting ?? 'ETABLISSEMENT',
    language: 'fr-FR',
    mimeType: 'text/xml',
    patient: {
      ...(insUsable(patient) ? { ins: { value: patient.ins!.value, oid: patient.ins!.oid } } : {}),
      localId: patient.localId,
    },
  });
}

/**
 * The `PdsmDocument` for a deposit of `xml` with this metadata. Refused when the patient has no
 * usable INS: the DMP is keyed by INS, and software may send under the INS only a qualified
 * identity (DOMAIN.md §3). `replaces` there is the id of the DocumentReference on the server,
 * which only the caller knows.
 */
export function toPdsmDocument(metadata: DocumentMetadata, xml: string, options: { readonly replacesDocumentReference?: string } = {}): PdsmDocument {
  const ins = metadata.patient.ins;
  if (ins === undefined) throw new Error('the patient has no qualified INS: the document cannot be sent to the DMP');
  return {
    ins: ins.value,
    insOid: `urn:oid:${ins.oid}`,
    uniqueId: metadata.documentId.extension === undefined ? `urn:oid:${metadata.documentId.root}` : metadata.uniqueId,
    type: metadata.type,
    classCode: metadata.classCode.code,
    formatCode: metadata.formatCode,
    author: metadata.author,
    facilityType: metadata.facilityType,
    practiceSetting: metadata.practiceSetting,
    title: metadata.title,
    mimeType: metadata.mimeType,
    content: Buffer.from(xml, 'utf8'),
    date: metadata.creationTime,
    period: metadata.servicePeriod,
    confidentiality: metadata.confidentiality,
    language: metadata.language,
    ...(options.replacesDocumentReference ? { replaces: options.replacesDocumentReference } : {}),
  };
}
