/**
 * The HL7 v2 data types that XDS metadata carries in its slots (IHE ITI TF-3 §4.2.3.1.7, Table
 * 4.2.3.1.7-2): XCN (person), XON (organisation), CX (identifier), CWE/CE (coded value), XTN
 * (telecom), DTM (time), plus the French conventions of the CI-SIS (national ids of professionals
 * `8`+RPPS under 1.2.250.1.71.4.2.1, of structures under 1.2.250.1.71.4.2.2, INS under
 * 1.2.250.1.213.1.4.8).
 *
 * Every component is escaped for HL7 v2 (`^ & ~ | \`); XML escaping comes after, where the value
 * is written into METADATA.XML.
 */

/** OID of the national identifiers of health professionals (idNat_PS). */
export const PROFESSIONAL_ID_OID = '1.2.250.1.71.4.2.1';
/** OID of the national identifiers of structures (idNat_Struct: `1`+FINESS, `3`+SIRET, ...). */
export const STRUCTURE_ID_OID = '1.2.250.1.71.4.2.2';

const HL7_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\E\\',
  '|': '\\F\\',
  '^': '\\S\\',
  '&': '\\T\\',
  '~': '\\R\\',
};

/**
 * Escapes one HL7 v2 component (HL7 v2.5 §2.7.1): the delimiters become `\F\ \S\ \T\ \R\ \E\`;
 * line breaks, which a slot value cannot hold, become spaces.
 *
 * @example escapeHl7('A^B&C') === 'A\\S\\B\\T\\C'
 */
export function escapeHl7(text: string): string {
  return text.replace(/[\\|^&~]/g, (char) => HL7_ESCAPES[char] ?? char).replace(/[\r\n]+/g, ' ');
}

/** Joins escaped components with `^`, dropping the empty ones at the end. */
function components(values: readonly (string | undefined)[]): string {
  const escaped = values.map((value) => (value === undefined ? '' : value));
  while (escaped.length > 0 && escaped[escaped.length - 1] === '') escaped.pop();
  return escaped.join('^');
}

/** An ISO assigning authority as an HD sub-component list: `&<oid>&ISO`. */
function isoAuthority(oid: string): string {
  return `&${escapeHl7(oid)}&ISO`;
}

/** A person with an identifier (XDS authorPerson, intendedRecipient). */
export interface XcnPerson {
  /** The identifier: for a professional, the national id (`8`+RPPS, `0`+ADELI, ...). */
  readonly id?: string;
  /** OID of the identifier's system; a professional's national id by default. */
  readonly idSystem?: string;
  readonly family?: string;
  readonly given?: string;
  /** Title, e.g. `Dr` (XCN.6). */
  readonly prefix?: string;
}

/**
 * XCN (ITI TF-3 Table 4.2.3.1.7-2; CI-SIS "Volet Partage de documents de santé" §authorPerson):
 * `id^family^given^^^prefix^^^&oid&ISO^D^^^IDNPS` for a professional's national id, e.g.
 * `810001234567^SAGE^Claire^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS`.
 */
export function xcn(person: XcnPerson): string {
  const system = person.idSystem ?? PROFESSIONAL_ID_OID;
  const hasId = person.id !== undefined && person.id !== '';
  const idType = system === PROFESSIONAL_ID_OID ? 'IDNPS' : undefined;
  return components([
    hasId ? escapeHl7(person.id ?? '') : undefined,
    person.family === undefined ? undefined : escapeHl7(person.family),
    person.given === undefined ? undefined : escapeHl7(person.given),
    undefined,
    undefined,
    person.prefix === undefined ? undefined : escapeHl7(person.prefix),
    undefined,
    undefined,
    hasId ? isoAuthority(system) : undefined,
    hasId ? 'D' : undefined,
    undefined,
    undefined,
    hasId ? idType : undefined,
  ]);
}

/** XPN `family^given^^^^^type` (PID-5): type `L` legal (birth) name, `D` used name. */
export function xpn(family: string, given: string, nameType: 'L' | 'D'): string {
  return `${escapeHl7(family)}^${escapeHl7(given)}^^^^^${nameType}`;
}

/** An organisation (XDS authorInstitution, intendedRecipient). */
export interface XonOrganization {
  readonly name: string;
  /** Identifier, for a structure its national id (`1`+FINESS: `1330000012`). */
  readonly id?: string;
  /** OID of the identifier's system; the structures' national ids by default. */
  readonly idSystem?: string;
}

/**
 * XON (ITI TF-3 Table 4.2.3.1.7-2; CI-SIS): `name^^^^^&oid&ISO^IDNST^^^id`, e.g.
 * `Maternité Sainte Félicité^^^^^&1.2.250.1.71.4.2.2&ISO^IDNST^^^1330000012`.
 */
export function xon(organization: XonOrganization): string {
  const hasId = organization.id !== undefined && organization.id !== '';
  const system = organization.idSystem ?? STRUCTURE_ID_OID;
  return components([
    escapeHl7(organization.name),
    undefined,
    undefined,
    undefined,
    undefined,
    hasId ? isoAuthority(system) : undefined,
    hasId ? (system === STRUCTURE_ID_OID ? 'IDNST' : undefined) : undefined,
    undefined,
    undefined,
    hasId ? escapeHl7(organization.id ?? '') : undefined,
  ]);
}

/**
 * CX (ITI TF-3 §4.2.3.2.16): `value^^^&oid&ISO^type`, e.g. the INS
 * `295109912611193^^^&1.2.250.1.213.1.4.8&ISO^NH`, or a local id `12345^^^&1.2.3&ISO^PI`.
 */
export function cx(value: string, assigningAuthorityOid: string, identifierType?: string): string {
  return components([escapeHl7(value), undefined, undefined, isoAuthority(assigningAuthorityOid), identifierType]);
}

/** A coded value as the XDS metadata carries it. */
export interface CodedValue {
  readonly code: string;
  /** The code system's OID (XDS codingScheme), or a canonical URL `@dmp/core` knows. */
  readonly system: string;
  readonly display: string;
}

/** CWE/CE `code^display^system` (authorRole, authorSpecialty). */
export function cwe(value: CodedValue, systemOid: string): string {
  return components([escapeHl7(value.code), escapeHl7(value.display), escapeHl7(systemOid)]);
}

/** XTN for an e-mail address: `^^Internet^address` (ITI TF-3 Table 4.2.3.1.7-2). */
export function xtnEmail(address: string): string {
  return `^^Internet^${escapeHl7(address)}`;
}

/**
 * HL7 DTM in UTC to the second, `YYYYMMDDHHMMSS` (ITI TF-3 §4.2.3.1.6: XDS times are UTC).
 *
 * @example dtm(new Date('2026-06-12T08:30:05Z')) === '20260612083005'
 */
export function dtm(time: Date): string {
  if (Number.isNaN(time.getTime())) throw new RangeError('invalid date');
  return time.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** HL7 DT `YYYYMMDD` from an ISO date `YYYY-MM-DD` (birth dates in sourcePatientInfo PID-7). */
export function dt(isoDate: string): string {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(isoDate)) throw new RangeError(`not an ISO date: ${isoDate}`);
  return isoDate.replace(/-/g, '');
}
