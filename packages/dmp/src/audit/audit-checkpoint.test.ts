import { createHash, createPublicKey, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditKeyId, checkpointMessage, comparePartitions, generateAuditSigningKey, headsDigest } from './audit-checkpoint.js';

const H1 = 'aa'.repeat(32);
const H2 = 'bb'.repeat(32);

describe('headsDigest', () => {
  it('hashes each head as partition, NUL, 8-byte big-endian seq, hash, after a prefix', () => {
    const expected = createHash('sha256')
      .update('dmp-audit-heads/1\n')
      .update(Buffer.concat([Buffer.from('253072B07300470'), Buffer.of(0), Buffer.from('0000000000000003', 'hex'), Buffer.from(H1, 'hex')]))
      .update(Buffer.concat([Buffer.from('_system'), Buffer.of(0), Buffer.from('0000000000000001', 'hex'), Buffer.from(H2, 'hex')]))
      .digest();
    const digest = headsDigest([
      { partition: '253072B07300470', seq: 3, hash: H1 },
      { partition: '_system', seq: 1, hash: H2 },
    ]);
    expect(digest.equals(expected)).toBe(true);
  });

  it('refuses heads out of order or repeated', () => {
    expect(() => headsDigest([{ partition: 'b', seq: 1, hash: H1 }, { partition: 'a', seq: 1, hash: H2 }])).toThrow();
    expect(() => headsDigest([{ partition: 'a', seq: 1, hash: H1 }, { partition: 'a', seq: 2, hash: H2 }])).toThrow();
  });

  it('orders partitions by UTF-8 bytes', () => {
    expect(['_system', '295109912611193', 'Z', 'é', '\u{1F600}', '\uFFFF'].sort(comparePartitions)).toEqual([
      '295109912611193',
      'Z',
      '_system',
      'é',
      '\uFFFF',
      '\u{1F600}',
    ]);
  });
});

describe('checkpoint signing', () => {
  it('signs a canonical statement with an Ed25519 key whose id derives from the public key', () => {
    const key = generateAuditSigningKey();
    expect(key.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(key.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(auditKeyId(key.publicKeyPem)).toBe(key.keyId);
    expect(key.keyId).toMatch(/^[0-9a-f]{32}$/);

    const statement = { id: 1, createdAt: '2025-01-01T00:00:00.000Z', headCount: 2, headsDigest: 'cd'.repeat(32), keyId: key.keyId, previous: null };
    const message = checkpointMessage(statement);
    expect(message.toString()).toBe(
      `{"createdAt":"2025-01-01T00:00:00.000Z","headCount":2,"headsDigest":"${'cd'.repeat(32)}","id":1,` +
        `"keyId":"${key.keyId}","kind":"dmp-audit-checkpoint","previous":null,"v":1}`,
    );
    const signature = sign(null, message, key.privateKeyPem);
    expect(verify(null, message, createPublicKey(key.publicKeyPem), signature)).toBe(true);
    expect(verify(null, checkpointMessage({ ...statement, headCount: 3 }), createPublicKey(key.publicKeyPem), signature)).toBe(false);
  });
});
