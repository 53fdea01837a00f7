/**
 * Sending MSSanté messages through SMTP (DOMAIN.md §5: standard SMTP over TLS to the operator's
 * server), with failures sorted into those worth retrying and those that are not.
 */
import { isIP } from 'node:net';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { SMTPSentMessageInfo, SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';

/** The result of a send: what the server accepted and what it refused. */
export interface MssSendResult {
  readonly messageId: string;
  readonly accepted: string[];
  readonly rejected: string[];
}

/** Sends one MSSanté message. The SMTP implementation below; tests and outboxes implement the same. */
export interface MssSender {
  send(mail: SendMailOptions): Promise<MssSendResult>;
  close?(): void;
}

/** What went wrong, coarsely. */
export type MssFailure = 'connection' | 'timeout' | 'dns' | 'tls' | 'auth' | 'rejected' | 'protocol' | 'other';

/**
 * A send that failed. `retryable` says whether sending the same message again later may succeed:
 * true for connection failures, timeouts and 4xx replies (RFC 5321 §4.2.1 transient negative
 * completion, and 503, a session-state error); false for 5xx replies (a rejected recipient
 * included), TLS and authentication failures and configuration errors, which need a person.
 *
 * The message names the failure and the SMTP reply code only: the server's text, which may quote
 * the recipient's address (a patient's INS), stays in `cause`.
 */
export class MssSendError extends Error {
  override readonly name = 'MssSendError';
  constructor(
    readonly failure: MssFailure,
    readonly retryable: boolean,
    readonly responseCode?: number,
    options?: { cause?: unknown },
  ) {
    super(`MSS send failed: ${failure}${responseCode === undefined ? '' : ` (SMTP ${responseCode})`}${retryable ? ', retryable' : ''}`, options);
  }
}

const RETRYABLE_CODES: Readonly<Record<string, MssFailure>> = {
  ECONNECTION: 'connection',
  ESOCKET: 'connection',
  ECONNREFUSED: 'connection',
  ECONNRESET: 'connection',
  EHOSTUNREACH: 'connection',
  ENETUNREACH: 'connection',
  EPIPE: 'connection',
  ETIMEDOUT: 'timeout',
  EDNS: 'dns',
  EAI_AGAIN: 'dns',
};

const PERMANENT_CODES: Readonly<Record<string, MssFailure>> = {
  ETLS: 'tls',
  EAUTH: 'auth',
  ENOAUTH: 'auth',
  EENVELOPE: 'rejected',
  EMESSAGE: 'rejected',
  EPROTOCOL: 'protocol',
};

/** Node's codes for a certificate that fails verification (expired, self-signed, wrong name, unknown issuer...). */
const TLS_VERIFICATION = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME|^ERR_SSL_|^ERR_TLS_/;

/** Sorts any error from nodemailer (or the socket under it) into an `MssSendError`. */
export function classifySmtpFailure(error: unknown): MssSendError {
  if (error instanceof MssSendError) return error;
  const fields = typeof error === 'object' && error !== null ? (error as { code?: unknown; responseCode?: unknown; originalCode?: unknown }) : {};
  const code = typeof fields.code === 'string' ? fields.code : undefined;
  // nodemailer reports a refused certificate as a socket error; the TLS reason is in originalCode.
  if (typeof fields.originalCode === 'string' && TLS_VERIFICATION.test(fields.originalCode)) {
    return new MssSendError('tls', false, undefined, { cause: error });
  }
  const responseCode = typeof fields.responseCode === 'number' ? fields.responseCode : undefined;
  const options = { cause: error };

  if (responseCode !== undefined && responseCode >= 400 && responseCode < 600) {
    const failure = (code === undefined ? undefined : (RETRYABLE_CODES[code] ?? PERMANENT_CODES[code])) ?? 'rejected';
    const transient = responseCode < 500 || responseCode === 503;
    return new MssSendError(failure, transient, responseCode, options);
  }
  if (code !== undefined) {
    const retryable = RETRYABLE_CODES[code];
    if (retryable !== undefined) return new MssSendError(retryable, true, undefined, options);
    const permanent = PERMANENT_CODES[code];
    if (permanent !== undefined) return new MssSendError(permanent, false, undefined, options);
  }
  return new MssSendError('other', false, undefined, options);
}

/** How to reach the MSS operator's SMTP server. */
export interface SmtpMssConfig {
  readonly host: string;
  readonly port: number;
  /**
   * `tls`: implicit TLS (port 465); `starttls`: plain connection upgraded by STARTTLS, which is
   * required (no fallback to clear text); `none`: clear text, refused unless the host is the
   * loopback (tests, the demo's embedded server). Health data never travels in the clear.
   */
  readonly security: 'tls' | 'starttls' | 'none';
  readonly auth?: { readonly user: string; readonly pass: string };
  /** Trust anchors for the server's certificate (PEM), e.g. the IGC-Santé roots; the system's otherwise. */
  readonly ca?: string | readonly string[];
  /** Client certificate and key (PEM), when the operator authenticates the sender by certificate. */
  readonly clientCertificate?: { readonly cert: string; readonly key: string };
  /** Name to check in the server's certificate, when it is not `host`. */
  readonly servername?: string;
  /** Name the client gives in EHLO. */
  readonly clientName?: string;
  /** Milliseconds; defaults 10 s to connect, 10 s for the greeting, 60 s of socket inactivity. */
  readonly timeouts?: { readonly connectMs?: number; readonly greetingMs?: number; readonly socketMs?: number };
}

/**
 * Sends MSSanté messages through an SMTP server with nodemailer, one connection per message.
 * Failures reject with `MssSendError` (see there for what is retryable). A message some of whose
 * recipients were refused resolves, listing them in `rejected`; a message all of whose recipients
 * were refused rejects (one recipient per message, as `buildLetterMail` builds them, is the rule).
 */
export class SmtpMssSender implements MssSender {
  private readonly transport: Transporter<SMTPSentMessageInfo, SMTPTransportOptions>;

  constructor(config: SmtpMssConfig) {
    if (config.security === 'none' && !isLoopback(config.host)) {
      throw new RangeError('MSS messages carry health data: clear-text SMTP is allowed only to the loopback');
    }
    const tls = {
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2' as const,
      ...(config.ca === undefined ? {} : { ca: typeof config.ca === 'string' ? config.ca : [...config.ca] }),
      ...(config.clientCertificate === undefined ? {} : { cert: config.clientCertificate.cert, key: config.clientCertificate.key }),
      ...(config.servername === undefined ? {} : { servername: config.servername }),
    };
    this.transport = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.security === 'tls',
      requireTLS: config.security === 'starttls',
      ignoreTLS: config.security === 'none',
      ...(config.auth === undefined ? {} : { auth: { user: config.auth.user, pass: config.auth.pass } }),
      ...(config.clientName === undefined ? {} : { name: config.clientName }),
      connectionTimeout: config.timeouts?.connectMs ?? 10_000,
      greetingTimeout: config.timeouts?.greetingMs ?? 10_000,
      socketTimeout: config.timeouts?.socketMs ?? 60_000,
      tls,
      logger: false,
    });
  }

  /** Sends one message; rejects with `MssSendError`. */
  async send(mail: SendMailOptions): Promise<MssSendResult> {
    try {
      const info = await this.transport.sendMail(mail);
      return {
        messageId: info.messageId,
        accepted: [...info.accepted],
        rejected: [...info.rejected],
      };
    } catch (error) {
      throw classifySmtpFailure(error);
    }
  }

  close(): void {
    this.transport.close();
  }
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '[::1]';
}
