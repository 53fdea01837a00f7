import { describe, expect, it } from 'vitest';
import { generateLoginId, isWellFormedLoginId } from './login-id.js';

describe('login ids', () => {
  it('are 10 digits and a check letter, random, and catch a mistyped digit', () => {
    const ids = Array.from({ length: 200 }, generateLoginId);
    expect(new Set(ids).size).toBe(200);
    for (const id of ids) {
      expect(id).toMatch(/^[1-9]\d{9}[A-Z]$/);
      expect(isWellFormedLoginId(id.toLowerCase())).toBe(true);
      const typo = `${id.slice(0, 3)}${(Number(id[3]) + 1) % 10}${id.slice(4)}`;
      expect(isWellFormedLoginId(typo)).toBe(false);
    }
  });
});
