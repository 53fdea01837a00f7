import { describe, expect, it } from 'vitest';
import { decodeBase64 } from './base64-data.js';

/** What Binary.data accepted before: the expression, then Node's decoder. */
function reference(data: string): Buffer | undefined {
  return /^[A-Za-z0-9+/\r\n]*={0,2}$/.test(data) ? Buffer.from(data, 'base64') : undefined;
}

/** A small deterministic generator, so the cases are the same every run. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('Binary.data', () => {
  it('accepts and refuses exactly what the base64 expression did, whatever the characters', () => {
    const random = generator(42);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ !.\r\n\u00e9\u2028';
    for (let i = 0; i < 20_000; i++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(random() * 20) }, () => Math.floor(random() * 256)));
      let data = bytes.toString('base64');
      for (let m = Math.floor(random() * 3); m > 0; m--) {
        const at = Math.floor(random() * (data.length + 1));
        data = data.slice(0, at) + alphabet[Math.floor(random() * alphabet.length)]! + data.slice(at + 1);
      }
      if (random() < 0.2) data = data.replace(/=+$/, '');
      const expected = reference(data);
      const decoded = decodeBase64(data);
      expect(decoded === undefined, JSON.stringify(data)).toBe(expected === undefined);
      if (expected && decoded) expect(decoded.equals(expected), JSON.stringify(data)).toBe(true);
    }
  });

  it('decodes a large content, and refuses it with one stray character', () => {
    const content = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 256));
    const data = content.toString('base64');
    expect(decodeBase64(data)?.equals(content)).toBe(true);
    expect(decodeBase64(`${data.slice(0, 1000)}!${data.slice(1001)}`)).toBeUndefined();
    expect(decodeBase64(`${data.slice(0, 1000)}-${data.slice(1001)}`)).toBeUndefined();
    expect(decodeBase64(data.replace(/(.{76})/g, '$1\r\n'))?.equals(content)).toBe(true);
  });
});
