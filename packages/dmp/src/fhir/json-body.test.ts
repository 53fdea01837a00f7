import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBase64 } from '../records/base64-data.js';
import { Base64Text, LARGE_DATA_BYTES, parseJsonBody } from './json-body.js';

const decode = (value: unknown): Buffer | undefined => (value instanceof Base64Text ? value.decode(decodeBase64) : undefined);

function bundle(...contents: Buffer[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: contents.map((content, i) => ({ fullUrl: `urn:uuid:${i}`, resource: { resourceType: 'Binary', contentType: 'application/pdf', data: content.toString('base64') } })),
    }),
  );
}

describe('parseJsonBody', () => {
  it('parses small bodies exactly as JSON.parse', () => {
    for (const text of ['{}', '[]', '{"a":[1,2,{"b":"c"}],"data":"AAAA"}', '"x"', '12', 'null', '{"data":"\\u0041"}']) {
      expect(parseJsonBody(Buffer.from(text))).toEqual(JSON.parse(text));
    }
  });

  it('leaves long base64 under "data" in the body, and decodes it to the same bytes, at every slice boundary', () => {
    for (const size of [LARGE_DATA_BYTES, 100_000, 36_864, 36_865, 36_866, 147_456, 147_457, 1_000_003]) {
      const content = randomBytes(size);
      const parsed = parseJsonBody(bundle(content)) as { entry: { resource: { data: unknown; contentType: string } }[] };
      const data = parsed.entry[0]!.resource.data;
      expect(data, String(size)).toBeInstanceOf(Base64Text);
      expect(decode(data)?.equals(content), String(size)).toBe(true);
      expect(parsed.entry[0]!.resource.contentType).toBe('application/pdf');
    }
  });

  it('handles several contents, spaces around the colon, and keeps other long strings as strings', () => {
    const a = randomBytes(60_000);
    const b = randomBytes(70_000);
    const long = 'x'.repeat(50_000);
    const text = `{"entry":[{"data" : "${a.toString('base64')}"},{"note":"${long}"},{"data":\n"${b.toString('base64')}"}]}`;
    const parsed = parseJsonBody(Buffer.from(text)) as { entry: [{ data: unknown }, { note: unknown }, { data: unknown }] };
    expect(decode(parsed.entry[0].data)?.equals(a)).toBe(true);
    expect(parsed.entry[1].note).toBe(long);
    expect(decode(parsed.entry[2].data)?.equals(b)).toBe(true);
  });

  it('leaves to JSON.parse what has escapes, and a client cannot forge a placeholder', () => {
    const content = randomBytes(60_000).toString('base64');
    const withEscapes = `{"data":"${content.slice(0, 30_000)}\\r\\n${content.slice(30_000)}"}`;
    const parsed = parseJsonBody(Buffer.from(withEscapes)) as { data: unknown };
    expect(typeof parsed.data).toBe('string');
    const forged = `{"a":"\\u0000abc:0","data":"${content}"}`;
    const result = parseJsonBody(Buffer.from(forged)) as { a: unknown; data: unknown };
    expect(result.a).toBe('\u0000abc:0');
    expect(result.data).toBeInstanceOf(Base64Text);
  });

  it('refuses as JSON.parse does what is not JSON, with or without long data', () => {
    const content = randomBytes(60_000).toString('base64');
    for (const text of [`{"data":"${content}"`, `{"data":"${content}",}`, `{"data":"${content}"} x`, `{"data" "${content}"}`, '{"a":']) {
      expect(() => parseJsonBody(Buffer.from(text)), text.slice(-12)).toThrow(SyntaxError);
    }
  });

  it('tells what is not base64: a foreign character, base64url, padding inside, raw line breaks and control bytes', () => {
    const content = randomBytes(60_000).toString('base64');
    const cases = [
      `${content.slice(0, 1000)}!${content.slice(1001)}`,
      `${content.slice(0, 1000)}-${content.slice(1001)}`,
      `${content.slice(0, 1000)}=${content.slice(1001)}`,
      `${content.slice(0, 50_000)}\u0001${content.slice(50_001)}`,
      `${content.slice(0, 1000)}\n${content.slice(1000)}`,
    ];
    for (const bad of cases) {
      const parsed = (() => {
        try {
          return parseJsonBody(Buffer.from(`{"data":"${bad}"}`)) as { data: unknown };
        } catch {
          return undefined; // JSON.parse refused it: refused either way
        }
      })();
      if (parsed) expect(decode(parsed.data) ?? (typeof parsed.data === 'string' ? decodeBase64(parsed.data) : undefined)).toBeUndefined();
    }
  });

  it('gives back the text as it came when stringified', () => {
    const content = randomBytes(40_000).toString('base64');
    const parsed = parseJsonBody(Buffer.from(`{"data":"${content}"}`));
    expect(JSON.stringify(parsed)).toBe(`{"data":"${content}"}`);
  });
});
