/**
 * Who receives the lettre de liaison by MSSanté, and why the others do not (DOMAIN.md §3 visibility
 * flags, §5 MSS): pure rules over data the caller has loaded, the health directory included.
 *
 * Use: ask `practitionersToLookUp(input)` for the national ids to resolve in the directory (none
 * when the letter is masked to professionals, so the directory is not even queried), look them up,
 * then call `letterRecipients({ ...input, directory })` with the addresses found.
 */
import { checkNir, isInsOid, mayUseIns, type IdentityStatus } from '@dmp/core';

export type LetterRecipientKind = 'medecin-traitant' | 'referring' | 'patient';

/** One message to send. */
export interface LetterRecipient {
  readonly kind: LetterRecipientKind;
  readonly address: string;
  /** The professional's national id (idNat_PS); absent for the patient. */
  readonly nationalId?: string;
  /** The médecin traitant is also the referring practitioner: one message serves both. */
  readonly alsoReferring?: boolean;
}

/** Why someone does not receive the letter. */
export type NotSentReason = 'masque-aux-professionnels' | 'pas-encore-visible' | 'pas-d-adresse-mss' | 'ins-non-qualifie' | 'adresse-mss-incoherente';

/** The reasons in French, as the maternity's staff read them. */
export const NOT_SENT_REASON_LABELS: Readonly<Record<NotSentReason, string>> = {
  'masque-aux-professionnels': 'masqué aux professionnels',
  'pas-encore-visible': 'pas encore visible par la patiente',
  'pas-d-adresse-mss': "pas d'adresse MSS dans l'annuaire",
  'ins-non-qualifie': 'INS non qualifié',
  'adresse-mss-incoherente': "l'adresse MSS de la patiente ne correspond pas à son INS",
};

export interface NotSent {
  readonly kind: LetterRecipientKind;
  readonly reason: NotSentReason;
  /** The reason in French. */
  readonly label: string;
  readonly nationalId?: string;
}

/** A professional to address, by national id (`8` + RPPS). */
export interface PractitionerRef {
  readonly nationalId: string;
}

export interface LetterRecipientsInput {
  readonly medecinTraitant?: PractitionerRef;
  readonly referringPractitioner?: PractitionerRef;
  readonly patient: {
    /** The patient's INS and the status of her identity in the maternity's software. */
    readonly ins?: { readonly value: string; readonly oid: string; readonly identityStatus: IdentityStatus };
    /** Her MSS address when already known; it must be the one her INS gives. */
    readonly mssAddress?: string;
  };
  /** The letter carries MASQUE_PS. */
  readonly maskedToProfessionals: boolean;
  /** The letter carries INVISIBLE_PATIENT. */
  readonly invisibleToPatient: boolean;
  /** The health directory's answers: national id -> MSS address (ids without an address left out). */
  readonly directory: ReadonlyMap<string, string>;
  /** Domain of patients' MSS addresses; `patient.mssante.fr` by default (another for test platforms). */
  readonly patientMssDomain?: string;
}

export interface LetterRecipients {
  readonly recipients: readonly LetterRecipient[];
  readonly notSent: readonly NotSent[];
}

/** The domain of patients' MSS addresses (Mon espace santé): `<INS>@patient.mssante.fr`. */
export const PATIENT_MSS_DOMAIN = 'patient.mssante.fr';

/**
 * The national ids whose MSS address the caller must look up in the directory: the médecin traitant
 * and the referring practitioner, once each; none when the letter is masked to professionals.
 */
export function practitionersToLookUp(input: Omit<LetterRecipientsInput, 'directory'>): string[] {
  if (input.maskedToProfessionals) return [];
  const ids = [input.medecinTraitant?.nationalId, input.referringPractitioner?.nationalId].filter((id): id is string => id !== undefined);
  return [...new Set(ids)];
}

/**
 * Decides who receives a lettre de liaison by MSSanté (DOMAIN.md §5):
 * - a letter masked to professionals (MASQUE_PS) goes to no professional, médecin traitant included
 *   (MSS rule: a masked document is never sent to a professional's address);
 * - a letter not yet visible to the patient (INVISIBLE_PATIENT) does not go to her;
 * - a professional receives it at the address the directory gives, else not;
 * - the patient receives it at `<INS>@patient.mssante.fr` only when her identity is qualified (QUAL)
 *   and her INS is well formed; a known address that is not that one is refused;
 * - the médecin traitant who is also the referring practitioner (same national id or same address)
 *   receives one message.
 */
export function letterRecipients(input: LetterRecipientsInput): LetterRecipients {
  const recipients: LetterRecipient[] = [];
  const notSent: NotSent[] = [];
  const skip = (kind: LetterRecipientKind, reason: NotSentReason, nationalId?: string): void => {
    notSent.push({ kind, reason, label: NOT_SENT_REASON_LABELS[reason], ...(nationalId === undefined ? {} : { nationalId }) });
  };

  const professionals: { kind: 'medecin-traitant' | 'referring'; ref: PractitionerRef }[] = [];
  if (input.medecinTraitant !== undefined) professionals.push({ kind: 'medecin-traitant', ref: input.medecinTraitant });
  if (input.referringPractitioner !== undefined) {
    if (input.referringPractitioner.nationalId !== input.medecinTraitant?.nationalId) {
      professionals.push({ kind: 'referring', ref: input.referringPractitioner });
    }
  }
  const sameAsReferring = input.medecinTraitant !== undefined && input.medecinTraitant.nationalId === input.referringPractitioner?.nationalId;

  for (const { kind, ref } of professionals) {
    if (input.maskedToProfessionals) {
      skip(kind, 'masque-aux-professionnels', ref.nationalId);
      continue;
    }
    const address = input.directory.get(ref.nationalId)?.trim();
    if (address === undefined || address === '') {
      skip(kind, 'pas-d-adresse-mss', ref.nationalId);
      continue;
    }
    const already = recipients.find((recipient) => sameAddress(recipient.address, address));
    if (already !== undefined) {
      recipients[recipients.indexOf(already)] = { ...already, alsoReferring: true };
      continue;
    }
    recipients.push({
      kind,
      address,
      nationalId: ref.nationalId,
      ...(kind === 'medecin-traitant' && sameAsReferring ? { alsoReferring: true } : {}),
    });
  }

  const patient = patientAddress(input);
  if (input.invisibleToPatient) skip('patient', 'pas-encore-visible');
  else if ('reason' in patient) skip('patient', patient.reason);
  else recipients.push({ kind: 'patient', address: patient.address });

  return { recipients, notSent };
}

function patientAddress(input: LetterRecipientsInput): { address: string } | { reason: NotSentReason } {
  const ins = input.patient.ins;
  if (ins === undefined || !mayUseIns(ins.identityStatus) || !isInsOid(ins.oid) || !checkNir(ins.value).valid) {
    return { reason: 'ins-non-qualifie' };
  }
  const address = `${ins.value.toUpperCase()}@${input.patientMssDomain ?? PATIENT_MSS_DOMAIN}`;
  const known = input.patient.mssAddress?.trim();
  if (known !== undefined && known !== '' && !sameAddress(known, address)) return { reason: 'adresse-mss-incoherente' };
  return { address };
}

function sameAddress(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
