import { commonPasswords } from './common-passwords.js';

/** What the password must not contain: the account's own facts. */
export interface PasswordContext {
  readonly loginId?: string;
  /** Family, given and used names (each word of 3 letters or more is refused inside the password). */
  readonly names?: readonly string[];
  /** YYYY-MM-DD */
  readonly birthDate?: string;
  readonly email?: string;
}

export type PasswordWeakness = 'too-short' | 'too-long' | 'common' | 'repetitive' | 'personal';

export type PasswordVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: PasswordWeakness };

export const PASSWORD_MIN_LENGTH = 12;
/** Bounded so hashing cannot be used to exhaust the server. */
export const PASSWORD_MAX_LENGTH = 128;

/**
 * The portal's password rule (issue 3 item 2, after ANSSI's and NIST SP 800-63B's advice: length
 * rather than composition rules): at least 12 characters (at most 128); not one of the
 * ~10,000 most common passwords, nor one of them with digits or symbols around it
 * (`Password2024!`); not a short pattern repeated (`abcabcabcabc`) or nearly one character; and
 * none of the account's own facts inside: login id, names, birth date, e-mail name.
 *
 * @example
 * checkPassword('motdepasse2024', {}) // { ok: false, reason: 'common' }
 * checkPassword('cheval-agrafe-pile-correct', { names: ['Moreau', 'Julien'] }) // { ok: true }
 */
export function checkPassword(password: string, context: PasswordContext = {}): PasswordVerdict {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return { ok: false, reason: 'too-short' };
  if (length > PASSWORD_MAX_LENGTH) return { ok: false, reason: 'too-long' };
  const lower = fold(password);
  const common = commonPasswords();
  const core = lower.replace(/^[^a-z]+|[^a-z]+$/g, '');
  if (common.has(lower) || common.has(password.toLowerCase()) || (core.length >= 4 && common.has(core))) return { ok: false, reason: 'common' };
  if (new Set(lower).size < 5 || /^(.{1,6})\1+$/.test(lower)) return { ok: false, reason: 'repetitive' };
  if (isSequenceLike(lower)) return { ok: false, reason: 'common' };
  if (containsPersonalFact(lower, context)) return { ok: false, reason: 'personal' };
  return { ok: true };
}

function containsPersonalFact(lower: string, context: PasswordContext): boolean {
  const compact = lower.replace(/[^a-z0-9]/g, '');
  if (context.loginId && compact.includes(fold(context.loginId).replace(/[^a-z0-9]/g, ''))) return true;
  // the digits of the login id alone, too
  const loginDigits = context.loginId?.replace(/\D/g, '');
  if (loginDigits && loginDigits.length >= 6 && compact.includes(loginDigits)) return true;
  const words = [...(context.names ?? []), context.email?.split('@')[0] ?? ''].flatMap((name) => fold(name).split(/[^a-z]+/)).filter((w) => w.length >= 3);
  if (words.some((w) => compact.includes(w))) return true;
  if (context.birthDate && /^\d{4}-\d{2}-\d{2}$/.test(context.birthDate)) {
    const [y, m, d] = context.birthDate.split('-') as [string, string, string];
    const digits = lower.replace(/\D/g, '');
    const forms = [`${y}${m}${d}`, `${d}${m}${y}`, `${m}${d}${y}`, `${d}${m}${y.slice(2)}`, `${y.slice(2)}${m}${d}`];
    if (forms.some((f) => digits.includes(f))) return true;
  }
  return false;
}

/** Keyboard rows and runs of consecutive characters covering most of the password (`123456789abc`, `qwertyuiopas`). */
function isSequenceLike(lower: string): boolean {
  const rows = ['1234567890', 'azertyuiop', 'qwertyuiop', 'qsdfghjklm', 'asdfghjkl', 'wxcvbn', 'zxcvbnm', 'abcdefghijklmnopqrstuvwxyz'];
  let covered = 0;
  for (let i = 0; i < lower.length; ) {
    let run = 1;
    while (i + run < lower.length && follows(lower[i + run - 1]!, lower[i + run]!, rows)) run += 1;
    if (run >= 3) covered += run;
    i += run;
  }
  return covered >= lower.length - 2;
}

function follows(a: string, b: string, rows: readonly string[]): boolean {
  if (b.charCodeAt(0) - a.charCodeAt(0) === 1 || a.charCodeAt(0) - b.charCodeAt(0) === 1) return true;
  return rows.some((row) => {
    const i = row.indexOf(a);
    return i >= 0 && (row[i + 1] === b || row[i - 1] === b);
  });
}

/** Lowercase, accents removed. */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}
