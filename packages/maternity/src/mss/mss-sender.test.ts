import 'reflect-metadata';
import { once } from 'node:events';
import { webcrypto } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import * as x509 from '@peculiar/x509';
import { unzipSync } from 'fflate';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildLetterMail, letterMessageId } from './mss-message.js';
import { MssSendError, SmtpMssSender, classifySmtpFailure, type SmtpMssConfig } from './mss-sender.js';
import { letterRecipients } from './recipients.js';
import { LDL_SES_EXAMPLE, MATERNITY, submission } from './test-support/fixtures.js';
import { buildXdmPackage } from './xdm-package.js';

/**
 * Real SMTP round trips on the loopback: an in-process smtp-server on 127.0.0.1, port 0, messages
 * parsed with mailparser.
 */

interface Received {
  readonly rcptTo: string[];
  readonly mail: ParsedMail;
}

interface TestServer {
  readonly port: number;
  readonly received: Received[];
  close(): Promise<void>;
}

const servers: TestServer[] = [];
const senders: SmtpMssSender[] = [];

afterEach(async () => {
  for (const sender of senders.splice(0)) sender.close();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function startServer(options: SMTPServerOptions = {}): Promise<TestServer> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push({ rcptTo: session.envelope.rcptTo.map((r) => r.address), mail });
          callback();
        },
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
    ...options,
  });
  server.on('error', () => undefined);
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;
  const test: TestServer = { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  servers.push(test);
  return test;
}

function sender(config: Partial<SmtpMssConfig> & { port: number }): SmtpMssSender {
  const smtp = new SmtpMssSender({ host: '127.0.0.1', security: 'none', timeouts: { connectMs: 2_000, greetingMs: 2_000, socketMs: 5_000 }, ...config });
  senders.push(smtp);
  return smtp;
}

function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

async function failure(promise: Promise<unknown>): Promise<MssSendError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof MssSendError)) throw new Error(`expected an MssSendError, got ${String(error)}`);
  return error;
}

const NIR = '295109912611193';
const xdmZip = buildXdmPackage(submission());
const documentUniqueId = submission().documents[0]?.uniqueId ?? '';
const { recipients } = letterRecipients({
  medecinTraitant: { nationalId: '810000000001' },
  referringPractitioner: { nationalId: '810000000002' },
  patient: { ins: { value: NIR, oid: '1.2.250.1.213.1.4.8', identityStatus: 'QUAL' } },
  maskedToProfessionals: false,
  invisibleToPatient: false,
  directory: new Map([
    ['810000000001', 'paul.generaliste@medecin.mssante.fr'],
    ['810000000002', 'anne.gyneco@hopital.mssante.fr'],
  ]),
});
const mails = recipients.map((recipient) =>
  buildLetterMail({ from: { name: MATERNITY.name, address: MATERNITY.mss }, recipient, patientName: 'Marie MARTIN', documentUniqueId, xdmZip }),
);

describe('SmtpMssSender: a real SMTP round trip', () => {
  it('delivers one message per recipient whose attachment unzips to the same bytes', async () => {
    const server = await startServer();
    const smtp = sender({ port: server.port });
    for (const mail of mails) {
      const result = await smtp.send(mail);
      expect(result.accepted).toEqual([mail.to]);
      expect(result.rejected).toEqual([]);
      expect(result.messageId).toBe(mail.messageId);
    }
    expect(server.received.map((r) => r.rcptTo)).toEqual(recipients.map((r) => [r.address]));
    for (const [index, { mail }] of server.received.entries()) {
      const recipient = recipients[index];
      if (recipient === undefined) throw new Error('no recipient');
      expect(mail.messageId).toBe(letterMessageId(documentUniqueId, recipient.address, MATERNITY.mss));
      expect(mail.from?.value[0]?.address).toBe(MATERNITY.mss);
      expect(mail.subject).toBe(`Lettre de liaison de sortie - ${MATERNITY.name}`);
      expect(mail.text).toContain('Lettre de liaison de sortie de Marie MARTIN.');
      expect(mail.headers.get('disposition-notification-to')).toBeDefined();
      expect(mail.attachments).toHaveLength(1);
      const [attachment] = mail.attachments;
      expect(attachment?.filename).toBe('IHE_XDM.ZIP');
      expect(attachment?.contentType).toBe('application/zip');
      const bytes = new Uint8Array(attachment?.content ?? Buffer.alloc(0));
      expect(bytes).toEqual(xdmZip);
      expect(unzipSync(bytes)['IHE_XDM/SUBSET01/DOC00001.XML']).toEqual(LDL_SES_EXAMPLE);
    }
  });

  it('sends a retried message with the same Message-ID', async () => {
    const server = await startServer();
    const smtp = sender({ port: server.port });
    const [first] = recipients;
    if (first === undefined) throw new Error('no recipient');
    const build = (): ReturnType<typeof buildLetterMail> =>
      buildLetterMail({ from: { name: MATERNITY.name, address: MATERNITY.mss }, recipient: first, patientName: 'Marie MARTIN', documentUniqueId, xdmZip });
    await smtp.send(build());
    await smtp.send(build());
    expect(server.received).toHaveLength(2);
    expect(server.received[0]?.mail.messageId).toBe(server.received[1]?.mail.messageId);
  });
});

describe('SmtpMssSender: failures', () => {
  const [mail] = mails;
  if (mail === undefined) throw new Error('no mail');

  it('a 4xx reply to the recipient is retryable', async () => {
    const server = await startServer({ onRcptTo: (_address, _session, callback) => callback(smtpError(451, 'try again later')) });
    const error = await failure(sender({ port: server.port }).send(mail));
    expect(error).toMatchObject({ retryable: true, responseCode: 451, failure: 'rejected' });
    expect(error.message).not.toContain('@');
  });

  it('a 4xx reply to the data is retryable', async () => {
    const server = await startServer({ onData: (stream, _session, callback) => {
      stream.resume();
      stream.on('end', () => callback(smtpError(452, 'insufficient storage')));
    } });
    expect(await failure(sender({ port: server.port }).send(mail))).toMatchObject({ retryable: true, responseCode: 452 });
  });

  it('a 5xx reply (rejected recipient) is permanent', async () => {
    const server = await startServer({ onRcptTo: (_address, _session, callback) => callback(smtpError(550, 'no such mailbox')) });
    const error = await failure(sender({ port: server.port }).send(mail));
    expect(error).toMatchObject({ retryable: false, responseCode: 550, failure: 'rejected' });
    expect(server.received).toEqual([]);
  });

  it('a 5xx reply to the sender is permanent', async () => {
    const server = await startServer({ onMailFrom: (_address, _session, callback) => callback(smtpError(553, 'sender not allowed')) });
    expect(await failure(sender({ port: server.port }).send(mail))).toMatchObject({ retryable: false, responseCode: 553 });
  });

  it('a closed port is retryable', async () => {
    const probe = net.createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    expect(await failure(sender({ port }).send(mail))).toMatchObject({ retryable: true, failure: 'connection' });
  });

  it('a server that never greets is a retryable timeout', async () => {
    const silent = net.createServer(() => undefined);
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address() as AddressInfo;
    try {
      const error = await failure(sender({ port, timeouts: { connectMs: 500, greetingMs: 300, socketMs: 1_000 } }).send(mail));
      expect(error).toMatchObject({ retryable: true, failure: 'timeout' });
    } finally {
      for (const smtp of senders.splice(0)) smtp.close();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('classifies errors that carry neither a code nor a reply as permanent', () => {
    expect(classifySmtpFailure(new Error('boom'))).toMatchObject({ failure: 'other', retryable: false });
    expect(classifySmtpFailure(Object.assign(new Error('x'), { code: 'EAUTH', responseCode: 535 }))).toMatchObject({ failure: 'auth', retryable: false });
    expect(classifySmtpFailure(Object.assign(new Error('x'), { code: 'EENVELOPE', responseCode: 503 }))).toMatchObject({ retryable: true });
  });

  it('refuses clear text to anything but the loopback', () => {
    expect(() => new SmtpMssSender({ host: 'smtp.operateur.mssante.fr', port: 25, security: 'none' })).toThrow(RangeError);
  });
});

describe('SmtpMssSender: STARTTLS', () => {
  let certPem: string;
  let keyPem: string;

  beforeAll(async () => {
    x509.cryptoProvider.set(webcrypto);
    const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=smtp.test.mssante.localhost',
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 3_600_000),
      keys,
      signingAlgorithm: algorithm,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }, { type: 'dns', value: 'localhost' }]),
      ],
    });
    certPem = certificate.toString('pem');
    keyPem = x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
  });

  it('sends over STARTTLS to a server whose certificate the given CA vouches for', async () => {
    const server = await startServer({ disabledCommands: ['AUTH'], key: keyPem, cert: certPem });
    const [mail] = mails;
    if (mail === undefined) throw new Error('no mail');
    const result = await sender({ port: server.port, security: 'starttls', ca: certPem }).send(mail);
    expect(result.accepted).toEqual([mail.to]);
    expect(server.received).toHaveLength(1);
  });

  it('refuses a certificate no trusted CA vouches for, permanently', async () => {
    const server = await startServer({ disabledCommands: ['AUTH'], key: keyPem, cert: certPem });
    const [mail] = mails;
    if (mail === undefined) throw new Error('no mail');
    const error = await failure(sender({ port: server.port, security: 'starttls' }).send(mail));
    expect(error).toMatchObject({ retryable: false, failure: 'tls' });
    expect(server.received).toEqual([]);
  });

  it('does not fall back to clear text when the server offers no STARTTLS', async () => {
    const server = await startServer();
    const [mail] = mails;
    if (mail === undefined) throw new Error('no mail');
    const error = await failure(sender({ port: server.port, security: 'starttls', ca: certPem }).send(mail));
    expect(error).toMatchObject({ retryable: false, failure: 'tls' });
    expect(server.received).toEqual([]);
  });
});
