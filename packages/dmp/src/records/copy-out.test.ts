import { describe, expect, it } from 'vitest';
import { parseBinaryCopy, parseBinaryCopyChunks } from './copy-out.js';

/** A binary COPY stream of `rows` (fields as bytes, or null). */
function binaryCopy(rows: (Buffer | null)[][], extension = Buffer.alloc(0)): Buffer {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1')];
  const int32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return b;
  };
  const int16 = (n: number) => {
    const b = Buffer.alloc(2);
    b.writeInt16BE(n);
    return b;
  };
  parts.push(int32(0), int32(extension.length), extension);
  for (const row of rows) {
    parts.push(int16(row.length));
    for (const field of row) parts.push(...(field ? [int32(field.length), field] : [int32(-1)]));
  }
  parts.push(int16(-1));
  return Buffer.concat(parts);
}

describe('binary COPY', () => {
  it('gives each field as its bytes, and NULL as null, past a header extension', () => {
    const content = Buffer.from([0, 255, 13, 10, 0x80, 0xc3]);
    const rows = parseBinaryCopy(binaryCopy([[Buffer.from('é'), null, content], [Buffer.alloc(0), Buffer.from('x'), null]], Buffer.from('ext!')));
    expect(rows).toHaveLength(2);
    expect(rows[0]![0]!.toString('utf8')).toBe('é');
    expect(rows[0]![1]).toBeNull();
    expect(rows[0]![2]!.equals(content)).toBe(true);
    expect(rows[1]![0]!.length).toBe(0);
    expect(rows[1]![2]).toBeNull();
  });

  it('gives the same rows from the messages as they came, however the data is cut', () => {
    const rows = [[Buffer.from('a'), null, Buffer.alloc(300, 7)], [Buffer.from('bé'), Buffer.alloc(0), null]];
    const whole = binaryCopy(rows);
    const expected = parseBinaryCopy(whole);
    // as PostgreSQL sends it: the header, each row, the trailer
    const header = 19;
    const first = header + 2 + 4 + 1 + 4 + 4 + 300;
    const pieces = [whole.subarray(0, header), whole.subarray(header, first), whole.subarray(first, whole.length - 2), whole.subarray(whole.length - 2)];
    expect(parseBinaryCopyChunks(pieces)).toEqual(expected);
    // cut anywhere else
    for (const cut of [1, 7, 19, 20, 25, 100, first + 1, whole.length - 1]) {
      expect(parseBinaryCopyChunks([whole.subarray(0, cut), whole.subarray(cut)])).toEqual(expected);
    }
    expect(parseBinaryCopyChunks([whole])).toEqual(expected);
  });

  it('refuses what is not a binary COPY, or is cut short', () => {
    expect(() => parseBinaryCopy(Buffer.from('id\tname\n1\tx\n'))).toThrow(/signature/);
    const whole = binaryCopy([[Buffer.alloc(100)]]);
    expect(() => parseBinaryCopy(whole.subarray(0, whole.length - 30))).toThrow();
    expect(() => parseBinaryCopyChunks([whole.subarray(0, 19), whole.subarray(19, whole.length - 2)])).toThrow();
  });
});
