import type pg from 'pg';
import { inTransaction } from '../db/database.js';
import type { EmailSender } from './email-sender.js';
import { openMessage, type OutboxRow, type QueuedMessage } from './message-outbox.js';
import type { SmsGateway } from './sms-gateway.js';

export interface OutboxDispatcherOptions {
  readonly pool: pg.Pool;
  readonly masterKey: Buffer;
  readonly email: EmailSender;
  readonly sms: SmsGateway;
  /** How often to look for due messages (default 2,000 ms). `kick()` looks at once. */
  readonly pollIntervalMs?: number;
  /** Attempts before a message is marked failed (default 8). */
  readonly maxAttempts?: number;
  /** Delay before the retry that follows attempt `n` (1-based); default 5 s doubling, at most 15 min. */
  readonly backoffMs?: (attempt: number) => number;
  /** Messages taken in one transaction (default 20). */
  readonly batchSize?: number;
  readonly now?: () => Date;
  /** Told about each failed attempt (never with the message's content). */
  readonly onError?: (error: unknown, messageId: string) => void;
}

/** What one pass did. */
export interface DispatchResult {
  readonly sent: number;
  readonly retried: number;
  readonly failed: number;
}

/** The default backoff: 5 s, 10 s, 20 s... capped at 15 minutes. */
export function exponentialBackoff(attempt: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, attempt - 1), 15 * 60_000);
}

/**
 * Sends what the outbox holds (DESIGN.md §2.3). Each pass takes due pending messages with
 * `FOR UPDATE SKIP LOCKED` (several dispatchers, in one or many processes, never take the same
 * message), sends them, and in the same transaction marks each sent, or schedules its retry with
 * exponential backoff, or marks it failed after `maxAttempts`. Delivery is at least once: a crash
 * between a send and the commit sends again, with the same Message-ID (the idempotency key), which
 * receivers use to drop the duplicate.
 *
 * @example
 * const dispatcher = new OutboxDispatcher({ pool, masterKey, email: new SmtpEmailSender(smtp), sms: new DemoSmsGateway(pool) });
 * dispatcher.start();
 * await enqueueMessage(pool, masterKey, message);
 * dispatcher.kick();
 * // on shutdown
 * await dispatcher.stop();
 */
export class OutboxDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private started = false;
  private readonly now: () => Date;

  constructor(private readonly options: OutboxDispatcherOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Starts polling. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule();
    this.kick();
  }

  /** Stops polling and waits for the pass in flight. */
  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Looks for due messages now (e.g. right after enqueueing a one-time code). */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves once the pass in flight (if any) has finished: for tests. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** One pass: sends every due message, batch after batch. */
  async dispatchDue(): Promise<DispatchResult> {
    let total = { sent: 0, retried: 0, failed: 0 };
    for (;;) {
      const batch = await this.dispatchBatch();
      total = { sent: total.sent + batch.sent, retried: total.retried + batch.retried, failed: total.failed + batch.failed };
      if (batch.sent + batch.retried + batch.failed < (this.options.batchSize ?? 20)) return total;
    }
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.dispatchDue();
      } catch (error) {
        this.options.onError?.(error, '');
      }
    } while (this.again && this.started);
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      if (!this.started) return;
      this.kick();
      this.schedule();
    }, this.options.pollIntervalMs ?? 2_000);
    this.timer.unref();
  }

  private async dispatchBatch(): Promise<DispatchResult> {
    const { pool, masterKey } = this.options;
    const maxAttempts = this.options.maxAttempts ?? 8;
    const backoff = this.options.backoffMs ?? exponentialBackoff;
    return inTransaction(pool, async (client) => {
      const now = this.now();
      const due = await client.query<OutboxRow>(
        `SELECT id, channel, recipient, subject, body, attempts, idempotency_key FROM message_outbox
          WHERE status = 'pending' AND next_attempt_at <= $1
          ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, this.options.batchSize ?? 20],
      );
      const result = { sent: 0, retried: 0, failed: 0 };
      const outcomes = await Promise.all(
        due.rows.map(async (row) => {
          try {
            await this.send(openMessage(row, masterKey));
            return { row, error: undefined };
          } catch (error) {
            this.options.onError?.(error, row.id);
            return { row, error: error instanceof Error ? error : new Error(String(error)) };
          }
        }),
      );
      for (const { row, error } of outcomes) {
        const attempts = row.attempts + 1;
        if (!error) {
          await client.query(`UPDATE message_outbox SET status = 'sent', attempts = $2, sent_at = $3, last_error = NULL WHERE id = $1`, [row.id, attempts, this.now()]);
          result.sent += 1;
        } else if (attempts >= maxAttempts) {
          await client.query(`UPDATE message_outbox SET status = 'failed', attempts = $2, last_error = $3 WHERE id = $1`, [row.id, attempts, describe(error)]);
          result.failed += 1;
        } else {
          const next = new Date(this.now().getTime() + backoff(attempts));
          await client.query(`UPDATE message_outbox SET attempts = $2, last_error = $3, next_attempt_at = $4 WHERE id = $1`, [row.id, attempts, describe(error), next]);
          result.retried += 1;
        }
      }
      return result;
    });
  }

  private async send(message: QueuedMessage): Promise<void> {
    const messageId = `<${message.idempotencyKey.replace(/[^A-Za-z0-9._-]/g, '.')}@dmp.outbox>`;
    if (message.channel === 'email') {
      await this.options.email.send({ to: message.recipient, subject: message.subject, text: message.body, messageId });
    } else {
      await this.options.sms.send({ to: message.recipient, text: message.body, messageId });
    }
  }
}

/** The error as stored in `last_error`: its kind and code, bounded, without the message's content. */
function describe(error: Error): string {
  const code = (error as Error & { code?: unknown }).code;
  const text = `${error.name}${typeof code === 'string' ? ` ${code}` : ''}: ${error.message}`;
  // Servers quote the recipient in their refusals: keep addresses and numbers out of the table.
  return text.replace(/[^\s<>"']+@[^\s<>"']+/g, '<address>').replace(/\+?\d[\d .-]{7,}\d/g, '<number>').slice(0, 500);
}
