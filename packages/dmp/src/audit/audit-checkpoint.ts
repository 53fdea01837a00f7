import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type pg from 'pg';
import { inTransaction } from '../db/database.js';
import { canonicalJson } from './canonical-json.js';

/**
 * Signed checkpoints over every chain head (DESIGN.md §2.2). A checkpoint fixes, under the host's
 * Ed25519 key, where every partition's chain stood: entries removed from the tail of a chain
 * afterwards, or a chain rewritten with recomputed hashes, no longer match a signed head.
 * Each checkpoint's signed text also names the previous checkpoint's signature, so removing a
 * checkpoint from the middle shows too. Publish the latest checkpoint's digest somewhere the
 * database's administrators cannot write (a witness) to also catch the removal of the newest ones.
 */

/** A chain head as a checkpoint records it. */
export interface CheckpointHead {
  readonly partition: string;
  readonly seq: number;
  /** Hex. */
  readonly hash: string;
}

export interface Checkpoint {
  readonly id: number;
  readonly createdAt: Date;
  readonly headCount: number;
  /** Hex SHA-256 of the heads (`headsDigest`). */
  readonly headsDigest: string;
  readonly keyId: string;
}

/** A PEM key pair for signing checkpoints (the private key goes to the host's configuration). */
export interface AuditSigningKey {
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
  readonly keyId: string;
}

/** Generates an Ed25519 key pair for checkpoints, as PKCS#8 and SPKI PEM. */
export function generateAuditSigningKey(): AuditSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: auditKeyId(publicKey),
  };
}

/** A key's id: the first 16 bytes, hex, of the SHA-256 of its SPKI encoding. Accepts a public or private key. */
export function auditKeyId(key: KeyObject | string): string {
  const keyObject = typeof key === 'string' ? createPublicKey(key) : key.type === 'private' ? createPublicKey(key) : key;
  const spki = keyObject.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('hex').slice(0, 32);
}

/** Orders partitions by their UTF-8 bytes (what PostgreSQL's "C" collation does). */
export function comparePartitions(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * The digest of a set of heads: SHA-256 over, for each head in partition order,
 * `utf8(partition) || 0x00 || seq (8 bytes, big-endian) || hash (32 bytes)`, after the prefix
 * `dmp-audit-heads/1\n`. Throws if the heads are not in order or repeat a partition.
 */
export function headsDigest(heads: readonly CheckpointHead[]): Buffer {
  const digest = createHash('sha256').update('dmp-audit-heads/1\n', 'utf8');
  const seq = Buffer.alloc(8);
  let previous: string | undefined;
  for (const head of heads) {
    if (previous !== undefined && comparePartitions(previous, head.partition) >= 0) {
      throw new Error('checkpoint heads must be sorted by partition, each once');
    }
    previous = head.partition;
    seq.writeBigUInt64BE(BigInt(head.seq));
    digest.update(head.partition, 'utf8').update(Buffer.of(0)).update(seq).update(Buffer.from(head.hash, 'hex'));
  }
  return digest.digest();
}

/** What a checkpoint's signature covers. */
export interface CheckpointStatement {
  readonly id: number;
  readonly createdAt: string;
  readonly headCount: number;
  /** Hex. */
  readonly headsDigest: string;
  readonly keyId: string;
  /** Hex SHA-256 of the previous checkpoint's signature; null for the first. */
  readonly previous: string | null;
}

/** The signed text of a checkpoint (canonical JSON). */
export function checkpointMessage(statement: CheckpointStatement): Buffer {
  return Buffer.from(canonicalJson({ kind: 'dmp-audit-checkpoint', v: 1, ...statement }), 'utf8');
}

/** The link from a checkpoint to the one before it. */
export function signatureLink(signature: Buffer): string {
  return createHash('sha256').update(signature).digest('hex');
}

interface HeadRow {
  partition: string;
  seq: string;
  hash: Buffer;
}

/**
 * Signs the current heads of every chain and stores the checkpoint. `signingKeyPem` is the PEM
 * (PKCS#8) Ed25519 private key from the host's configuration. Checkpoints are serialised by an
 * advisory lock, so each links to the one before it.
 */
export async function createCheckpoint(pool: pg.Pool, signingKeyPem: string): Promise<Checkpoint> {
  const privateKey = createPrivateKey(signingKeyPem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('audit checkpoints are signed with an Ed25519 key');
  const keyId = auditKeyId(privateKey);
  return inTransaction(pool, async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('audit_checkpoint'))`);
    const previous = await client.query<{ signature: Buffer }>('SELECT signature FROM audit_checkpoint ORDER BY id DESC LIMIT 1');
    const { rows: idRows } = await client.query<{ id: string }>(`SELECT nextval(pg_get_serial_sequence('audit_checkpoint', 'id')) AS id`);
    // One statement: a consistent picture of the committed heads.
    const { rows } = await client.query<HeadRow>('SELECT partition, seq, hash FROM audit_head WHERE seq > 0');
    const heads: CheckpointHead[] = rows
      .map((row) => ({ partition: row.partition, seq: Number(row.seq), hash: row.hash.toString('hex') }))
      .sort((a, b) => comparePartitions(a.partition, b.partition));
    const createdAt = new Date();
    const statement: CheckpointStatement = {
      id: Number(idRows[0]?.id),
      createdAt: createdAt.toISOString(),
      headCount: heads.length,
      headsDigest: headsDigest(heads).toString('hex'),
      keyId,
      previous: previous.rows[0] ? signatureLink(previous.rows[0].signature) : null,
    };
    const signature = sign(null, checkpointMessage(statement), privateKey);
    await client.query(
      `INSERT INTO audit_checkpoint (id, created_at, heads_digest, head_count, signature, key_id, heads)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
      [statement.id, statement.createdAt, Buffer.from(statement.headsDigest, 'hex'), heads.length, signature, keyId, JSON.stringify(heads)],
    );
    return { id: statement.id, createdAt, headCount: heads.length, headsDigest: statement.headsDigest, keyId };
  });
}
