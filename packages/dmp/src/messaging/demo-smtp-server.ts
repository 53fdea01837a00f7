import type { AddressObject } from 'mailparser';
import type pg from 'pg';
import { SMTPServer } from 'smtp-server';

/** A running demo SMTP server. */
export interface DemoSmtpServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface DemoSmtpOptions {
  readonly pool: pg.Pool;
  /** Loopback by default: the demo server must not be reachable from elsewhere. */
  readonly host?: string;
  /** 0 (default) lets the system choose. */
  readonly port?: number;
  /** Largest message accepted (default 1 MB). */
  readonly maxBytes?: number;
}

/**
 * The demo's embedded mail server (issue 3 item 3): a real SMTP server (smtp-server) on a loopback
 * port that parses each message it receives (mailparser) and stores it, once per recipient, in
 * `demo_mailbox`, where the demo shows it (`readDemoMailbox`). The host sends to it through the
 * same SMTP transport it would use for a real relay: only the configured host and port differ.
 */
export async function startDemoSmtpServer(options: DemoSmtpOptions): Promise<DemoSmtpServer> {
  const host = options.host ?? '127.0.0.1';
  const maxBytes = options.maxBytes ?? 1_000_000;
  const server = new SMTPServer({
    name: 'demo-mailbox.localhost',
    banner: 'DMP demo mailbox',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: maxBytes,
    logger: false,
    onData(stream, session, callback) {
      // mailparser is loaded with the first message: a host that sends none never loads it
      import('mailparser')
        .then(({ simpleParser }) => simpleParser(stream))
        .then(async (mail) => {
          if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) throw Object.assign(new Error('message too large'), { responseCode: 552 });
          const recipients = session.envelope.rcptTo.map((r) => r.address);
          const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : addressText(mail.from);
          for (const recipient of recipients) {
            await options.pool.query('INSERT INTO demo_mailbox (message_id, sender, recipient, subject, text) VALUES ($1, $2, $3, $4, $5)', [
              mail.messageId ?? null,
              sender,
              recipient,
              mail.subject ?? '',
              (mail.text ?? '') + attachmentLines(mail.attachments),
            ]);
          }
        })
        .then(
          () => callback(),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Errors on a client connection must not crash the process.
  server.on('error', () => undefined);
  const address = server.server.address();
  const port = address && typeof address === 'object' ? address.port : (options.port ?? 0);
  return {
    host,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function addressText(from: AddressObject | undefined): string {
  return from?.value[0]?.address ?? '';
}

/** The attachments of a message as lines under its text (the demo inbox shows names and sizes, not contents). */
function attachmentLines(attachments: readonly { filename?: string; contentType: string; size: number }[]): string {
  return attachments.map((a) => `\n[pièce jointe : ${a.filename ?? 'sans nom'}, ${a.contentType}, ${a.size} octets]`).join('');
}
