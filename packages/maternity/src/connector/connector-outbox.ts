import type pg from 'pg';
import { inTransaction } from '@dmp/postgres';
import type { MaternityContext } from '../context.js';
import { toPdsmDocument } from '../documents/index.js';
import { MssSendError, type MssSender } from '../mss/index.js';
import { documentCda, loadDocument, type DocumentRow } from '../records/documents.js';
import { loadPatient } from '../records/patients.js';
import type { DepositOutcome, DmpClient } from './dmp-client.js';
import { letterMail, recipientOf } from './letters.js';

/** What the dispatcher needs: where deposits and letters go. */
export interface ConnectorTargets {
  readonly dmp: Pick<DmpClient, 'deposit'>;
  readonly mss: MssSender;
}

interface OutboxRow {
  id: string;
  kind: 'dmp_deposit' | 'mss_letter';
  document_id: string;
  recipient: Buffer | null;
  idempotency_key: string;
  attempts: number;
}

/** Delay before the next attempt: 1 s, 2 s, 4 s... capped at 5 minutes (by default). Nothing is ever dropped. */
export function retryDelayMs(attempts: number, retry: { baseMs: number; capMs: number } = { baseMs: 1000, capMs: 300_000 }): number {
  return Math.min(retry.capMs, retry.baseMs * 2 ** Math.min(attempts, 20));
}

type Result = { kind: 'done'; dmpId?: string } | { kind: 'retry'; reason: string } | { kind: 'failed'; reason: string } | { kind: 'wait'; reason: string };

/**
 * The maternity's durable outbox (DESIGN.md §2.3): deposits to the DMP and MSS letters, each
 * claimed with `FOR UPDATE SKIP LOCKED` in a transaction that records its outcome. A crash before
 * that commit leaves the item pending, so it is sent again: the DMP answers a resent document
 * unique id as the first time (one document, effectively once), and a resent letter carries the same
 * Message-ID. Unreachable or 5xx: retried with backoff, forever, visible to the staff. 4xx: failed,
 * with the DMP's reason, for a person to look at.
 */
export class ConnectorOutbox {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly ctx: MaternityContext,
    private readonly targets: ConnectorTargets,
    private readonly options: { pollMs: number; concurrency?: number; retry?: { baseMs: number; capMs: number }; onLog?: (line: string) => void } = { pollMs: 1000 },
  ) {}

  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.running = this.drain()
        .then(() => undefined)
        .catch((error: unknown) => this.options.onLog?.(`maternity outbox: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.timer = setTimeout(tick, this.options.pollMs);
        });
    };
    tick();
  }

  /** Asks for a pass soon (after new work was queued); nothing when the outbox is not started. */
  nudge(): void {
    if (this.stopped || this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.start(), 10);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Processes due items until none is left; returns how many were handled. */
  async drain(): Promise<number> {
    let handled = 0;
    for (;;) {
      const workers = Array.from({ length: this.options.concurrency ?? 4 }, () => this.processOne());
      const results = await Promise.all(workers);
      const count = results.filter(Boolean).length;
      handled += count;
      if (count === 0) return handled;
    }
  }

  /** Claims one due item and processes it; false when there is none. */
  async processOne(): Promise<boolean> {
    return inTransaction(this.ctx.pool, async (client) => {
      const { rows } = await client.query<OutboxRow>(
        `SELECT id, kind, document_id, recipient, idempotency_key, attempts FROM connector_outbox
          WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [this.ctx.now()],
      );
      const item = rows[0];
      if (!item) return false;
      const result = item.kind === 'dmp_deposit' ? await this.deposit(client, item) : await this.sendLetter(client, item);
      await this.record(client, item, result);
      return true;
    });
  }

  private async deposit(client: pg.PoolClient, item: OutboxRow): Promise<Result> {
    const document = await loadDocument(client, item.document_id, { forUpdate: true });
    let replaces: string | undefined;
    if (document.replaces) {
      const previous = await loadDocument(client, document.replaces);
      if (previous.dmp_status === 'queued') return { kind: 'wait', reason: 'En attente du dépôt de la version précédente' };
      if (previous.dmp_status === 'sent' && previous.dmp_id) replaces = previous.dmp_id;
    }
    const cda = await documentCda(client, this.ctx.masterKey, document.id);
    const visibility = [...(document.masked_to_professionals ? ['MASQUE_PS'] : []), ...(document.invisible_to_patient ? ['INVISIBLE_PATIENT'] : [])];
    const pdsm = { ...toPdsmDocument(document.metadata, cda.toString('utf8'), replaces ? { replacesDocumentReference: replaces } : {}), visibility };
    const author = document.metadata.author;
    const outcome: DepositOutcome = await this.targets.dmp.deposit(pdsm, author);
    if (outcome.kind === 'accepted') return { kind: 'done', ...(outcome.documentReferenceId ? { dmpId: outcome.documentReferenceId } : {}) };
    if (outcome.kind === 'retry') return { kind: 'retry', reason: outcome.reason };
    return { kind: 'failed', reason: `DMP (HTTP ${outcome.status}): ${outcome.reason}` };
  }

  private async sendLetter(client: pg.PoolClient, item: OutboxRow): Promise<Result> {
    if (!item.recipient) return { kind: 'failed', reason: 'destinataire absent' };
    const document: DocumentRow = await loadDocument(client, item.document_id);
    const recipient = recipientOf(item.recipient, this.ctx.masterKey, item.idempotency_key);
    const patient = await loadPatient(client, this.ctx.masterKey, document.patient_id);
    const cda = await documentCda(client, this.ctx.masterKey, document.id);
    const mail = letterMail(this.ctx, { cda, metadata: document.metadata, patient, recipient });
    try {
      await this.targets.mss.send(mail);
      return { kind: 'done' };
    } catch (error) {
      if (error instanceof MssSendError && !error.retryable) return { kind: 'failed', reason: `MSS: ${error.message}` };
      return { kind: 'retry', reason: `MSS: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  private async record(client: pg.PoolClient, item: OutboxRow, result: Result): Promise<void> {
    const now = this.ctx.now();
    if (result.kind === 'done') {
      await client.query("UPDATE connector_outbox SET status = 'done', attempts = attempts + 1, done_at = $2, last_error = NULL WHERE id = $1", [item.id, now]);
      if (item.kind === 'dmp_deposit') {
        await client.query("UPDATE clinical_document SET dmp_status = 'sent', dmp_detail = NULL, dmp_id = $2, dmp_sent_at = $3 WHERE id = $1", [item.document_id, result.dmpId ?? null, now]);
      }
      return;
    }
    if (result.kind === 'failed') {
      await client.query("UPDATE connector_outbox SET status = 'failed', attempts = attempts + 1, last_error = $2, done_at = $3 WHERE id = $1", [item.id, result.reason, now]);
      if (item.kind === 'dmp_deposit') await client.query("UPDATE clinical_document SET dmp_status = 'rejected', dmp_detail = $2 WHERE id = $1", [item.document_id, result.reason]);
      return;
    }
    const attempts = result.kind === 'wait' ? item.attempts : item.attempts + 1;
    const next = new Date(now.getTime() + (result.kind === 'wait' ? Math.min(2000, this.options.retry?.capMs ?? 2000) : retryDelayMs(item.attempts, this.options.retry)));
    await client.query('UPDATE connector_outbox SET attempts = $2, next_attempt_at = $3, last_error = $4 WHERE id = $1', [item.id, attempts, next, result.reason]);
    if (item.kind === 'dmp_deposit') await client.query('UPDATE clinical_document SET dmp_detail = $2 WHERE id = $1', [item.document_id, result.reason]);
  }
}
