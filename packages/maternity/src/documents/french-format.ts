/**
 * French wording of dates, people and measures for the narratives and PDFs. Times are shown as
 * written in the input (its local time), never converted through the machine's time zone.
 */
import type { IsoDate, IsoDateTime, PatientIdentity, Professional } from './document-inputs.js';

/** `12/03/2024` from an ISO date or date-time. */
export function frenchDate(value: IsoDate | IsoDateTime): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!m) throw new RangeError(`not an ISO date: ${JSON.stringify(value)}`);
  return `${m[3]}/${m[2]}/${m[1]}`;
}

/** `08:30` from an ISO date-time. */
export function frenchTime(value: IsoDateTime): string {
  const m = /T(\d{2}):(\d{2})/.exec(value);
  if (!m) throw new RangeError(`not an ISO date-time: ${JSON.stringify(value)}`);
  return `${m[1]}:${m[2]}`;
}

/** `12/03/2024 à 08:30`. */
export function frenchDateTime(value: IsoDateTime): string {
  return `${frenchDate(value)} à ${frenchTime(value)}`;
}

/** Minutes between two ISO date-times (offsets honoured). */
export function minutesBetween(start: IsoDateTime, end: IsoDateTime): number {
  return Math.round((Date.parse(end) - Date.parse(start)) / 60_000);
}

/** `1 h 05` / `45 min`. */
export function frenchDuration(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')}`;
}

/** A number with French digit grouping: `3 250`. */
export function frenchNumber(value: number): string {
  const [int, dec] = String(value).split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, '\u202F');
  return dec === undefined ? grouped : `${grouped},${dec}`;
}

/** `38 SA + 4 j`. */
export function gestationalAgeLabel(ga: { weeks: number; days: number }): string {
  return ga.days === 0 ? `${ga.weeks} SA` : `${ga.weeks} SA + ${ga.days} j`;
}

/** `Dr Claire MARTIN` / `Mme Léa DUBOIS`. */
export function professionalLabel(p: Professional): string {
  const prefix = p.title === 'DR' ? 'Dr ' : p.title === 'PR' ? 'Pr ' : p.civility === 'MME' ? 'Mme ' : p.civility === 'M' ? 'M. ' : '';
  return `${prefix}${p.given} ${p.family.toUpperCase()}`;
}

/** `Mme Camille DURAND née MARTIN` with the used names first. */
export function patientLabel(patient: PatientIdentity): string {
  const given = patient.usedGivenName ?? patient.givenNames[0] ?? '';
  const family = (patient.usedFamilyName ?? patient.birthFamilyName).toUpperCase();
  const civility = patient.sex === 'F' ? 'Mme ' : patient.sex === 'M' ? 'M. ' : '';
  const born = patient.usedFamilyName && patient.usedFamilyName !== patient.birthFamilyName ? ` ${patient.sex === 'F' ? 'née' : 'né'} ${patient.birthFamilyName.toUpperCase()}` : '';
  return `${civility}${given} ${family}${born}`.trim();
}

/** `Fille` / `Garçon` / `Sexe indéterminé`. */
export function sexLabel(sex: 'F' | 'M' | 'U'): string {
  return sex === 'F' ? 'Fille' : sex === 'M' ? 'Garçon' : 'Sexe indéterminé';
}

/** `Oui` / `Non`. */
export function yesNo(value: boolean): string {
  return value ? 'Oui' : 'Non';
}
