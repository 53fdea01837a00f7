import { createHash, createHmac, hkdfSync, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** A random token for a cookie or a link: 32 bytes, base64url. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 of a token: what the database keeps instead of the token. */
export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** A one-time code of `digits` decimal digits, uniformly drawn. */
export function randomDigits(digits: number): string {
  let code = '';
  for (let i = 0; i < digits; i += 1) code += String(randomInt(10));
  return code;
}

/** An activation code: 12 characters of an alphabet without look-alikes, in groups of 4 (`K7PM-W3XD-9HRT`). */
export function randomActivationCode(): string {
  const alphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
  let code = '';
  for (let i = 0; i < 12; i += 1) code += alphabet[randomInt(alphabet.length)];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** Normalises a typed activation code (case, spaces, dashes). */
export function normaliseActivationCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '');
}

/**
 * Keyed hash of a short code (one-time or activation code), bound to what it is for: a leaked
 * table does not give the codes away by trying all million of them without the server's key.
 */
export function codeHash(key: Buffer, purpose: string, code: string): Buffer {
  return createHmac('sha256', key).update(`${purpose}\u0000${code}`).digest();
}

/** Compares two hashes in constant time. */
export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The key that hashes codes, derived from the master key (never the master key itself). */
export function codeKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'dmp portal code hashing', 32));
}
