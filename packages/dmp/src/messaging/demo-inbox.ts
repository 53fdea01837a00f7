import type { Queryable } from '../records/record-repository.js';

/** A mail the demo SMTP server received. */
export interface DemoMail {
  readonly id: number;
  readonly messageId: string | null;
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly receivedAt: Date;
}

/** An SMS the demo gateway kept. */
export interface DemoSms {
  readonly id: number;
  readonly to: string;
  readonly text: string;
  readonly sentAt: Date;
}

export interface InboxQuery {
  /** Only messages to this address / number (e-mail: case-insensitive). */
  readonly recipient?: string;
  /** Most messages returned (default 20, at most 200). */
  readonly limit?: number;
}

/** The demo mailbox, latest first (for the `demo inbox` CLI command and the demo page). */
export async function readDemoMailbox(db: Queryable, query: InboxQuery = {}): Promise<DemoMail[]> {
  const limit = Math.min(Math.max(query.limit ?? 20, 1), 200);
  const result = await db.query<{ id: string; message_id: string | null; sender: string; recipient: string; subject: string; text: string; received_at: Date }>(
    `SELECT id, message_id, sender, recipient, subject, text, received_at FROM demo_mailbox
      WHERE ($1::text IS NULL OR lower(recipient) = lower($1)) ORDER BY received_at DESC, id DESC LIMIT $2`,
    [query.recipient ?? null, limit],
  );
  return result.rows.map((r) => ({ id: Number(r.id), messageId: r.message_id, from: r.sender, to: r.recipient, subject: r.subject, text: r.text, receivedAt: r.received_at }));
}

/** The demo SMS gateway's outbox, latest first. */
export async function readDemoSms(db: Queryable, query: InboxQuery = {}): Promise<DemoSms[]> {
  const limit = Math.min(Math.max(query.limit ?? 20, 1), 200);
  const result = await db.query<{ id: string; recipient: string; text: string; sent_at: Date }>(
    `SELECT id, recipient, text, sent_at FROM demo_sms WHERE ($1::text IS NULL OR recipient = $1) ORDER BY sent_at DESC, id DESC LIMIT $2`,
    [query.recipient ?? null, limit],
  );
  return result.rows.map((r) => ({ id: Number(r.id), to: r.recipient, text: r.text, sentAt: r.sent_at }));
}
