/**
 * The MSSanté message that carries a lettre de liaison: one message per recipient (a failure to one
 * does not hold the others back, and each can be retried alone), the XDM zip attached as
 * `IHE_XDM.ZIP`, and a Message-ID derived from the document and the recipient, so a retried send is
 * recognisably the same message.
 *
 * The subject says what kind of document it is and who sends it, never whom it is about (subjects
 * show up in notifications and lists); the body names the patient, the sender and the attachment,
 * and nothing of her health.
 */
import { createHash } from 'node:crypto';
import type { SendMailOptions } from 'nodemailer';
import type { LetterRecipient } from './recipients.js';
import { XDM_ATTACHMENT_NAME } from './xdm-package.js';

export interface LetterMailInput {
  /** The maternity's MSS mailbox. */
  readonly from: { readonly name: string; readonly address: string };
  /** How to reach the maternity (telephone of the service, ...), written under the body. */
  readonly contact?: string;
  readonly recipient: LetterRecipient;
  /** The patient's name as written in the letter, e.g. `Marie DUPONT`. */
  readonly patientName: string;
  /** The letter's unique id (the CDA `id`, XDS uniqueId): with the recipient, the idempotency key. */
  readonly documentUniqueId: string;
  /** The XDM package (`buildXdmPackage`). */
  readonly xdmZip: Uint8Array;
  /** The Date header; the time of sending by default. */
  readonly date?: Date;
  /** Ask for a read receipt (MDN, RFC 8098) to the sender's address; true by default. */
  readonly requestReceipt?: boolean;
}

/**
 * The idempotency key of one letter to one recipient: the document's unique id and the recipient's
 * address (case-insensitive).
 */
export function letterIdempotencyKey(documentUniqueId: string, recipientAddress: string): string {
  return `${documentUniqueId}\n${recipientAddress.trim().toLowerCase()}`;
}

/**
 * A stable Message-ID (RFC 5322 §3.6.4) for the key: `<ldl.<hash>@<sender's domain>>`. The hash
 * hides the patient's INS, which a patient's address would otherwise show in every header.
 */
export function letterMessageId(documentUniqueId: string, recipientAddress: string, senderAddress: string): string {
  const digest = createHash('sha256').update(letterIdempotencyKey(documentUniqueId, recipientAddress), 'utf8').digest('hex').slice(0, 40);
  const domain = senderAddress.slice(senderAddress.lastIndexOf('@') + 1).toLowerCase();
  if (!/^[a-z0-9.-]+$/.test(domain)) throw new RangeError(`not a mail domain: ${JSON.stringify(domain)}`);
  return `<ldl.${digest}@${domain}>`;
}

/**
 * Builds the message (nodemailer options) that sends the lettre de liaison de sortie to one
 * recipient by MSSanté, the XDM package attached as `IHE_XDM.ZIP` (application/zip), as IHE XDM's
 * "Zip over Email" option describes (ITI TF-3 §3.32.4.1.3).
 */
export function buildLetterMail(input: LetterMailInput): SendMailOptions {
  const messageId = letterMessageId(input.documentUniqueId, input.recipient.address, input.from.address);
  const patientName = oneLine(input.patientName);
  const senderName = oneLine(input.from.name);
  const greeting = input.recipient.kind === 'patient' ? 'Madame,' : 'Chère consœur, cher confrère,';
  const text = [
    greeting,
    '',
    `Lettre de liaison de sortie de ${patientName}.`,
    '',
    `Expéditeur : ${senderName} <${input.from.address}>`,
    ...(input.contact === undefined ? [] : [`Contact : ${oneLine(input.contact)}`]),
    '',
    `Le document est joint au format IHE XDM (${XDM_ATTACHMENT_NAME}).`,
    '',
    'Message envoyé par messagerie sécurisée de santé (MSSanté).',
    '',
  ].join('\n');

  return {
    from: { name: senderName, address: input.from.address },
    to: input.recipient.address,
    subject: `Lettre de liaison de sortie - ${senderName}`,
    text,
    messageId,
    ...(input.date === undefined ? {} : { date: input.date }),
    ...(input.requestReceipt === false ? {} : { headers: { 'Disposition-Notification-To': input.from.address } }),
    attachments: [
      {
        filename: XDM_ATTACHMENT_NAME,
        content: Buffer.from(input.xdmZip.buffer, input.xdmZip.byteOffset, input.xdmZip.byteLength),
        contentType: 'application/zip',
        contentTransferEncoding: 'base64',
      },
    ],
  };
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').trim();
}
