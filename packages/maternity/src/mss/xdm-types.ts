/**
 * What an IHE XDM package is built from (ITI TF-1 §16, TF-3 §4.2): one submission set of documents
 * about one patient, with the metadata a receiving system needs to file them.
 */
import type { InsOid } from '@dmp/core';
import type { CodedValue } from './hl7-values.js';

export type { CodedValue } from './hl7-values.js';

/** The author of a submission set or a document (XDS author: person, institution, role, specialty). */
export interface XdmAuthor {
  /** The professional; absent for a document authored by a device or an institution alone. */
  readonly person?: {
    /** National id (idNat_PS): `8` + RPPS, e.g. `810001234567`. */
    readonly nationalId: string;
    readonly family: string;
    readonly given?: string;
    /** Title, e.g. `Dr`. */
    readonly prefix?: string;
  };
  readonly institution?: {
    readonly name: string;
    /** National id of the structure (idNat_Struct): `1` + FINESS, e.g. `1330000012`. */
    readonly nationalId: string;
  };
  /** authorRole, e.g. the profession (TRE_G15) or the role in the care (TRE_R85). */
  readonly role?: CodedValue;
  /** authorSpecialty: profession and specialty (J01 / TRE_A02), e.g. `G15_50` sage-femme. */
  readonly specialty?: CodedValue;
  /** authorTelecommunication: the author's MSS address. */
  readonly mssAddress?: string;
}

/**
 * The patient. The XDS patientId is the INS when the identity is qualified (CX `nir^^^&oid&ISO^NH`),
 * otherwise the local id (CX `id^^^&oid&ISO^PI`).
 */
export interface XdmPatient {
  /** The INS, given only when the identity is qualified (QUAL): otherwise leave it out. */
  readonly ins?: { readonly value: string; readonly oid: InsOid };
  /** The maternity's own patient id and the OID of its identifier domain. */
  readonly localId?: { readonly value: string; readonly assigningAuthority: string };
  /** Birth name (nom de naissance), written as the legal name (PID-5 type L). */
  readonly birthFamilyName: string;
  /** First names as on the identity document. */
  readonly givenNames: string;
  /** Used name (nom d'usage), PID-5 type D, when different. */
  readonly usedFamilyName?: string;
  /** ISO date `YYYY-MM-DD`. */
  readonly birthDate: string;
  readonly sex: 'F' | 'M' | 'U';
}

/** Someone the submission set is meant for (intendedRecipient, XON|XCN|XTN). */
export interface XdmRecipient {
  readonly organization?: { readonly name: string; readonly nationalId?: string };
  readonly person?: {
    readonly id?: string;
    /** OID of `id`: professionals' national ids by default; the INS OID for the patient. */
    readonly idSystem?: string;
    readonly family?: string;
    readonly given?: string;
  };
  /** The MSS address the package is sent to. */
  readonly mssAddress?: string;
}

/** One document of the submission set (an XDS DocumentEntry and its bytes). */
export interface XdmDocument {
  /** The file name inside `IHE_XDM/SUBSET01/` (ISO 9660: `NAME.EXT`, upper case, 8.3); `DOC0000n.<ext>` by default. */
  readonly fileName?: string;
  readonly content: Uint8Array;
  readonly mimeType: string;
  /** XDS uniqueId: for a CDA, its `id` (`root` or `root^extension`). */
  readonly uniqueId: string;
  /** The entryUUID (`urn:uuid:...`); derived from uniqueId when absent. */
  readonly entryUuid?: string;
  readonly title: string;
  readonly typeCode: CodedValue;
  readonly classCode: CodedValue;
  readonly formatCode: CodedValue;
  /** confidentialityCode: one or more (HL7 N/R/V and the DMP visibility codes of TRE_A07). */
  readonly confidentiality: CodedValue | readonly CodedValue[];
  readonly facilityType: CodedValue;
  readonly practiceSetting: CodedValue;
  readonly creationTime: Date;
  readonly serviceStart?: Date;
  readonly serviceStop?: Date;
  /** e.g. `fr-FR`. */
  readonly languageCode: string;
  /** The submission set's author when absent. */
  readonly author?: XdmAuthor;
  /** The submission set's patient when absent; must name the same patient. */
  readonly patient?: XdmPatient;
}

/** Who made the media: written into README.TXT and INDEX.HTM (ITI TF-3 §3.32.4.1.2.2). */
export interface XdmSender {
  readonly name: string;
  /** Contact lines: postal address, telephone, MSS address. */
  readonly contact: readonly string[];
  /** The application that wrote the package and its version. */
  readonly application: { readonly name: string; readonly version: string };
}

/** A submission set to package. */
export interface XdmSubmission {
  /** The SubmissionSet entryUUID (`urn:uuid:...`); derived from uniqueId when absent. */
  readonly id?: string;
  /** XDSSubmissionSet.uniqueId (an OID). */
  readonly uniqueId: string;
  /** XDSSubmissionSet.sourceId: the OID of the sending system. */
  readonly sourceId: string;
  readonly submissionTime: Date;
  readonly author: XdmAuthor;
  readonly intendedRecipients: readonly XdmRecipient[];
  readonly title?: string;
  /** contentTypeCode; the first document's classCode when absent (as the ANS PDSm examples do). */
  readonly contentType?: CodedValue;
  readonly patient: XdmPatient;
  readonly documents: readonly XdmDocument[];
  readonly sender: XdmSender;
}
