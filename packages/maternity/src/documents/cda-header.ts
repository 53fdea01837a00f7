/**
 * The CDA R2 header as the CI-SIS specifies it (Volet Structuration minimale des documents de
 * santé): patient, author, custodian, legal authenticator, participants, documented act,
 * replaced document and encounter. Shared by the four maternity documents.
 */
import { valueSet } from '@dmp/core';
import { addr, cd, coded, CS, hl7Time, ii, ivlTs, professionalId, professionalName, structureId, telecoms, ts } from './cda-datatypes.js';
import type { Coded, DocumentHeaderInput, InstanceIdentifier, Organisation, PatientIdentity, Professional } from './document-inputs.js';
import { MATERNITY_STAY_ID_OID } from './document-inputs.js';
import { el, type XmlChild, type XmlElement } from './xml-writer.js';

/** What distinguishes one kind of document in its header. */
export interface DocumentKind {
  /** Template ids beyond the HL7 France and CI-SIS ones. */
  readonly templateIds: readonly InstanceIdentifier[];
  /** LOINC type code. */
  readonly code: Coded;
  readonly title: string;
  readonly formatCode: string;
}

/** The act the document is about (documentationOf/serviceEvent). */
export interface ServiceEvent {
  readonly code?: Coded;
  readonly start: string;
  readonly end?: string;
  readonly performer?: Professional;
}

/** Header parts that vary between documents. */
export interface HeaderExtras {
  readonly participants?: readonly XmlElement[];
  readonly informationRecipients?: readonly XmlElement[];
  readonly serviceEvent: ServiceEvent;
}

const CONFIDENTIALITY_LABEL = { N: 'Normal', R: 'Restreint', V: 'Très restreint' } as const;
const GENDER_LABEL = { F: 'Féminin', M: 'Masculin', U: 'Inconnu' } as const;

/** J01 role of a professional with its label; an unknown code is a programming error. */
export function roleCode(p: Professional, name = 'code'): XmlElement {
  const display = valueSet('J01').display(CS.j01, p.role);
  if (display === undefined) throw new RangeError(`${p.role} is not a JDV_J01 profession/specialty code`);
  return el(name, { code: p.role, displayName: display, codeSystem: CS.j01 });
}

/** Label of a J01 role, for narratives and PDFs. */
export function roleLabel(p: Professional): string {
  return valueSet('J01').display(CS.j01, p.role) ?? p.role;
}

/** An organisation's id, name, telecoms and address (in the order CDA wants them). */
export function organisationContent(org: Organisation, practiceSetting?: string): XmlChild[] {
  return [
    structureId(org.finess),
    el('name', {}, org.name),
    telecoms(org.telecoms),
    addr(org.address),
    practiceSetting ? standardIndustryClassCode(practiceSetting) : undefined,
  ];
}

function standardIndustryClassCode(code: string): XmlElement {
  const display = valueSet('J04').display(CS.practice, code);
  if (display === undefined) throw new RangeError(`${code} is not a JDV_J04 practice setting code`);
  return el('standardIndustryClassCode', { code, displayName: display, codeSystem: CS.practice, codeSystemName: 'practiceSettingCode' });
}

/** assignedEntity / assignedAuthor content of a professional of `org`. */
export function assignedEntityContent(p: Professional, org: Organisation, personElement = 'assignedPerson', practiceSetting?: string): XmlChild[] {
  const where = p.organisation ?? org;
  return [
    professionalId(p),
    roleCode(p),
    addr(where.address),
    telecoms(p.telecoms && p.telecoms.length > 0 ? p.telecoms : where.telecoms),
    el(personElement, {}, professionalName(p)),
    el('representedOrganization', {}, organisationContent(where, practiceSetting)),
  ];
}

/** The patient's name in the INS form: birth names (BR), then used names (CL) when they differ. */
function patientName(patient: PatientIdentity): XmlElement {
  const [first] = patient.givenNames;
  return el(
    'name',
    {},
    el('family', { qualifier: 'BR' }, patient.birthFamilyName),
    el('given', {}, patient.givenNames.join(' ')),
    first ? el('given', { qualifier: 'BR' }, first) : undefined,
    patient.usedFamilyName ? el('family', { qualifier: 'CL' }, patient.usedFamilyName) : undefined,
    patient.usedGivenName ? el('given', { qualifier: 'CL' }, patient.usedGivenName) : undefined,
  );
}

/**
 * Whether the INS may be written: the INS referential allows it only for a qualified identity;
 * otherwise the document carries the maternity's identifier alone.
 */
export function insUsable(patient: PatientIdentity): boolean {
  return patient.ins !== undefined && patient.status === 'QUAL';
}

function recordTarget(patient: PatientIdentity): XmlElement {
  if (patient.givenNames.length === 0) throw new RangeError('the patient has at least one given name');
  if (insUsable(patient) && patient.birthplaceInsee === undefined) {
    // The CI-SIS requires every INS trait with the INS: the birthplace (COG code) among them.
    throw new RangeError('a qualified INS identity carries its birthplace (COG code of the INS traits)');
  }
  return el(
    'recordTarget',
    {},
    el(
      'patientRole',
      {},
      insUsable(patient) ? el('id', { root: patient.ins!.oid, extension: patient.ins!.value }) : undefined,
      ii(patient.localId),
      patient.address ? addr(patient.address) : undefined,
      patient.telecoms && patient.telecoms.length > 0 ? telecoms(patient.telecoms) : undefined,
      el(
        'patient',
        { classCode: 'PSN' },
        patientName(patient),
        el('administrativeGenderCode', { code: patient.sex, displayName: GENDER_LABEL[patient.sex], codeSystem: CS.gender }),
        ts('birthTime', patient.birthDate),
        patient.birthplaceInsee ? el('birthplace', {}, el('place', {}, el('addr', {}, el('county', {}, patient.birthplaceInsee)))) : undefined,
      ),
    ),
  );
}

/** A participant of the header (typeCode, optional functionCode, time, the professional). */
export function participant(
  typeCode: string,
  p: Professional,
  org: Organisation,
  options: { readonly functionCode?: Coded; readonly functionText?: string; readonly start?: string } = {},
): XmlElement {
  const where = p.organisation ?? org;
  return el(
    'participant',
    { typeCode },
    options.functionCode ? cd('functionCode', options.functionCode, options.functionText ? el('originalText', {}, options.functionText) : undefined) : undefined,
    options.start ? el('time', { 'xsi:type': 'IVL_TS' }, ts('low', options.start)) : el('time', { nullFlavor: 'NA' }),
    el(
      'associatedEntity',
      { classCode: 'PROV' },
      professionalId(p),
      roleCode(p),
      addr(where.address),
      telecoms(p.telecoms && p.telecoms.length > 0 ? p.telecoms : where.telecoms),
      el('associatedPerson', {}, professionalName(p)),
      el('scopingOrganization', {}, organisationContent(where)),
    ),
  );
}

/** Function codes of header participants. */
export const FUNCTION = {
  /** Médecin traitant (HL7 ParticipationFunction). */
  pcp: coded('PCP', CS.participationFunction, 'Médecin traitant'),
  /** Membre de l'équipe de soins (TRE_R85). */
  careTeam: coded('353', CS.r85Role, "Membre de l'équipe de soins"),
  /** Correspondant (TRE_R258). */
  correspondent: coded('CORRE', CS.relation, 'Correspondant'),
} as const;

/** An intended recipient of the document (informationRecipient). */
export function informationRecipient(p: Professional, org: Organisation): XmlElement {
  const where = p.organisation ?? org;
  return el(
    'informationRecipient',
    {},
    el('intendedRecipient', {}, professionalId(p), addr(where.address), telecoms(p.telecoms), el('informationRecipient', {}, professionalName(p)), el('receivedOrganization', {}, structureId(where.finess), el('name', {}, where.name))),
  );
}

function documentationOf(header: DocumentHeaderInput, event: ServiceEvent): XmlElement {
  const performer = event.performer ?? header.author.professional;
  return el(
    'documentationOf',
    {},
    el(
      'serviceEvent',
      { classCode: 'ACT', moodCode: 'EVN' },
      event.code ? cd('code', event.code) : undefined,
      ivlTs('effectiveTime', event.start, event.end),
      el('performer', { typeCode: 'PRF' }, el('assignedEntity', {}, assignedEntityContent(performer, header.custodian, 'assignedPerson', header.encounter.practiceSetting ?? 'ETABLISSEMENT'))),
    ),
  );
}

function componentOf(header: DocumentHeaderInput): XmlElement {
  const e = header.encounter;
  const facilityType = e.facilityType ?? 'SA01';
  const facilityLabel = valueSet('J02').display(CS.facility, facilityType);
  if (facilityLabel === undefined) throw new RangeError(`${facilityType} is not a JDV_J02 facility type code`);
  return el(
    'componentOf',
    {},
    el(
      'encompassingEncounter',
      {},
      e.stayId ? el('id', { root: MATERNITY_STAY_ID_OID, extension: e.stayId }) : undefined,
      el('code', { code: 'IMP', displayName: 'Hospitalisation (établissement, y compris HAD)', codeSystem: CS.actCode }),
      ivlTs('effectiveTime', e.start, e.end),
      e.responsible ? el('responsibleParty', {}, el('assignedEntity', {}, assignedEntityContent(e.responsible, header.custodian))) : undefined,
      el(
        'location',
        {},
        el(
          'healthCareFacility',
          {},
          structureId(header.custodian.finess),
          el('code', { code: facilityType, displayName: facilityLabel, codeSystem: CS.facility }),
          el('location', {}, el('name', {}, header.custodian.name), addr(header.custodian.address)),
        ),
      ),
    ),
  );
}

/** An HL7 II root: an OID or a UUID. */
const UID = /^(?:[0-2](?:\.(?:0|[1-9]\d*))+|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})$/;

/** Checks what the header input must satisfy before anything is written. */
export function checkHeader(header: DocumentHeaderInput): void {
  for (const [what, id] of [['id', header.id], ['setId', header.setId], ['replaces', header.replaces]] as const) {
    if (id !== undefined && !UID.test(id.root)) throw new RangeError(`${what}: ${JSON.stringify(id.root)} is not an OID or UUID (write the root without urn:oid:)`);
  }
  if (!Number.isInteger(header.version) || header.version < 1) throw new RangeError('versionNumber is a positive integer');
  if (header.version > 1 && header.replaces === undefined) throw new RangeError('a version after the first names the document it replaces');
  if (header.version === 1 && header.replaces !== undefined) throw new RangeError('the first version of a document replaces nothing');
  if (header.language !== undefined && header.language !== 'fr-FR') throw new RangeError('documents are written in fr-FR');
}

/**
 * The whole ClinicalDocument: header for `kind`, then `body` (a structuredBody or nonXMLBody).
 */
export function clinicalDocument(kind: DocumentKind, header: DocumentHeaderInput, patient: PatientIdentity, extras: HeaderExtras, body: XmlElement): XmlElement {
  checkHeader(header);
  const { author, legalAuthenticator, custodian } = header;
  return el(
    'ClinicalDocument',
    { xmlns: 'urn:hl7-org:v3', 'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance' },
    el('realmCode', { code: 'FR' }),
    el('typeId', { root: '2.16.840.1.113883.1.3', extension: 'POCD_HD000040' }),
    el('templateId', { root: '2.16.840.1.113883.2.8.2.1' }),
    el('templateId', { root: '1.2.250.1.213.1.1.1.1' }),
    kind.templateIds.map((t) => ii(t, 'templateId')),
    ii(header.id),
    cd('code', kind.code),
    el('title', {}, kind.title),
    el('effectiveTime', { value: hl7Time(header.effectiveTime) }),
    el('confidentialityCode', { code: header.confidentiality, displayName: CONFIDENTIALITY_LABEL[header.confidentiality], codeSystem: CS.confidentiality }),
    el('languageCode', { code: 'fr-FR' }),
    ii(header.setId, 'setId'),
    el('versionNumber', { value: String(header.version) }),
    recordTarget(patient),
    el('author', {}, ts('time', author.time), el('assignedAuthor', { classCode: 'ASSIGNED' }, assignedEntityContent(author.professional, custodian, 'assignedPerson', header.encounter.practiceSetting ?? 'ETABLISSEMENT'))),
    el('custodian', {}, el('assignedCustodian', {}, el('representedCustodianOrganization', {}, structureId(custodian.finess), el('name', {}, custodian.name), telecoms(custodian.telecoms.slice(0, 1)), addr(custodian.address)))),
    extras.informationRecipients,
    el('legalAuthenticator', {}, ts('time', legalAuthenticator.time), el('signatureCode', { code: 'S' }), el('assignedEntity', {}, assignedEntityContent(legalAuthenticator.professional, custodian))),
    extras.participants,
    documentationOf(header, extras.serviceEvent),
    header.replaces ? el('relatedDocument', { typeCode: 'RPLC' }, el('parentDocument', {}, ii(header.replaces))) : undefined,
    componentOf(header),
    el('component', {}, body),
  );
}
