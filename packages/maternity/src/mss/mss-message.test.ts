import { describe, expect, it } from 'vitest';
import { buildLetterMail, letterIdempotencyKey, letterMessageId, type LetterMailInput } from './mss-message.js';
import { letterRecipients } from './recipients.js';
import { MATERNITY } from './test-support/fixtures.js';

const NIR = '295109912611193';
const zip = new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]);
const base: Omit<LetterMailInput, 'recipient'> = {
  from: { name: MATERNITY.name, address: MATERNITY.mss },
  contact: 'Secrétariat des suites de couches, 05 56 00 00 00',
  patientName: 'Marie MARTIN',
  documentUniqueId: '1.2.250.1.213.1.1.9.330000012.2.1^LDL-2026-0001',
  xdmZip: zip,
  date: new Date('2026-06-12T14:31:00Z'),
};
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

describe('buildLetterMail', () => {
  const mails = recipients.map((recipient) => buildLetterMail({ ...base, recipient }));

  it('builds one message per recipient, from the maternity', () => {
    expect(mails.map((m) => m.to)).toEqual(['paul.generaliste@medecin.mssante.fr', 'anne.gyneco@hopital.mssante.fr', `${NIR}@patient.mssante.fr`]);
    for (const mail of mails) expect(mail.from).toEqual({ name: MATERNITY.name, address: MATERNITY.mss });
  });

  it('attaches the XDM package as IHE_XDM.ZIP, application/zip', () => {
    for (const mail of mails) {
      expect(mail.attachments).toHaveLength(1);
      const [attachment] = mail.attachments ?? [];
      expect(attachment?.filename).toBe('IHE_XDM.ZIP');
      expect(attachment?.contentType).toBe('application/zip');
      expect(new Uint8Array(attachment?.content as Buffer)).toEqual(zip);
    }
  });

  it('says in French what is attached and by whom, without the patient in the subject or her INS anywhere', () => {
    for (const mail of mails) {
      expect(mail.subject).toBe(`Lettre de liaison de sortie - ${MATERNITY.name}`);
      expect(mail.subject).not.toContain('MARTIN');
      expect(mail.text).toContain('Lettre de liaison de sortie de Marie MARTIN.');
      expect(mail.text).toContain(`Expéditeur : ${MATERNITY.name} <${MATERNITY.mss}>`);
      expect(mail.text).toContain('IHE XDM');
      expect(String(mail.text)).not.toContain(NIR);
      expect(String(mail.messageId)).not.toContain(NIR);
      expect(mail.headers).toEqual({ 'Disposition-Notification-To': MATERNITY.mss });
    }
    expect(mails[2]?.text).toMatch(/^Madame,/);
  });

  it('keeps the patient name and sender on one line (no header or body injection)', () => {
    const [recipient] = recipients;
    if (recipient === undefined) throw new Error('no recipient');
    const mail = buildLetterMail({ ...base, recipient, patientName: 'Marie\r\nBcc: x@y', from: { name: 'A\nB', address: MATERNITY.mss } });
    expect(mail.text).toContain('Lettre de liaison de sortie de Marie Bcc: x@y.');
    expect(mail.subject).toBe('Lettre de liaison de sortie - A B');
  });

  it('derives a stable Message-ID from the document and the recipient', () => {
    const ids = mails.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^<ldl\.[0-9a-f]{40}@maternite-sainte-felicite\.mssante\.fr>$/);
    const [first] = recipients;
    if (first === undefined) throw new Error('no recipient');
    expect(buildLetterMail({ ...base, recipient: { ...first, address: first.address.toUpperCase() } }).messageId).toBe(mails[0]?.messageId);
    expect(buildLetterMail({ ...base, recipient: first, documentUniqueId: '1.2.3' }).messageId).not.toBe(mails[0]?.messageId);
    expect(letterMessageId(base.documentUniqueId, first.address, MATERNITY.mss)).toBe(mails[0]?.messageId);
    expect(letterIdempotencyKey('1.2.3', ' A@B.fr ')).toBe('1.2.3\na@b.fr');
  });
});
