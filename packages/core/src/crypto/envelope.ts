import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Envelope encryption of document content at rest (DESIGN.md §2.5): each document gets its own
 * AES-256-GCM data key; that key is stored wrapped (AES-256-GCM too) by the master key from
 * configuration. Rotating the master key means re-wrapping keys, not re-encrypting contents.
 */
export interface SealedContent {
  /** iv (12) || tag (16) || encrypted data key (32), under the master key. */
  readonly wrappedKey: Buffer;
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly ciphertext: Buffer;
}

const KEY_BYTES = 32;

/** Checks a master key (32 bytes) and returns it. */
export function masterKeyFrom(base64: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== KEY_BYTES) throw new Error('the master key must be 32 bytes, base64-encoded');
  return key;
}

/** Encrypts `plain` under a fresh data key wrapped by `masterKey`. */
export function sealContent(plain: Buffer, masterKey: Buffer, associatedData: string): SealedContent {
  const dataKey = randomBytes(KEY_BYTES);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(Buffer.from(associatedData));
  const ciphertext = joined(cipher.update(plain), cipher.final());
  const tag = cipher.getAuthTag();
  return { wrappedKey: wrapKey(dataKey, masterKey), iv, tag, ciphertext };
}

/** Decrypts what `sealContent` produced; throws if anything was altered (GCM authentication). */
export function openContent(sealed: SealedContent, masterKey: Buffer, associatedData: string): Buffer {
  const dataKey = unwrapKey(sealed.wrappedKey, masterKey);
  const decipher = createDecipheriv('aes-256-gcm', dataKey, sealed.iv);
  decipher.setAAD(Buffer.from(associatedData));
  decipher.setAuthTag(sealed.tag);
  return joined(decipher.update(sealed.ciphertext), decipher.final());
}

/** `update` then `final` of a GCM (de)cipher: `final` gives nothing in GCM, so the content is not copied once more. */
function joined(updated: Buffer, final: Buffer): Buffer {
  return final.length === 0 ? updated : Buffer.concat([updated, final]);
}

/** Encrypts a small value (identity traits, notes) with the same envelope, as one buffer. */
export function sealValue(plain: Buffer, masterKey: Buffer, associatedData: string): Buffer {
  const sealed = sealContent(plain, masterKey, associatedData);
  return Buffer.concat([sealed.wrappedKey, sealed.iv, sealed.tag, sealed.ciphertext]);
}

/** Opens what `sealValue` produced. */
export function openValue(packed: Buffer, masterKey: Buffer, associatedData: string): Buffer {
  const wrappedKey = packed.subarray(0, 60);
  const iv = packed.subarray(60, 72);
  const tag = packed.subarray(72, 88);
  const ciphertext = packed.subarray(88);
  return openContent({ wrappedKey, iv, tag, ciphertext }, masterKey, associatedData);
}

function wrapKey(dataKey: Buffer, masterKey: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
  const encrypted = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), encrypted]);
}

function unwrapKey(wrapped: Buffer, masterKey: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', masterKey, wrapped.subarray(0, 12));
  decipher.setAuthTag(wrapped.subarray(12, 28));
  return Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]);
}
