import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  InvalidAuditRecordError,
  SYSTEM_PARTITION,
  canonicalEntry,
  describeActor,
  entryHash,
  genesisHash,
  hashedFields,
  prepareRecord,
  type AuditRecord,
  type HashedFields,
} from './audit-entry.js';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code units, at every depth, with no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' }, A: 0, é: 2 })).toBe(
      '{"A":0,"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1,"é":2}',
    );
  });

  it('writes strings and numbers as JSON.stringify does', () => {
    expect(canonicalJson(['é\n"\\', 1.5, -0, 1e21, 0.1])).toBe('["é\\n\\"\\\\",1.5,0,1e+21,0.1]');
  });

  it('leaves out undefined properties and writes undefined array items as null', () => {
    const sparse: unknown[] = [1];
    sparse[2] = 3;
    expect(canonicalJson({ a: undefined, b: [undefined, 1], c: sparse })).toBe('{"b":[null,1],"c":[1,null,3]}');
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a bigint', 1n],
    ['a Date', new Date(0)],
    ['a Buffer', Buffer.from('x')],
    ['a function', () => 1],
  ])('refuses %s, at any depth', (_label, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
    expect(() => canonicalJson({ value: [value] })).toThrow(TypeError);
  });

  it('refuses undefined as a whole value', () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });

  it('is what JSON.parse reads back into the same text (as jsonb round trips)', () => {
    const value = { z: [1, 2.25, 'ü', { k: false }], a: null, m: -12 };
    const text = canonicalJson(value);
    expect(canonicalJson(JSON.parse(text))).toBe(text);
  });
});

const FIELDS: HashedFields = {
  partition: '295109912611193',
  seq: 1,
  recordedAt: '2025-01-02T03:04:05.678Z',
  actor: { kind: 'professional', id: '810000000001', profession: '10' },
  action: 'document.read',
  outcome: 'allowed',
  rule: 'authorised',
  mode: 'normal',
  reason: null,
  documentId: '0a0b0c0d-0000-4000-8000-000000000001',
  documentUniqueId: 'urn:oid:1.2.250.1.213.1.4.8.99999.1',
  requestId: 'req-1',
  details: null,
};

describe('entry hash', () => {
  it('is SHA-256(prev_hash || canonical JSON of the fields), format version 1', () => {
    const text =
      '{"action":"document.read","actor":{"id":"810000000001","kind":"professional","profession":"10"},' +
      '"details":null,"documentId":"0a0b0c0d-0000-4000-8000-000000000001",' +
      '"documentUniqueId":"urn:oid:1.2.250.1.213.1.4.8.99999.1","mode":"normal","outcome":"allowed",' +
      '"partition":"295109912611193","reason":null,"recordedAt":"2025-01-02T03:04:05.678Z","requestId":"req-1",' +
      '"rule":"authorised","seq":1,"v":1}';
    expect(canonicalEntry(FIELDS)).toBe(text);
    const expected = createHash('sha256').update(Buffer.alloc(32)).update(text).digest();
    expect(entryHash(genesisHash(), FIELDS).equals(expected)).toBe(true);
    expect(genesisHash().equals(Buffer.alloc(32))).toBe(true);
  });

  it('does not depend on the order of keys inside actor and details', () => {
    const reordered = { ...FIELDS, actor: { profession: '10', id: '810000000001', kind: 'professional' } };
    expect(entryHash(genesisHash(), reordered).equals(entryHash(genesisHash(), FIELDS))).toBe(true);
  });

  it.each<[string, Partial<HashedFields>]>([
    ['partition', { partition: '253072B07300470' }],
    ['seq', { seq: 2 }],
    ['recordedAt', { recordedAt: '2025-01-02T03:04:05.679Z' }],
    ['actor', { actor: { kind: 'professional', id: '810000000002', profession: '10' } }],
    ['action', { action: 'document.search' }],
    ['outcome', { outcome: 'denied' }],
    ['rule', { rule: 'blocked' }],
    ['mode', { mode: 'bris_de_glace' }],
    ['reason', { reason: 'urgence vitale' }],
    ['documentId', { documentId: null }],
    ['documentUniqueId', { documentUniqueId: null }],
    ['requestId', { requestId: 'req-2' }],
    ['details', { details: { count: 1 } }],
  ])('changes when %s changes', (_field, change) => {
    expect(entryHash(genesisHash(), { ...FIELDS, ...change }).equals(entryHash(genesisHash(), FIELDS))).toBe(false);
  });

  it('changes when the previous hash changes (the chain)', () => {
    const other = Buffer.alloc(32, 1);
    expect(entryHash(other, FIELDS).equals(entryHash(genesisHash(), FIELDS))).toBe(false);
  });
});

const RECORD: AuditRecord = {
  patientIns: '295109912611193',
  actor: { kind: 'professional', id: '810000000001', profession: '10', givenName: 'Anne' },
  action: 'document.read',
  outcome: 'allowed',
  rule: 'authorised',
  mode: 'normal',
  documentId: '0A0B0C0D-0000-4000-8000-000000000001',
  details: { b: 2, a: 1 },
};

describe('prepareRecord', () => {
  it('normalises what PostgreSQL would normalise, so the stored row hashes the same', () => {
    const prepared = prepareRecord(RECORD);
    expect(prepared.partition).toBe('295109912611193');
    expect(prepared.documentId).toBe('0a0b0c0d-0000-4000-8000-000000000001');
    expect(prepared.detailsJson).toBe('{"a":1,"b":2}');
    expect(prepared.actorJson).toBe('{"givenName":"Anne","id":"810000000001","kind":"professional","profession":"10"}');
    // What jsonb gives back parses to values with the same canonical text, hence the same hash.
    const fields = hashedFields(prepared, 7, '2025-01-02T03:04:05.678Z');
    const fromStorage = { ...fields, actor: JSON.parse(prepared.actorJson) as unknown, details: JSON.parse(prepared.detailsJson ?? 'null') as unknown };
    expect(entryHash(genesisHash(), fromStorage).equals(entryHash(genesisHash(), fields))).toBe(true);
  });

  it('puts events without a patient in the system partition', () => {
    expect(prepareRecord({ ...RECORD, patientIns: undefined }).partition).toBe(SYSTEM_PARTITION);
  });

  it.each<[string, Partial<AuditRecord>]>([
    ['a NUL in text', { reason: 'a\u0000b' }],
    ['an unpaired surrogate', { rule: 'x\uD800' }],
    ['a NUL in details', { details: { note: 'a\u0000' } }],
    ['a non-JSON detail', { details: { when: new Date() as unknown as string } }],
    ['a documentId that is not a uuid', { documentId: 'doc-1' }],
    ['an unknown outcome', { outcome: 'maybe' as 'allowed' }],
    ['an empty action', { action: '' }],
    ['an over-long reason', { reason: 'x'.repeat(5000) }],
    ['the system partition as a patient', { patientIns: SYSTEM_PARTITION }],
  ])('refuses %s', (_label, change) => {
    expect(() => prepareRecord({ ...RECORD, ...change })).toThrow(InvalidAuditRecordError);
  });
});

describe('describeActor', () => {
  it('keeps who a professional is and for which structure and software they act', () => {
    expect(
      describeActor(
        {
          kind: 'professional',
          professional: { nationalId: '810000000001', profession: '10', specialty: 'G15_10/SM26', familyName: 'Martin', givenName: 'Anne' },
          establishment: { nationalId: '1750000001', facilityType: 'SA07', name: 'Maternité Sainte Félicité' },
        },
        'LogicielMaternite 2.1',
      ),
    ).toEqual({
      kind: 'professional',
      id: '810000000001',
      profession: '10',
      specialty: 'G15_10/SM26',
      structure: { id: '1750000001', facilityType: 'SA07', name: 'Maternité Sainte Félicité' },
      familyName: 'Martin',
      givenName: 'Anne',
      software: 'LogicielMaternite 2.1',
    });
  });

  it('names a patient by their INS', () => {
    expect(describeActor({ kind: 'patient', ins: '295109912611193' })).toEqual({ kind: 'patient', id: '295109912611193' });
  });
});
