/** Checks done in the browser before a request is sent (the server checks again). */
import type { Key } from './i18n-dict.js';

/** NIR (numéro d'inscription au répertoire): 13 characters, optionally followed by its 2-digit key; Corsica as 2A/2B. */
export function normaliseNir(raw: string): string {
  return raw.replace(/[\s.-]/g, '').toUpperCase();
}

export function nirProblem(raw: string): Key | undefined {
  const nir = normaliseNir(raw);
  if (nir === '') return 'err.required';
  if (!/^[12378]\d{4}(\d{2}|2A|2B)\d{6}(\d{2})?$/.test(nir)) return 'err.nirFormat';
  if (nir.length === 15) {
    const body = nir.slice(0, 13).replace('2A', '19').replace('2B', '18');
    const key = 97 - Number(BigInt(body) % 97n);
    if (key !== Number(nir.slice(13))) return 'err.nirKey';
  }
  return undefined;
}

export function emailProblem(raw: string): Key | undefined {
  if (raw.trim() === '') return 'err.required';
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(raw.trim()) ? undefined : 'err.email';
}

/** French mobile: 06/07 followed by 8 digits, or +33 6/7 ... */
export function phoneProblem(raw: string, required: boolean): Key | undefined {
  const p = raw.replace(/[\s.-]/g, '');
  if (p === '') return required ? 'err.required' : undefined;
  return /^(0[67]\d{8}|\+33[67]\d{8})$/.test(p) ? undefined : 'err.phone';
}

export function birthDateProblem(raw: string, today: Date = new Date()): Key | undefined {
  if (raw === '') return 'err.required';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw)) return 'err.date';
  const d = new Date(`${raw}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== raw) return 'err.date';
  if (d.getTime() > today.getTime()) return 'err.dateFuture';
  return undefined;
}

/** The hints shown under the password field, each satisfied or not. */
export type PasswordRule = 'length' | 'lower' | 'upper' | 'digit' | 'special';

export function passwordRules(pw: string): Record<PasswordRule, boolean> {
  return {
    length: pw.length >= 12,
    lower: /[a-z]/.test(pw),
    upper: /[A-Z]/.test(pw),
    digit: /\d/.test(pw),
    special: /[^A-Za-z0-9]/.test(pw),
  };
}

export function passwordProblem(pw: string): Key | undefined {
  if (pw === '') return 'err.required';
  const r = passwordRules(pw);
  return Object.values(r).every(Boolean) ? undefined : 'err.passwordWeak';
}

/** Upload checks: the file types the DMP takes from a patient (as the backend checks them) and the size limit. */
export const UPLOAD_MAX_BYTES = 10 * 1024 * 1024;
export const UPLOAD_ACCEPT = '.pdf,.jpg,.jpeg,.xml,application/pdf,image/jpeg,text/xml';
export type UploadMime = 'application/pdf' | 'image/jpeg' | 'text/xml';

/** The media type the backend expects for a chosen file, from its type or, failing that, its extension. */
export function uploadMimeType(file: { name: string; type: string }): UploadMime | undefined {
  if (file.type === 'application/pdf') return 'application/pdf';
  if (file.type === 'image/jpeg') return 'image/jpeg';
  if (file.type === 'text/xml' || file.type === 'application/xml') return 'text/xml';
  const ext = file.name.toLowerCase().split('.').pop() ?? '';
  if (ext === 'pdf') return 'application/pdf';
  if (ext === 'jpg' || ext === 'jpeg') return 'image/jpeg';
  if (ext === 'xml') return 'text/xml';
  return undefined;
}

export function uploadProblem(file: { name: string; type: string; size: number } | undefined): Key | undefined {
  if (!file) return 'err.fileRequired';
  if (!uploadMimeType(file)) return 'err.fileType';
  if (file.size > UPLOAD_MAX_BYTES) return 'err.fileSize';
  if (file.size === 0) return 'err.fileEmpty';
  return undefined;
}

/** RPPS numbers have 11 digits. */
export function rppsProblem(raw: string): Key | undefined {
  const v = raw.replace(/\s/g, '');
  return v === '' || /^\d{11}$/.test(v) ? undefined : 'err.rpps';
}
