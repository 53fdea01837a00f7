import { sql, type Kysely } from 'kysely';

/**
 * The durable outbox of outgoing messages (DESIGN.md §2.3): e-mails and SMS are enqueued in the
 * caller's transaction and sent by the dispatcher, with retries and an idempotency key each.
 * Recipient and body are sealed under the master key (they may carry personal data); the subject
 * is plain text and must not carry any.
 *
 * `demo_mailbox` and `demo_sms` are the demo's embedded SMTP server's inbox and the demo SMS
 * gateway's outbox (a real deployment configures a real SMTP relay and SMS gateway and leaves them empty).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE message_outbox (
      id               uuid PRIMARY KEY,
      channel          text NOT NULL CHECK (channel IN ('email', 'sms')),
      recipient        bytea NOT NULL,               -- sealed
      subject          text NOT NULL DEFAULT '',
      body             bytea NOT NULL,               -- sealed
      status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
      attempts         integer NOT NULL DEFAULT 0,
      next_attempt_at  timestamptz NOT NULL,
      last_error       text,
      idempotency_key  text NOT NULL UNIQUE,
      created_at       timestamptz NOT NULL,
      sent_at          timestamptz
    );
    CREATE INDEX message_outbox_due ON message_outbox (next_attempt_at) WHERE status = 'pending';

    CREATE TABLE demo_mailbox (
      id           bigserial PRIMARY KEY,
      message_id   text,
      sender       text NOT NULL,
      recipient    text NOT NULL,
      subject      text NOT NULL,
      text         text NOT NULL,
      received_at  timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX demo_mailbox_by_recipient ON demo_mailbox (lower(recipient), received_at DESC);

    CREATE TABLE demo_sms (
      id           bigserial PRIMARY KEY,
      message_id   text UNIQUE,
      recipient    text NOT NULL,
      text         text NOT NULL,
      sent_at      timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX demo_sms_by_recipient ON demo_sms (recipient, sent_at DESC);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE demo_sms, demo_mailbox, message_outbox`.execute(db);
}
