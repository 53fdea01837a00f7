import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.js';
import {
  DemoSmsGateway,
  enqueueMessage,
  messageStatus,
  OutboxDispatcher,
  readDemoMailbox,
  readDemoSms,
  SmtpEmailSender,
  startDemoSmtpServer,
  type DemoSmtpServer,
} from '../src/messaging/index.js';
import { freshDatabase } from './test-database.js';

const masterKey = randomBytes(32);
const from = '"DMP" <no-reply@dmp.localhost>';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 1;
}

/** The outbox, its dispatcher, real SMTP to the demo mail server, and the demo SMS gateway. */
describe('messaging', () => {
  let db: Database & { drop(): Promise<void> };
  let smtp: DemoSmtpServer;
  beforeAll(async () => {
    db = await freshDatabase();
    smtp = await startDemoSmtpServer({ pool: db.pool });
  });
  afterAll(async () => {
    await smtp?.close();
    await db?.drop();
  });

  it('delivers an e-mail through SMTP into the demo mailbox, and keeps recipient and body sealed at rest', async () => {
    const sender = new SmtpEmailSender({ host: smtp.host, port: smtp.port, from });
    const dispatcher = new OutboxDispatcher({ pool: db.pool, masterKey, email: sender, sms: new DemoSmsGateway(db.pool) });
    expect(await enqueueMessage(db.pool, masterKey, { channel: 'email', recipient: 'Julien.Moreau@example.org', subject: 'Bonjour', body: 'Votre code : 123456', idempotencyKey: 'test:first' })).toBe(true);
    const stored = await db.pool.query<{ recipient: Buffer; body: Buffer }>("SELECT recipient, body FROM message_outbox WHERE idempotency_key = 'test:first'");
    expect(stored.rows[0]!.recipient.toString('latin1')).not.toContain('julien');
    expect(stored.rows[0]!.body.toString('latin1')).not.toContain('123456');
    expect(await dispatcher.dispatchDue()).toEqual({ sent: 1, retried: 0, failed: 0 });
    const inbox = await readDemoMailbox(db.pool, { recipient: 'julien.moreau@example.org' });
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ subject: 'Bonjour', from: 'no-reply@dmp.localhost', messageId: '<test.first@dmp.outbox>' });
    expect(inbox[0]!.text.trim()).toBe('Votre code : 123456');
    expect(await messageStatus(db.pool, 'test:first')).toMatchObject({ status: 'sent', attempts: 1 });
    sender.close();
  });

  it('shows the attachments of a message in the demo mailbox by name, type and size', async () => {
    const { createTransport } = await import('nodemailer');
    const transport = createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true });
    await transport.sendMail({ from: 'maternite@example.org', to: 'dr.lefevre@example.org', subject: 'Lettre de liaison', text: 'Ci-joint.', attachments: [{ filename: 'IHE_XDM.ZIP', content: Buffer.alloc(1234, 1), contentType: 'application/zip' }] });
    transport.close();
    const [mail] = await readDemoMailbox(db.pool, { recipient: 'dr.lefevre@example.org' });
    expect(mail!.text).toContain('[pièce jointe : IHE_XDM.ZIP, application/zip, 1234 octets]');
  });

  it('retries while SMTP is down, then sends exactly once; the same idempotency key is queued once', async () => {
    let clock = new Date('2030-01-01T10:00:00Z');
    const now = (): Date => clock;
    const down = new SmtpEmailSender({ host: '127.0.0.1', port: await closedPort(), from, timeoutMs: 1_000 });
    const recipient = 'retry@example.org';
    const message = { channel: 'email' as const, recipient, subject: 'Retry', body: 'once', idempotencyKey: 'test:retry' };
    expect(await enqueueMessage(db.pool, masterKey, message, clock)).toBe(true);
    expect(await enqueueMessage(db.pool, masterKey, message, clock)).toBe(false);
    const errors: unknown[] = [];
    const failing = new OutboxDispatcher({ pool: db.pool, masterKey, email: down, sms: new DemoSmsGateway(db.pool), now, onError: (e) => errors.push(e) });
    expect(await failing.dispatchDue()).toEqual({ sent: 0, retried: 1, failed: 0 });
    expect(errors).toHaveLength(1);
    const status = await messageStatus(db.pool, 'test:retry');
    expect(status).toMatchObject({ status: 'pending', attempts: 1 });
    expect(status!.lastError).toMatch(/ECONNREFUSED/);
    // not due before the backoff
    expect(await failing.dispatchDue()).toEqual({ sent: 0, retried: 0, failed: 0 });
    clock = new Date(clock.getTime() + 6_000);
    expect(await failing.dispatchDue()).toEqual({ sent: 0, retried: 1, failed: 0 });
    // the server is back (the transport now points at it)
    clock = new Date(clock.getTime() + 60_000);
    const up = new SmtpEmailSender({ host: smtp.host, port: smtp.port, from });
    const working = new OutboxDispatcher({ pool: db.pool, masterKey, email: up, sms: new DemoSmsGateway(db.pool), now });
    expect(await working.dispatchDue()).toEqual({ sent: 1, retried: 0, failed: 0 });
    clock = new Date(clock.getTime() + 3_600_000);
    expect(await working.dispatchDue()).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(await readDemoMailbox(db.pool, { recipient })).toHaveLength(1);
    expect(await messageStatus(db.pool, 'test:retry')).toMatchObject({ status: 'sent', attempts: 3 });
    down.close();
    up.close();
  });

  it('marks a message failed after the last attempt', async () => {
    const down = new SmtpEmailSender({ host: '127.0.0.1', port: await closedPort(), from, timeoutMs: 1_000 });
    const dispatcher = new OutboxDispatcher({ pool: db.pool, masterKey, email: down, sms: new DemoSmsGateway(db.pool), maxAttempts: 2, backoffMs: () => 0 });
    await enqueueMessage(db.pool, masterKey, { channel: 'email', recipient: 'never@example.org', subject: 'x', body: 'x', idempotencyKey: 'test:fail' });
    await dispatcher.dispatchDue();
    await dispatcher.dispatchDue();
    const status = await messageStatus(db.pool, 'test:fail');
    expect(status).toMatchObject({ status: 'failed', attempts: 2 });
    expect(status!.lastError).not.toContain('never@example.org');
    down.close();
  });

  it('sends SMS through the demo gateway, and concurrent dispatchers send each message once (SKIP LOCKED)', async () => {
    const gateway = new DemoSmsGateway(db.pool);
    const sender = new SmtpEmailSender({ host: smtp.host, port: smtp.port, from });
    for (let i = 0; i < 30; i += 1) {
      await enqueueMessage(db.pool, masterKey, { channel: 'sms', recipient: '+33612345678', body: `SMS ${i}`, idempotencyKey: `test:sms:${i}` });
    }
    const dispatchers = Array.from({ length: 3 }, () => new OutboxDispatcher({ pool: db.pool, masterKey, email: sender, sms: gateway, batchSize: 5 }));
    const results = await Promise.all(dispatchers.map((d) => d.dispatchDue()));
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(30);
    const sms = await readDemoSms(db.pool, { recipient: '+33612345678', limit: 100 });
    expect(sms).toHaveLength(30);
    expect(new Set(sms.map((s) => s.text)).size).toBe(30);
    sender.close();
  });

  it('start() polls and kick() sends at once; stop() waits for the pass in flight', async () => {
    const sender = new SmtpEmailSender({ host: smtp.host, port: smtp.port, from });
    const dispatcher = new OutboxDispatcher({ pool: db.pool, masterKey, email: sender, sms: new DemoSmsGateway(db.pool), pollIntervalMs: 50 });
    dispatcher.start();
    await enqueueMessage(db.pool, masterKey, { channel: 'email', recipient: 'polled@example.org', subject: 'Polled', body: 'hello', idempotencyKey: 'test:polled' });
    dispatcher.kick();
    await expect.poll(async () => (await readDemoMailbox(db.pool, { recipient: 'polled@example.org' })).length, { timeout: 5_000 }).toBe(1);
    await dispatcher.stop();
    sender.close();
  });
});
