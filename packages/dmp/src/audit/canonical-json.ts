/** Canonical JSON, the byte-exact text the audit log hashes and signs. */

/** A JSON value as the audit log stores it (jsonb). */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: JsonValue | undefined;
}

/**
 * Canonical JSON: object keys sorted (by UTF-16 code units, as RFC 8785), no whitespace, strings
 * and numbers as `JSON.stringify` writes them, properties whose value is `undefined` left out.
 * Throws a TypeError on what JSON cannot carry faithfully (non-finite numbers, bigints, functions,
 * class instances such as Date or Buffer), so what is hashed is exactly what jsonb stores.
 *
 * @example canonicalJson({ b: 1, a: [true, null] }) === '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON: ${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        // Array.from visits holes of sparse arrays too (as undefined, written null like JSON.stringify).
        return `[${Array.from(value as readonly unknown[], (item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
      }
      const prototype: unknown = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) {
        throw new TypeError('canonical JSON: only plain objects, arrays and primitives');
      }
      const record = value as Record<string, unknown>;
      const members: string[] = [];
      for (const key of Object.keys(record).sort()) {
        const member = record[key];
        if (member !== undefined) members.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
      }
      return `{${members.join(',')}}`;
    }
    default:
      throw new TypeError(`canonical JSON: a ${typeof value} is not JSON`);
  }
}
