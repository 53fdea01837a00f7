import type { Transporter } from 'nodemailer';

/** One e-mail to send. */
export interface EmailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** Stable across retries, so the receiving side can drop duplicates. */
  readonly messageId: string;
}

/** Sends e-mail. The host sends through SMTP; tests and other transports implement the same. */
export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
  close?(): void;
}

/** Where and as whom the host sends e-mail. */
export interface SmtpConfig {
  readonly host: string;
  readonly port: number;
  /** The From address, e.g. `"Mon espace santé (DMP)" <no-reply@dmp.localhost>`. */
  readonly from: string;
  /** Implicit TLS (port 465). Otherwise STARTTLS is used when the server offers it. */
  readonly secure?: boolean;
  /** Refuse to send without STARTTLS (production relays). */
  readonly requireTls?: boolean;
  readonly auth?: { readonly user: string; readonly pass: string };
  /** Give up a connection attempt after this many ms (default 5,000). */
  readonly timeoutMs?: number;
}

/**
 * Sends e-mail through an SMTP server with nodemailer (a real relay in production, the embedded
 * demo server in the demo). A failure (server down, refused) rejects, and the outbox retries.
 */
export class SmtpEmailSender implements EmailSender {
  /** Created on the first message: nodemailer is loaded only by a host that sends mail. */
  private transport: Promise<Transporter> | undefined;

  constructor(private readonly config: SmtpConfig) {}

  private async createTransport(): Promise<Transporter> {
    const { config } = this;
    const timeout = config.timeoutMs ?? 5_000;
    const { default: nodemailer } = await import('nodemailer');
    return nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure ?? false,
      requireTLS: config.requireTls ?? false,
      ...(config.auth ? { auth: { user: config.auth.user, pass: config.auth.pass } } : {}),
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout * 2,
      // The demo server on loopback has a self-signed certificate, if any.
      tls: { rejectUnauthorized: config.requireTls ?? false },
    });
  }

  async send(message: EmailMessage): Promise<void> {
    this.transport ??= this.createTransport();
    await (await this.transport).sendMail({
      from: this.config.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      messageId: message.messageId,
    });
  }

  close(): void {
    void this.transport?.then((transport) => transport.close());
  }
}
