/**
 * Dates, times and sizes in the patient's words: French (or English) wording, always in the
 * Europe/Paris time zone, whatever the browser's own zone is.
 */
import type { Lang } from './i18n-dict.js';

export const TIME_ZONE = 'Europe/Paris';

const locales: Record<Lang, string> = { fr: 'fr-FR', en: 'en-GB' };

function parse(value: string | Date): Date | undefined {
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** "12 mars 2026" (fr) / "12 March 2026" (en). A bare YYYY-MM-DD is a calendar date, not an instant. */
export function formatDate(value: string | Date, lang: Lang = 'fr'): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split('-').map(Number) as [number, number, number];
    const utc = new Date(Date.UTC(y, m - 1, d, 12));
    return new Intl.DateTimeFormat(locales[lang], { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(utc);
  }
  const d = parse(value);
  if (!d) return String(value);
  return new Intl.DateTimeFormat(locales[lang], { day: 'numeric', month: 'long', year: 'numeric', timeZone: TIME_ZONE }).format(d);
}

/** "14:05" in Paris time. */
export function formatTime(value: string | Date, lang: Lang = 'fr'): string {
  const d = parse(value);
  if (!d) return String(value);
  return new Intl.DateTimeFormat(locales[lang], { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: TIME_ZONE }).format(d);
}

/** "12 mars 2026 à 14:05" (fr) / "12 March 2026 at 14:05" (en), in Paris time. */
export function formatDateTime(value: string | Date, lang: Lang = 'fr'): string {
  const d = parse(value);
  if (!d) return String(value);
  const joiner = lang === 'fr' ? ' à ' : ' at ';
  return formatDate(d, lang) + joiner + formatTime(d, lang);
}

/** "1,5 Mo" / "1.5 MB", in multiples of 1024 (the backend's 10 Mo limit is 10 × 1024 × 1024 bytes). */
export function formatSize(bytes: number, lang: Lang = 'fr'): string {
  const units = lang === 'fr' ? ['o', 'ko', 'Mo', 'Go'] : ['B', 'KB', 'MB', 'GB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const n = new Intl.NumberFormat(locales[lang], { maximumFractionDigits: i === 0 ? 0 : 1 }).format(v);
  return `${n} ${units[i]}`;
}

/** The calendar date (YYYY-MM-DD) of an instant in Paris, for date inputs and filters. */
export function parisDay(value: string | Date): string {
  const d = parse(value);
  if (!d) return '';
  const parts = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: TIME_ZONE }).formatToParts(d);
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}
