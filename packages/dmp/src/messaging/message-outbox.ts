import { randomUUID } from 'node:crypto';
import type { Queryable } from '../records/record-repository.js';
import { openValue, sealValue } from '../records/content-crypto.js';

/** A message to send, as a caller hands it to the outbox. */
export interface OutgoingMessage {
  readonly channel: 'email' | 'sms';
  /** An e-mail address or a phone number in E.164 (+33...). */
  readonly recipient: string;
  /** E-mail only; plain text in the database: never put personal data in it. */
  readonly subject?: string;
  /** Plain text; sealed at rest. */
  readonly body: string;
  /**
   * Makes the enqueue idempotent: a second message with the same key is ignored, so a retried
   * command sends once. Also the message's Message-ID, so receivers can drop duplicates.
   */
  readonly idempotencyKey: string;
}

/** A message as the dispatcher reads it back, opened. */
export interface QueuedMessage extends Required<OutgoingMessage> {
  readonly id: string;
  readonly attempts: number;
}

/**
 * Puts a message in the durable outbox (DESIGN.md §2.3). Pass the caller's transaction client so
 * the message commits with the work that caused it, or nothing at all. Answers false when a
 * message with the same idempotency key was already queued.
 *
 * @example
 * await inTransaction(pool, async (client) => {
 *   await client.query('UPDATE ...');
 *   await enqueueMessage(client, masterKey, { channel: 'email', recipient, subject: 'Code', body, idempotencyKey: `otp:${challengeId}` });
 * });
 */
export async function enqueueMessage(db: Queryable, masterKey: Buffer, message: OutgoingMessage, now: Date = new Date()): Promise<boolean> {
  if (message.idempotencyKey.length === 0 || message.idempotencyKey.length > 200) throw new Error('idempotency key must be 1 to 200 characters');
  const id = randomUUID();
  const aad = associatedData(message.idempotencyKey);
  const result = await db.query(
    `INSERT INTO message_outbox (id, channel, recipient, subject, body, next_attempt_at, idempotency_key, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $6) ON CONFLICT (idempotency_key) DO NOTHING`,
    [
      id,
      message.channel,
      sealValue(Buffer.from(message.recipient), masterKey, `${aad}:recipient`),
      message.subject ?? '',
      sealValue(Buffer.from(message.body), masterKey, `${aad}:body`),
      now,
      message.idempotencyKey,
    ],
  );
  return result.rowCount === 1;
}

/** Row of `message_outbox` as selected by the dispatcher. */
export interface OutboxRow {
  readonly id: string;
  readonly channel: 'email' | 'sms';
  readonly recipient: Buffer;
  readonly subject: string;
  readonly body: Buffer;
  readonly attempts: number;
  readonly idempotency_key: string;
}

/** Opens a stored row (recipient and body are sealed, bound to the idempotency key). */
export function openMessage(row: OutboxRow, masterKey: Buffer): QueuedMessage {
  const aad = associatedData(row.idempotency_key);
  return {
    id: row.id,
    channel: row.channel,
    recipient: openValue(row.recipient, masterKey, `${aad}:recipient`).toString('utf8'),
    subject: row.subject,
    body: openValue(row.body, masterKey, `${aad}:body`).toString('utf8'),
    idempotencyKey: row.idempotency_key,
    attempts: row.attempts,
  };
}

/** The status of a queued message, for tests and the administrator. */
export async function messageStatus(
  db: Queryable,
  idempotencyKey: string,
): Promise<{ status: 'pending' | 'sent' | 'failed'; attempts: number; lastError: string | null; sentAt: Date | null } | undefined> {
  const result = await db.query<{ status: 'pending' | 'sent' | 'failed'; attempts: number; last_error: string | null; sent_at: Date | null }>(
    'SELECT status, attempts, last_error, sent_at FROM message_outbox WHERE idempotency_key = $1',
    [idempotencyKey],
  );
  const row = result.rows[0];
  return row ? { status: row.status, attempts: row.attempts, lastError: row.last_error, sentAt: row.sent_at } : undefined;
}

function associatedData(idempotencyKey: string): string {
  return `outbox:${idempotencyKey}`;
}
