import { describe, expect, it } from 'vitest';
import { en, fr, translate, type Key } from './i18n-dict.js';

const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

describe('i18n dictionary', () => {
  const frKeys = Object.keys(fr).sort();
  const enKeys = Object.keys(en).sort();

  it('has every key in both French and English', () => {
    expect(enKeys).toEqual(frKeys);
  });
  it('has no empty string', () => {
    for (const k of frKeys as Key[]) {
      expect(fr[k].trim(), `fr ${k}`).not.toBe('');
      expect(en[k].trim(), `en ${k}`).not.toBe('');
    }
  });
  it('uses the same placeholders in both languages', () => {
    for (const k of frKeys as Key[]) expect(placeholders(en[k]), k).toEqual(placeholders(fr[k]));
  });
  it('fills placeholders', () => {
    expect(translate('fr', 'docs.count', { n: 3 })).toBe('3 document(s)');
    expect(translate('en', 'signup.done.text', { loginId: 'ab12' })).toContain('ab12');
  });
});
