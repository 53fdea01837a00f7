/**
 * CDA R2 data types as the CI-SIS writes them (TS, II, CD, PN, AD, TEL), built on the XML writer.
 * See the CI-SIS "Volet Structuration minimale des documents de santé".
 */
import { el, type XmlChild, type XmlElement } from './xml-writer.js';
import type { Address, Coded, InstanceIdentifier, IsoDate, IsoDateTime, Professional, Telecom } from './document-inputs.js';

/** Code systems used by the documents (OIDs as CDA writes them). */
export const CS = {
  loinc: '2.16.840.1.113883.6.1',
  snomed: '2.16.840.1.113883.6.96',
  cim10: '2.16.840.1.113883.6.3',
  taAsip: '1.2.250.1.213.1.1.4.322',
  ccam: '1.2.250.1.215.300.1',
  cis: '1.2.250.1.213.2.3.1',
  atc: '2.16.840.1.113883.6.73',
  j01: '1.2.250.1.213.1.1.4.5',
  facility: '1.2.250.1.71.4.2.4',
  practice: '1.2.250.1.213.1.1.4.9',
  confidentiality: '2.16.840.1.113883.5.25',
  gender: '2.16.840.1.113883.5.1',
  actCode: '2.16.840.1.113883.5.4',
  roleCode: '2.16.840.1.113883.5.111',
  participationFunction: '2.16.840.1.113883.5.88',
  r85Role: '1.2.250.1.213.1.6.1.107',
  relation: '1.2.250.1.213.1.1.4.2.280',
  civility: '1.2.250.1.213.1.6.1.69',
  title: '1.2.250.1.213.1.6.1.11',
} as const;

/** Readable names of the code systems, for `codeSystemName`. */
const CS_NAMES: Readonly<Record<string, string>> = {
  [CS.loinc]: 'LOINC',
  [CS.snomed]: 'SNOMED CT',
  [CS.cim10]: 'CIM-10',
  [CS.taAsip]: 'TA_ASIP',
  [CS.ccam]: 'CCAM',
  [CS.cis]: 'CIS',
  [CS.atc]: 'ATC',
};

/** OID roots of identifiers. */
export const ID_ROOT = {
  /** idNat_PS: `8` + RPPS. */
  professional: '1.2.250.1.71.4.2.1',
  /** idNat_Struct: `1` + FINESS. */
  structure: '1.2.250.1.71.4.2.2',
} as const;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An ISO 8601 date (`YYYY-MM-DD`) or date-time with offset as an HL7 TS
 * (`YYYYMMDD`, `YYYYMMDDHHMMSS±ZZZZ`). A date-time without offset is refused: the document would not
 * say which instant it means.
 *
 * @example hl7Time('2024-03-12T08:30:00+01:00') === '20240312083000+0100'
 */
export function hl7Time(value: IsoDate | IsoDateTime): string {
  const d = DATE.exec(value);
  if (d) return `${d[1]}${d[2]}${d[3]}`;
  const t = DATE_TIME.exec(value);
  if (!t) throw new RangeError(`not an ISO 8601 date or date-time with offset: ${JSON.stringify(value)}`);
  const zone = t[7] === 'Z' ? '+0000' : t[7]!.replace(':', '');
  return `${t[1]}${t[2]}${t[3]}${t[4]}${t[5]}${t[6] ?? '00'}${zone}`;
}

/** The date part of an ISO date or date-time, as an HL7 TS (`YYYYMMDD`). */
export function hl7Date(value: IsoDate | IsoDateTime): string {
  return hl7Time(value.slice(0, 10));
}

/** `<name value="..."/>` for a TS-typed element. */
export function ts(name: string, value: IsoDate | IsoDateTime): XmlElement {
  return el(name, { value: hl7Time(value) });
}

/** An interval (IVL_TS) with low and optional high. */
export function ivlTs(name: string, low: IsoDateTime | undefined, high?: IsoDateTime, attrs: Record<string, string> = {}): XmlElement {
  return el(name, attrs, low ? ts('low', low) : el('low', { nullFlavor: 'UNK' }), high ? ts('high', high) : undefined);
}

/** `<id root extension/>`. */
export function ii(id: InstanceIdentifier, name = 'id'): XmlElement {
  return el(name, { root: id.root, extension: id.extension });
}

/** A coded element (CD/CE) with `codeSystemName` when known. */
export function cd(name: string, coded: Coded, ...children: XmlChild[]): XmlElement {
  return el(name, { code: coded.code, displayName: coded.display, codeSystem: coded.system, codeSystemName: CS_NAMES[coded.system] }, ...children);
}

/** A coded `value` with its `xsi:type`. */
export function cdValue(coded: Coded, ...children: XmlChild[]): XmlElement {
  return el('value', { 'xsi:type': 'CD', code: coded.code, displayName: coded.display, codeSystem: coded.system, codeSystemName: CS_NAMES[coded.system] }, ...children);
}

/** A `Coded` in one call. */
export function coded(code: string, system: string, display: string): Coded {
  return { code, system, display };
}

const STREET = /^(\d+(?:\s?(?:bis|ter|quater|[A-D]))?)[\s,]+(.+)$/i;

/**
 * An address in the structured CI-SIS form: the first line split into house number and street
 * name when it starts with a number, the other lines as additional locators, then postal code,
 * city and country. (The CI-SIS allows either this form or `streetAddressLine` alone; the
 * structured form keeps the postal code and city readable by software.)
 */
export function addr(address: Address | undefined, use?: string): XmlElement {
  if (!address) return el('addr', { nullFlavor: 'NASK' });
  const [first, ...rest] = address.lines;
  const street = first === undefined ? undefined : STREET.exec(first.trim());
  return el(
    'addr',
    { use },
    street ? [el('houseNumber', {}, street[1]!), el('streetName', {}, street[2]!)] : first ? el('streetName', {}, first) : undefined,
    rest.map((line) => el('additionalLocator', {}, line)),
    el('postalCode', {}, address.postalCode),
    el('city', {}, address.city),
    address.country ? el('country', {}, address.country) : undefined,
  );
}

/** `tel:` / `fax:` / `mailto:` URL of a telecom; spaces and dots in numbers are dropped. */
export function telecomUrl(t: Telecom): string {
  if (t.kind === 'mail') return `mailto:${t.value.trim()}`;
  return `${t.kind}:${t.value.replace(/[\s.]/g, '')}`;
}

/** The telecoms, or one `nullFlavor="NASK"` when none is known. */
export function telecoms(list: readonly Telecom[] | undefined): XmlElement[] {
  if (!list || list.length === 0) return [el('telecom', { nullFlavor: 'NASK' })];
  return list.map((t) => el('telecom', { value: telecomUrl(t), use: t.use }));
}

/** A professional's name: civility as prefix, given, family, title as suffix. */
export function professionalName(p: Professional): XmlElement {
  return el('name', {}, p.civility ? el('prefix', {}, p.civility) : undefined, el('given', {}, p.given), el('family', {}, p.family), p.title ? el('suffix', {}, p.title) : undefined);
}

/** idNat_PS of a professional: `8` + RPPS under 1.2.250.1.71.4.2.1. */
export function professionalId(p: Professional): XmlElement {
  return el('id', { root: ID_ROOT.professional, extension: `8${p.rpps}` });
}

/** idNat_Struct of an establishment: `1` + FINESS under 1.2.250.1.71.4.2.2. */
export function structureId(finess: string): XmlElement {
  return el('id', { root: ID_ROOT.structure, extension: `1${finess}` });
}

/** A fresh-looking but deterministic id of a section or entry: below the document id. */
export function childId(documentId: InstanceIdentifier, n: number): InstanceIdentifier {
  return documentId.extension === undefined ? { root: `${documentId.root}.${n}` } : { root: documentId.root, extension: `${documentId.extension}.${n}` };
}

/** A PQ value. */
export function pq(value: number, unit: string, name = 'value'): XmlElement {
  return el(name, { 'xsi:type': 'PQ', value: String(value), unit });
}
