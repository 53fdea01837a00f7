import { createHash } from 'node:crypto';
import type pg from 'pg';
import { openValue, sealValue } from '@dmp/core';
import type { MaternityContext } from '../context.js';
import type { DocumentMetadata } from '../documents/index.js';
import {
  buildLetterMail,
  buildXdmPackage,
  letterIdempotencyKey,
  letterRecipients,
  practitionersToLookUp,
  type LetterRecipient,
  type XdmDocument,
  type XdmPatient,
} from '../mss/index.js';
import { MATERNITY_OID, MATERNITY_PATIENT_ID_OID } from '../documents/document-inputs.js';
import type { PatientRecord } from '../records/patients.js';
import { displayName } from '../records/patients.js';
import type { CareTeam } from '../records/stays.js';

const recipientAad = (key: string) => `outbox-recipient:${key}`;

/**
 * Puts the lettre de liaison's MSS messages in the outbox, one per recipient (médecin traitant,
 * referring practitioner, the patient), by the rules of `letterRecipients`: never to a professional
 * when masked to professionals, never to her when not yet visible to her, to her only under a
 * qualified INS. Those not sent are recorded too (status `cancelled`, with the reason), so the
 * staff see why.
 */
export async function queueLetters(
  client: pg.PoolClient,
  ctx: MaternityContext,
  letter: { documentId: string; uniqueId: string; careTeam: CareTeam; patient: PatientRecord; maskedToProfessionals: boolean; invisibleToPatient: boolean },
): Promise<void> {
  const input = {
    ...(letter.careTeam.medecinTraitantNationalId ? { medecinTraitant: { nationalId: letter.careTeam.medecinTraitantNationalId } } : {}),
    ...(letter.careTeam.referringNationalId ? { referringPractitioner: { nationalId: letter.careTeam.referringNationalId } } : {}),
    patient: {
      ...(letter.patient.ins ? { ins: { value: letter.patient.ins.value, oid: letter.patient.ins.oid, identityStatus: letter.patient.identityStatus } } : {}),
      ...(letter.patient.traits.mssAddress ? { mssAddress: letter.patient.traits.mssAddress } : {}),
    },
    maskedToProfessionals: letter.maskedToProfessionals,
    invisibleToPatient: letter.invisibleToPatient,
  };
  const directory = new Map<string, string>();
  for (const nationalId of practitionersToLookUp(input)) {
    const found = await ctx.directory.professional(nationalId);
    if (found?.mssAddress) directory.set(nationalId, found.mssAddress);
  }
  const decision = letterRecipients({ ...input, directory });
  const now = ctx.now();
  for (const recipient of decision.recipients) {
    const key = `mss:${letterIdempotencyKey(letter.uniqueId, recipient.address)}`;
    await client.query(
      `INSERT INTO connector_outbox (kind, document_id, recipient, recipient_kind, idempotency_key, next_attempt_at, created_at)
       VALUES ('mss_letter', $1, $2, $3, $4, $5, $5) ON CONFLICT (idempotency_key) DO NOTHING`,
      [letter.documentId, sealValue(Buffer.from(JSON.stringify(recipient)), ctx.masterKey, recipientAad(key)), recipient.kind, key, now],
    );
  }
  for (const skipped of decision.notSent) {
    const key = `mss-skip:${letter.uniqueId}:${skipped.kind}`;
    await client.query(
      `INSERT INTO connector_outbox (kind, document_id, recipient_kind, idempotency_key, status, next_attempt_at, last_error, created_at, done_at)
       VALUES ('mss_letter', $1, $2, $3, 'cancelled', $4, $5, $4, $4) ON CONFLICT (idempotency_key) DO NOTHING`,
      [letter.documentId, skipped.kind, key, now, `Non envoyé: ${skipped.label}`],
    );
  }
}

/** Opens the sealed recipient of an outbox item. */
export function recipientOf(sealed: Buffer, masterKey: Buffer, idempotencyKey: string): LetterRecipient {
  return JSON.parse(openValue(sealed, masterKey, recipientAad(idempotencyKey)).toString('utf8')) as LetterRecipient;
}

function coded(code: string, system: string, display: string) {
  return { code, system, display };
}

/** The XDM package and the message of one letter to one recipient. */
export function letterMail(ctx: MaternityContext, letter: { cda: Buffer; metadata: DocumentMetadata; patient: PatientRecord; recipient: LetterRecipient }) {
  const m = letter.metadata;
  const t = letter.patient.traits;
  const qualified = letter.patient.identityStatus === 'QUAL' && letter.patient.ins;
  const patient: XdmPatient = {
    ...(qualified ? { ins: letter.patient.ins! } : {}),
    localId: { value: letter.patient.ipp, assigningAuthority: MATERNITY_PATIENT_ID_OID },
    birthFamilyName: t.birthName,
    givenNames: t.givenNames.join(' '),
    ...(t.usedName ? { usedFamilyName: t.usedName } : {}),
    birthDate: t.birthDate,
    sex: t.sex,
  };
  const author = {
    person: { nationalId: m.author.nationalId, family: m.author.familyName, given: m.author.givenName },
    institution: { name: m.author.structureName, nationalId: m.author.structureId },
    specialty: coded(m.author.specialty, '1.2.250.1.213.1.1.4.5', m.author.specialty),
  };
  const document: XdmDocument = {
    content: letter.cda,
    mimeType: 'text/xml',
    uniqueId: m.uniqueId,
    title: m.title,
    typeCode: coded(m.type.code, '2.16.840.1.113883.6.1', m.type.display),
    classCode: coded(m.classCode.code, '1.2.250.1.213.1.1.4.1', m.classCode.display),
    formatCode: coded(m.formatCode, m.formatCode.startsWith('urn:ihe:') ? '1.3.6.1.4.1.19376.1.2.3' : '1.2.250.1.213.1.1.4.2.282', m.formatCode),
    confidentiality: coded(m.confidentiality, '2.16.840.1.113883.5.25', m.confidentiality === 'N' ? 'Normal' : m.confidentiality),
    facilityType: coded(m.facilityType, '1.2.250.1.71.4.2.4', m.facilityType),
    practiceSetting: coded(m.practiceSetting, '1.2.250.1.213.1.1.4.9', m.practiceSetting),
    creationTime: new Date(m.creationTime),
    serviceStart: new Date(m.servicePeriod.start),
    ...(m.servicePeriod.end ? { serviceStop: new Date(m.servicePeriod.end) } : {}),
    languageCode: m.language,
    author,
  };
  const identity = ctx.identity;
  const zip = buildXdmPackage({
    uniqueId: `${MATERNITY_OID}.4.${BigInt(`0x${createHash('sha256').update(`${m.uniqueId}\n${letter.recipient.address}`).digest('hex').slice(0, 32)}`).toString()}`,
    sourceId: MATERNITY_OID,
    submissionTime: ctx.now(),
    author,
    intendedRecipients: [{ mssAddress: letter.recipient.address }],
    title: m.title,
    patient,
    documents: [document],
    sender: {
      name: identity.name,
      contact: [...identity.addressLines, `${identity.postalCode} ${identity.city}`, identity.telephone, identity.mssAddress],
      application: { name: 'Maternité Sainte Félicité, connecteur DMP et MSS', version: '0.1' },
    },
  });
  return buildLetterMail({
    from: { name: identity.name, address: identity.mssAddress },
    contact: identity.telephone,
    recipient: letter.recipient,
    patientName: displayName(t),
    documentUniqueId: m.uniqueId,
    xdmZip: zip,
  });
}
