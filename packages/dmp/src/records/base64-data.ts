import { Base64Text } from '../fhir/json-body.js';

const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}$/;

/**
 * The bytes of base64 text (line breaks allowed), or undefined if it is not base64. Node's decoder
 * skips what is not in its alphabet, so for the usual text (no line breaks, whole quads, padding
 * only at the end, none of base64url's '-' and '_', which it also takes) the decoded length tells
 * whether anything was skipped, without a pass of a regular expression over megabytes; anything
 * else is checked by the expression, as before.
 */
export function decodeBase64(data: string): Buffer | undefined {
  if (data.length % 4 === 0 && !data.includes('\n') && !data.includes('\r') && !data.includes('-') && !data.includes('_')) {
    const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
    const equals = data.indexOf('=');
    if (equals < 0 || equals >= data.length - padding) {
      const decoded = Buffer.from(data, 'base64');
      if (decoded.length === (data.length / 4) * 3 - padding) return decoded;
    }
  }
  return BASE64.test(data) ? Buffer.from(data, 'base64') : undefined;
}

/** The bytes of a `data` element (a string, or Base64Text left in the request body); undefined if it is not base64. */
export function decodeData(data: string | Base64Text): Buffer | undefined {
  return data instanceof Base64Text ? data.decode(decodeBase64) : decodeBase64(data);
}

/** The `data` element of a resource or attachment: a string, or Base64Text for a long one; undefined when absent or not text. */
export function dataOf(holder: unknown): string | Base64Text | undefined {
  if (holder === null || typeof holder !== 'object') return undefined;
  const data = (holder as { data?: unknown }).data;
  return typeof data === 'string' || data instanceof Base64Text ? data : undefined;
}
