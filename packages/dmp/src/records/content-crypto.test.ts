import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { masterKeyFrom, openContent, openValue, sealContent, sealValue } from './content-crypto.js';

describe('content encryption at rest', () => {
  const master = randomBytes(32);

  it('round-trips content, with a different data key per document', () => {
    const plain = Buffer.from('%PDF-1.4 compte rendu');
    const a = sealContent(plain, master, 'doc-1');
    const b = sealContent(plain, master, 'doc-1');
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.ciphertext.includes(Buffer.from('compte rendu'))).toBe(false);
    expect(openContent(a, master, 'doc-1').toString()).toBe('%PDF-1.4 compte rendu');
  });

  it('refuses a wrong master key, altered ciphertext or another document id', () => {
    const sealed = sealContent(Buffer.from('x'.repeat(100)), master, 'doc-1');
    expect(() => openContent(sealed, randomBytes(32), 'doc-1')).toThrow();
    expect(() => openContent(sealed, master, 'doc-2')).toThrow();
    const altered = { ...sealed, ciphertext: Buffer.from(sealed.ciphertext) };
    altered.ciphertext[0] = (altered.ciphertext[0] ?? 0) ^ 1;
    expect(() => openContent(altered, master, 'doc-1')).toThrow();
  });

  it('packs small values in one buffer', () => {
    const packed = sealValue(Buffer.from('{"family":"MARTIN"}'), master, 'ins');
    expect(openValue(packed, master, 'ins').toString()).toBe('{"family":"MARTIN"}');
  });

  it('checks the master key length', () => {
    expect(() => masterKeyFrom(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
    expect(masterKeyFrom(master.toString('base64')).equals(master)).toBe(true);
  });
});
