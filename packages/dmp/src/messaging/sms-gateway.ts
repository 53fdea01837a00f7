import type { Queryable } from '../records/record-repository.js';

/** One SMS to send. */
export interface SmsMessage {
  /** E.164, e.g. +33612345678. */
  readonly to: string;
  readonly text: string;
  /** Stable across retries, so a gateway can drop duplicates. */
  readonly messageId: string;
}

/**
 * An SMS gateway (DESIGN.md §1: a simulated national service behind an interface). A real
 * deployment implements this over its operator's HTTPS API and configures it instead of the demo one.
 */
export interface SmsGateway {
  send(message: SmsMessage): Promise<void>;
}

/**
 * The demo's SMS gateway: keeps every SMS in the table `demo_sms` so the demo can show them
 * (`readDemoSms`). Idempotent on the message id.
 */
export class DemoSmsGateway implements SmsGateway {
  constructor(private readonly db: Queryable) {}

  async send(message: SmsMessage): Promise<void> {
    await this.db.query('INSERT INTO demo_sms (message_id, recipient, text) VALUES ($1, $2, $3) ON CONFLICT (message_id) DO NOTHING', [
      message.messageId,
      message.to,
      message.text,
    ]);
  }
}
