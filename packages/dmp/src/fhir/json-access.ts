import { isObject } from './fhir-types.js';

/** Small readers for parsed JSON of unknown shape: they return undefined rather than throwing. */
export function field(value: unknown, key: string): unknown {
  return isObject(value) ? value[key] : undefined;
}

export function text(value: unknown, key: string): string | undefined {
  const found = field(value, key);
  return typeof found === 'string' ? found : undefined;
}

export function list(value: unknown, key: string): unknown[] {
  const found = field(value, key);
  return Array.isArray(found) ? found : [];
}

export function num(value: unknown, key: string): number | undefined {
  const found = field(value, key);
  return typeof found === 'number' && Number.isFinite(found) ? found : undefined;
}

/** The codings of a CodeableConcept as { system, code, display } with string fields only. */
export function codings(concept: unknown): { system: string; code: string; display?: string }[] {
  const result: { system: string; code: string; display?: string }[] = [];
  for (const coding of list(concept, 'coding')) {
    const system = text(coding, 'system');
    const code = text(coding, 'code');
    const display = text(coding, 'display');
    if (system && code) result.push({ system, code, ...(display ? { display } : {}) });
  }
  return result;
}

/** A FHIR dateTime (year, year-month, date, or full instant with zone). */
export function isFhirDateTime(value: string): boolean {
  return /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])(T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00)))?)?)?$/.test(
    value,
  );
}
