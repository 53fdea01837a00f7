import { randomBytes } from 'node:crypto';

/**
 * Strings at least this long under a `data` key stay in the request body as bytes (Base64Text).
 * V8 puts strings above about 128 KB in its large-object space, which only a full collection
 * frees: a deposit's body and its base64 content, made strings, were two of them per request.
 */
export const LARGE_DATA_BYTES = 32 * 1024;

/** Decoded a slice at a time: a whole number of base64 quads, small enough to stay a young string. */
const DECODE_SLICE = 48 * 1024;

/**
 * Base64 text left in the request body rather than made a string (FHIR `Binary.data`,
 * `Attachment.data`): decoded a slice at a time into the content's buffer.
 */
export class Base64Text {
  constructor(readonly bytes: Buffer) {}

  get length(): number {
    return this.bytes.length;
  }

  /** The text itself (a string as long as the data: for the unusual case only). */
  toString(): string {
    return this.bytes.toString('latin1');
  }

  /** As a string in JSON, as it came. */
  toJSON(): string {
    return this.toString();
  }

  /**
   * The decoded bytes, or undefined if the text is not base64. The usual text (no line breaks,
   * whole quads, padding only at the end) is decoded slice by slice, each slice's decoded length
   * telling whether Node's decoder skipped anything; anything else goes through `decodeBase64`.
   */
  decode(fallback: (text: string) => Buffer | undefined): Buffer | undefined {
    const src = this.bytes;
    const n = src.length;
    // raw line breaks are not JSON text (escaped ones never make a Base64Text); other control
    // bytes, skipped by Node's decoder, show in the decoded length below or fail the fallback
    if (src.indexOf(0x0a) >= 0 || src.indexOf(0x0d) >= 0) return undefined;
    const usual = n % 4 === 0 && src.indexOf(0x2d) < 0 && src.indexOf(0x5f) < 0;
    if (!usual) return fallback(this.toString());
    const padding = n >= 2 && src[n - 2] === 0x3d ? 2 : n >= 1 && src[n - 1] === 0x3d ? 1 : 0;
    const equals = src.indexOf(0x3d);
    if (equals >= 0 && equals < n - padding) return undefined;
    const out = Buffer.allocUnsafe((n / 4) * 3 - padding);
    let written = 0;
    for (let start = 0; start < n; start += DECODE_SLICE) {
      const end = Math.min(n, start + DECODE_SLICE);
      const expected = ((end - start) / 4) * 3 - (end === n ? padding : 0);
      if (out.write(src.toString('latin1', start, end), written, expected, 'base64') !== expected) return undefined;
      written += expected;
    }
    return written === out.length ? out : undefined;
  }
}

/** A string value under a `data` key, in the body's bytes: [start, end) of its text, quotes excluded. */
interface DataSpan {
  readonly start: number;
  readonly end: number;
}

/**
 * Parses a JSON body like `JSON.parse(body.toString())`, except that long string values under a
 * `data` key without escapes come back as Base64Text over the body's bytes: the rest of the body is
 * parsed with a placeholder in their place (a random mark the client cannot guess), then the
 * placeholders are replaced. Throws SyntaxError for malformed JSON, as JSON.parse does.
 */
export function parseJsonBody(body: Buffer): unknown {
  const spans = largeDataSpans(body);
  if (spans.length === 0) return JSON.parse(body.toString('utf8'));
  const mark = `\u0000${randomBytes(12).toString('base64url')}:`;
  const escapedMark = JSON.stringify(mark).slice(1, -1);
  const pieces: Buffer[] = [];
  let from = 0;
  spans.forEach((span, i) => {
    pieces.push(body.subarray(from, span.start), Buffer.from(`${escapedMark}${i}`));
    from = span.end;
  });
  pieces.push(body.subarray(from));
  const parsed: unknown = JSON.parse(Buffer.concat(pieces).toString('utf8'));
  return restore(parsed, mark, spans.map((span) => new Base64Text(body.subarray(span.start, span.end))));
}

/** Replaces the placeholders (strings `mark` + index) by their Base64Text. */
function restore(value: unknown, mark: string, texts: readonly Base64Text[]): unknown {
  if (typeof value === 'string') {
    if (!value.startsWith(mark)) return value;
    return texts[Number(value.slice(mark.length))] ?? value;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = restore(value[i], mark, texts);
    return value;
  }
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of Object.keys(object)) object[key] = restore(object[key], mark, texts);
  }
  return value;
}

/**
 * The string values of at least LARGE_DATA_BYTES under a key spelled exactly `"data"`, with no
 * backslash (anything else is left to JSON.parse). Strings are skipped with `indexOf`, as in
 * `nestsDeeperThan`.
 */
function largeDataSpans(body: Buffer): DataSpan[] {
  const spans: DataSpan[] = [];
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== 0x22) continue;
    let end = i;
    for (;;) {
      end = body.indexOf(0x22, end + 1);
      if (end < 0) return spans; // unterminated: JSON.parse will say so
      let backslashes = 0;
      while (body[end - 1 - backslashes] === 0x5c) backslashes++;
      if (backslashes % 2 === 0) break;
    }
    if (end - i - 1 >= LARGE_DATA_BYTES && isDataValue(body, i) && body.subarray(i + 1, end).indexOf(0x5c) < 0) {
      spans.push({ start: i + 1, end });
    }
    i = end;
  }
  return spans;
}

/** Whether the string opening at `quote` is the value of a `"data"` key. */
function isDataValue(body: Buffer, quote: number): boolean {
  let k = quote - 1;
  while (k >= 0 && isSpace(body[k]!)) k--;
  if (body[k] !== 0x3a) return false; // ':'
  k--;
  while (k >= 0 && isSpace(body[k]!)) k--;
  return k >= 5 && body.toString('latin1', k - 5, k + 1) === '"data"' && body[k - 6] !== 0x5c;
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}
