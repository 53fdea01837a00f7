import { openValue, sealValue } from '@dmp/core';

/** Seals a JSON value at rest (AES-256-GCM envelope under the maternity's master key). */
export function sealJson(value: unknown, masterKey: Buffer, associatedData: string): Buffer {
  return sealValue(Buffer.from(JSON.stringify(value)), masterKey, associatedData);
}

/** Opens what `sealJson` sealed. The caller knows the shape it stored. */
export function openJson<T>(sealed: Buffer, masterKey: Buffer, associatedData: string): T {
  return JSON.parse(openValue(sealed, masterKey, associatedData).toString('utf8')) as T;
}
