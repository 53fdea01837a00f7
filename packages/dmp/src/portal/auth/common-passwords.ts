import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The shipped list of common passwords, one lowercase password a line (see `generate-common-passwords.ts`). */
export const COMMON_PASSWORDS_FILE = fileURLToPath(new URL('./common-passwords.txt', import.meta.url));

let loaded: ReadonlySet<string> | undefined;

/** The common passwords, lowercase (loaded once). */
export function commonPasswords(): ReadonlySet<string> {
  loaded ??= new Set(readFileSync(COMMON_PASSWORDS_FILE, 'utf8').split('\n').filter((line) => line.length > 0));
  return loaded;
}
