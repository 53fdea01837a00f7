import { canonicalSystem, checkIns, dmpDocumentType, isDmpFormatCode, systemOid, valueSet, type Ins } from '@dmp/core';
import type { VisibilityFlag } from '../access/types.js';
import { IssueCollector } from '../fhir/fhir-error.js';
import { dataOf, decodeData } from './base64-data.js';
import { codings, field, isFhirDateTime, list, num, text } from '../fhir/json-access.js';

/**
 * The metadata of a deposited document, parsed from a PDSm DocumentReference
 * (IHE MHD ITI-65 / ITI-105 as profiled by the ANS) and checked against the DMP code lists.
 */
export interface DocumentMetadata {
  /** masterIdentifier.value: the document's unique id (XDS uniqueId). */
  readonly uniqueId: string;
  readonly ins: Ins;
  readonly type: { readonly system: string; readonly code: string; readonly display?: string };
  readonly classCode: string;
  readonly format: { readonly system: string; readonly code: string };
  /** HL7 N / R / V. */
  readonly confidentiality: readonly string[];
  readonly visibility: readonly VisibilityFlag[];
  readonly author: AuthorMetadata;
  readonly facilityType: { readonly system: string; readonly code: string };
  readonly practiceSetting: { readonly system: string; readonly code: string };
  readonly date?: string;
  readonly periodStart?: string;
  readonly periodEnd?: string;
  readonly title?: string;
  readonly mimeType: string;
  readonly language?: string;
  /** Declared size and SHA-1 (base64), checked against the content when given. */
  readonly size?: number;
  readonly sha1?: string;
  /** Where the content is: a Binary's fullUrl in the same bundle. */
  readonly contentUrl?: string;
  /** Inline content (ITI-105). */
  readonly inlineData?: Buffer;
  /** `relatesTo` replaces: a reference to the DocumentReference this one replaces. */
  readonly replaces?: string;
}

export interface AuthorMetadata {
  /** idNat_PS: `8` + RPPS, ... */
  readonly nationalId: string;
  /** TRE_G15 code. */
  readonly profession?: string;
  /** J01 code (e.g. G15_10/SM26). */
  readonly specialty?: string;
  readonly familyName?: string;
  readonly givenName?: string;
  /** idNat_Struct of the author's structure. */
  readonly structureId?: string;
  readonly structureName?: string;
}

const OID = {
  idNatPs: '1.2.250.1.71.4.2.1',
  idNatStruct: '1.2.250.1.71.4.2.2',
  g15: '1.2.250.1.71.1.2.7',
  j01: '1.2.250.1.213.1.1.4.5',
  visibility: '1.2.250.1.213.1.1.4.13',
  hl7Confidentiality: '2.16.840.1.113883.5.25',
} as const;

const VISIBILITY: readonly VisibilityFlag[] = ['MASQUE_PS', 'INVISIBLE_PATIENT', 'INVISIBLE_REPRESENTANTS_LEGAUX'];
const CONFIDENTIALITY = new Set(['N', 'R', 'V']);

/** Whether the deposit is an ITI-65 entry (content in a Binary) or ITI-105 (content inline; class and size derived). */
export type DepositFlavour = 'iti-65' | 'iti-105';

/**
 * Parses and checks a DocumentReference for deposit. Every problem is collected in `issues`
 * (one OperationOutcome names them all); the result is returned only when there is none.
 */
export function parseDocumentReference(resource: unknown, flavour: DepositFlavour, issues: IssueCollector, at = 'DocumentReference'): DocumentMetadata | undefined {
  const before = issues.issues.length;
  if (text(resource, 'resourceType') !== 'DocumentReference') {
    issues.add('structure', 'expected a DocumentReference', at);
    return undefined;
  }
  const contained = new Map<string, unknown>();
  for (const item of list(resource, 'contained')) {
    const id = text(item, 'id');
    if (id) contained.set(`#${id}`, item);
  }

  const uniqueId = text(field(resource, 'masterIdentifier'), 'value');
  if (!uniqueId) issues.add('required', 'masterIdentifier.value (the document unique id) is required', `${at}.masterIdentifier`);
  else if (uniqueId.length > 256) issues.add('value', 'masterIdentifier.value is longer than 256 characters', `${at}.masterIdentifier`);

  const status = text(resource, 'status');
  if (status !== 'current') issues.add('value', `a deposited document has status "current", not "${status ?? '(none)'}"`, `${at}.status`);

  const ins = parsePatient(field(resource, 'subject'), contained, issues, `${at}.subject`);

  // type (J66) and the class it implies (J57)
  const typeCoding = codings(field(resource, 'type'))[0];
  let type: DocumentMetadata['type'] | undefined;
  let impliedClass: string | undefined;
  if (!typeCoding) issues.add('required', 'type is required (a code of the DMP list JDV_J66)', `${at}.type`);
  else {
    const known = dmpDocumentType(typeCoding.system, typeCoding.code);
    if (!known) issues.add('code-invalid', `type ${typeCoding.system}|${typeCoding.code} is not a document type the DMP accepts (JDV_J66)`, `${at}.type`);
    else {
      type = { system: known.system, code: known.code, ...(known.display ? { display: known.display } : {}) };
      impliedClass = known.classCode;
    }
  }
  const categoryCoding = codings(list(resource, 'category')[0])[0];
  let classCode = impliedClass;
  if (categoryCoding) {
    if (systemOid(categoryCoding.system) !== '1.2.250.1.213.1.1.4.1') {
      issues.add('code-invalid', `category must be a TRE_A03 class code, not ${categoryCoding.system}`, `${at}.category`);
    } else if (impliedClass && categoryCoding.code !== impliedClass) {
      issues.add('invariant', `class ${categoryCoding.code} does not match type ${typeCoding?.code}, which implies class ${impliedClass} (JDV_J57, ASS_X16)`, `${at}.category`);
    } else classCode = categoryCoding.code;
  } else if (flavour === 'iti-65') {
    issues.add('required', 'category (the class code, JDV_J57) is required', `${at}.category`);
  }

  // confidentiality and visibility (securityLabel, J58)
  const confidentiality: string[] = [];
  const visibility: VisibilityFlag[] = [];
  for (const label of list(resource, 'securityLabel')) {
    for (const coding of codings(label)) {
      const oid = systemOid(coding.system);
      if (oid === OID.hl7Confidentiality && CONFIDENTIALITY.has(coding.code)) confidentiality.push(coding.code);
      else if (oid === OID.visibility && (VISIBILITY as readonly string[]).includes(coding.code)) visibility.push(coding.code as VisibilityFlag);
      else issues.add('code-invalid', `securityLabel ${coding.system}|${coding.code} is not in the DMP confidentiality codes (JDV_J58)`, `${at}.securityLabel`);
    }
  }
  if (confidentiality.length === 0) {
    if (flavour === 'iti-65') issues.add('required', 'securityLabel must carry an HL7 confidentiality code (N, R or V)', `${at}.securityLabel`);
    else confidentiality.push('N');
  }

  const author = parseAuthor(list(resource, 'author'), contained, issues, `${at}.author`);

  // content: one attachment, with format (J60)
  const contents = list(resource, 'content');
  const content = contents[0];
  if (contents.length !== 1) issues.add('structure', 'exactly one content is expected', `${at}.content`);
  const attachment = field(content, 'attachment');
  const mimeType = text(attachment, 'contentType');
  if (!mimeType) issues.add('required', 'content.attachment.contentType is required', `${at}.content[0].attachment.contentType`);
  else if (!/^[\w.+-]+\/[\w.+-]+$/.test(mimeType)) issues.add('value', `content type "${mimeType}" is not a MIME type`, `${at}.content[0].attachment.contentType`);
  const formatCoding = codings(field(content, 'format') === undefined ? undefined : { coding: [field(content, 'format')] })[0];
  let format: DocumentMetadata['format'] | undefined;
  if (!formatCoding) issues.add('required', 'content.format (a format code of the DMP list JDV_J60) is required', `${at}.content[0].format`);
  else if (!isDmpFormatCode(formatCoding.system, formatCoding.code)) {
    issues.add('code-invalid', `format code ${formatCoding.code} is not in the DMP's list of format codes (JDV_J60)`, `${at}.content[0].format`);
  } else format = { system: canonicalSystem(formatCoding.system), code: formatCoding.code };

  const size = num(attachment, 'size');
  const sha1 = text(attachment, 'hash');
  if (size !== undefined && (!Number.isInteger(size) || size < 0)) issues.add('value', 'content.attachment.size must be a non-negative integer', `${at}.content[0].attachment.size`);
  if (sha1 !== undefined && !/^[A-Za-z0-9+/]{27}=$/.test(sha1)) issues.add('value', 'content.attachment.hash must be a base64 SHA-1', `${at}.content[0].attachment.hash`);
  const data = dataOf(attachment);
  const url = text(attachment, 'url');
  let inlineData: Buffer | undefined;
  if (flavour === 'iti-105') {
    inlineData = data ? decodeData(data) : undefined;
    if (!data) issues.add('required', 'the simplified publish carries the content inline in content.attachment.data', `${at}.content[0].attachment.data`);
    else if (!inlineData) issues.add('value', 'content.attachment.data is not base64', `${at}.content[0].attachment.data`);
  } else if (!url) {
    issues.add('required', 'content.attachment.url must name the Binary of the bundle', `${at}.content[0].attachment.url`);
  }

  // context: facility type (J02), practice setting (J04), period
  const context = field(resource, 'context');
  const facility = codings(field(context, 'facilityType'))[0];
  const practice = codings(field(context, 'practiceSetting'))[0];
  if (!facility) issues.add('required', 'context.facilityType (JDV_J02) is required', `${at}.context.facilityType`);
  else if (!valueSet('J02').has(facility.system, facility.code)) {
    issues.add('code-invalid', `facility type ${facility.system}|${facility.code} is not in JDV_J02 (the DMP requires a J02 code, not SNOMED CT)`, `${at}.context.facilityType`);
  }
  if (!practice) issues.add('required', 'context.practiceSetting (JDV_J04) is required', `${at}.context.practiceSetting`);
  else if (!valueSet('J04').has(practice.system, practice.code)) {
    issues.add('code-invalid', `practice setting ${practice.system}|${practice.code} is not in JDV_J04 (the DMP requires a J04 code, not SNOMED CT)`, `${at}.context.practiceSetting`);
  }
  const period = field(context, 'period');
  const periodStart = text(period, 'start');
  const periodEnd = text(period, 'end');
  const date = text(resource, 'date');
  for (const [value, where] of [
    [date, 'date'],
    [periodStart, 'context.period.start'],
    [periodEnd, 'context.period.end'],
    [text(attachment, 'creation'), 'content[0].attachment.creation'],
  ] as const) {
    if (value !== undefined && !isFhirDateTime(value)) issues.add('value', `${where} is not a FHIR dateTime`, `${at}.${where}`);
  }
  if (periodStart && periodEnd && isFhirDateTime(periodStart) && isFhirDateTime(periodEnd) && Date.parse(periodEnd) < Date.parse(periodStart)) {
    issues.add('invariant', 'context.period ends before it starts', `${at}.context.period`);
  }

  let replaces: string | undefined;
  for (const relation of list(resource, 'relatesTo')) {
    const code = text(relation, 'code');
    const target = text(field(relation, 'target'), 'reference');
    if (code !== 'replaces') issues.add('not-supported', `relatesTo.code "${code ?? ''}" is not supported; only "replaces"`, `${at}.relatesTo`);
    else if (!target) issues.add('required', 'relatesTo.target.reference is required', `${at}.relatesTo`);
    else replaces = target;
  }

  if (issues.issues.length > before || !uniqueId || !ins || !type || !classCode || !format || !author || !facility || !practice || !mimeType) return undefined;
  const title = text(attachment, 'title');
  const language = text(attachment, 'language');
  return {
    uniqueId,
    ins,
    type,
    classCode,
    format,
    confidentiality,
    visibility,
    author,
    facilityType: { system: canonicalSystem(facility.system), code: facility.code },
    practiceSetting: { system: canonicalSystem(practice.system), code: practice.code },
    mimeType,
    ...(date ? { date } : {}),
    ...(periodStart ? { periodStart } : {}),
    ...(periodEnd ? { periodEnd } : {}),
    ...(title ? { title } : {}),
    ...(language ? { language } : {}),
    ...(size !== undefined ? { size } : {}),
    ...(sha1 ? { sha1 } : {}),
    ...(url ? { contentUrl: url } : {}),
    ...(inlineData ? { inlineData } : {}),
    ...(replaces ? { replaces } : {}),
  };
}

/**
 * The patient: `Patient?identifier=system|value` (PDSm), or a reference with an identifier.
 * The NIR key is checked.
 */
export function parsePatient(subject: unknown, contained: Map<string, unknown>, issues: IssueCollector, at: string): Ins | undefined {
  let system: string | undefined;
  let value: string | undefined;
  const reference = text(subject, 'reference');
  if (reference?.startsWith('Patient?identifier=')) {
    const token = decodeURIComponent(reference.slice('Patient?identifier='.length));
    const bar = token.indexOf('|');
    if (bar > 0) {
      system = token.slice(0, bar);
      value = token.slice(bar + 1);
    }
  } else if (reference && contained.has(reference)) {
    const identifier = list(contained.get(reference), 'identifier')[0];
    system = text(identifier, 'system');
    value = text(identifier, 'value');
  } else {
    system = text(field(subject, 'identifier'), 'system');
    value = text(field(subject, 'identifier'), 'value');
  }
  if (!system || !value) {
    issues.add('required', 'subject must identify the patient by INS (Patient?identifier=urn:oid:1.2.250.1.213.1.4.8|NIR)', at);
    return undefined;
  }
  const checked = checkIns(system, value);
  if (!checked.ok) {
    issues.add('value', `patient INS ${value}: ${checked.reason}`, at);
    return undefined;
  }
  return checked.ins;
}

/**
 * The author: a contained PractitionerRole (code: profession TRE_G15 or J01; specialty: J01;
 * practitioner and organization references) or Practitioner (identifier idNat_PS; qualification).
 */
function parseAuthor(authors: unknown[], contained: Map<string, unknown>, issues: IssueCollector, at: string): AuthorMetadata | undefined {
  const first = authors[0];
  const reference = text(first, 'reference');
  const resolved = reference ? contained.get(reference) : undefined;
  if (!resolved) {
    issues.add('required', 'author must reference a contained Practitioner or PractitionerRole', at);
    return undefined;
  }
  let practitioner: unknown = resolved;
  let role: unknown;
  let organization: unknown;
  if (text(resolved, 'resourceType') === 'PractitionerRole') {
    role = resolved;
    practitioner = contained.get(text(field(role, 'practitioner'), 'reference') ?? '') ?? role;
    organization = contained.get(text(field(role, 'organization'), 'reference') ?? '');
  }
  const nationalId = list(practitioner, 'identifier')
    .filter((identifier) => systemOid(text(identifier, 'system') ?? '') === OID.idNatPs)
    .map((identifier) => text(identifier, 'value'))
    .find((v): v is string => Boolean(v));
  if (!nationalId) {
    issues.add('required', 'the author has no national identifier (idNat_PS, urn:oid:1.2.250.1.71.4.2.1)', at);
    return undefined;
  }
  if (!/^[0-9A-Za-z]{2,32}$/.test(nationalId)) issues.add('value', `author identifier "${nationalId}" is not an idNat_PS`, at);

  const professionCodings = [
    ...list(role, 'code').flatMap(codings),
    ...list(role, 'specialty').flatMap(codings),
    ...list(practitioner, 'qualification').flatMap((q) => codings(field(q, 'code'))),
  ];
  let profession = professionCodings.find((c) => systemOid(c.system) === OID.g15)?.code;
  const specialty = professionCodings.find((c) => systemOid(c.system) === OID.j01)?.code;
  if (specialty && !valueSet('J01').has(`urn:oid:${OID.j01}`, specialty)) {
    issues.add('code-invalid', `author specialty ${specialty} is not in JDV_J01`, at);
  }
  if (!profession && specialty) profession = /^G15_(\d+)/.exec(specialty)?.[1];
  if (!profession) {
    issues.add('required', 'the author has no profession (PractitionerRole.code from TRE_G15, or a J01 specialty)', at);
    return undefined;
  }
  const name = list(practitioner, 'name')[0];
  const familyName = text(name, 'family');
  const givenName = list(name, 'given').find((g): g is string => typeof g === 'string');
  const structureId = list(organization, 'identifier')
    .filter((identifier) => systemOid(text(identifier, 'system') ?? '') === OID.idNatStruct)
    .map((identifier) => text(identifier, 'value'))
    .find((v): v is string => Boolean(v));
  const structureName = text(organization, 'name');
  return {
    nationalId,
    profession,
    ...(specialty ? { specialty } : {}),
    ...(familyName ? { familyName } : {}),
    ...(givenName ? { givenName } : {}),
    ...(structureId ? { structureId } : {}),
    ...(structureName ? { structureName } : {}),
  };
}
