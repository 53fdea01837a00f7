import { describe, expect, it } from 'vitest';
import { letterRecipients, practitionersToLookUp, type LetterRecipientsInput, type NotSentReason } from './recipients.js';

const MT = '810000000001';
const REF = '810000000002';
const NO_ADDRESS = '810000000003';
const DIRECTORY: ReadonlyMap<string, string> = new Map([
  [MT, 'paul.generaliste@medecin.mssante.fr'],
  [REF, 'anne.gyneco@hopital.mssante.fr'],
]);
const NIR = '295109912611193';
const PATIENT_ADDRESS = `${NIR}@patient.mssante.fr`;

type Practitioners = 'none' | 'mt' | 'ref' | 'both' | 'same' | 'mt-without-address';
const PRACTITIONERS: Record<Practitioners, Pick<LetterRecipientsInput, 'medecinTraitant' | 'referringPractitioner'>> = {
  none: {},
  mt: { medecinTraitant: { nationalId: MT } },
  ref: { referringPractitioner: { nationalId: REF } },
  both: { medecinTraitant: { nationalId: MT }, referringPractitioner: { nationalId: REF } },
  same: { medecinTraitant: { nationalId: MT }, referringPractitioner: { nationalId: MT } },
  'mt-without-address': { medecinTraitant: { nationalId: NO_ADDRESS }, referringPractitioner: { nationalId: REF } },
};

function input(masked: boolean, invisible: boolean, practitioners: Practitioners, qualified: boolean): LetterRecipientsInput {
  return {
    ...PRACTITIONERS[practitioners],
    patient: { ins: { value: NIR, oid: '1.2.250.1.213.1.4.8', identityStatus: qualified ? 'QUAL' : 'VALI' } },
    maskedToProfessionals: masked,
    invisibleToPatient: invisible,
    directory: DIRECTORY,
  };
}

/** masked, invisible, practitioners, INS qualified -> who receives it, who does not and why. */
const TABLE: readonly [boolean, boolean, Practitioners, boolean, string[], string[]][] = [
  [false, false, 'both', true, ['medecin-traitant:paul.generaliste@medecin.mssante.fr', 'referring:anne.gyneco@hopital.mssante.fr', `patient:${PATIENT_ADDRESS}`], []],
  [false, false, 'both', false, ['medecin-traitant:paul.generaliste@medecin.mssante.fr', 'referring:anne.gyneco@hopital.mssante.fr'], ['patient:ins-non-qualifie']],
  [false, false, 'same', true, ['medecin-traitant:paul.generaliste@medecin.mssante.fr', `patient:${PATIENT_ADDRESS}`], []],
  [false, false, 'mt', true, ['medecin-traitant:paul.generaliste@medecin.mssante.fr', `patient:${PATIENT_ADDRESS}`], []],
  [false, false, 'ref', false, ['referring:anne.gyneco@hopital.mssante.fr'], ['patient:ins-non-qualifie']],
  [false, false, 'none', true, [`patient:${PATIENT_ADDRESS}`], []],
  [false, false, 'none', false, [], ['patient:ins-non-qualifie']],
  [false, false, 'mt-without-address', true, ['referring:anne.gyneco@hopital.mssante.fr', `patient:${PATIENT_ADDRESS}`], ['medecin-traitant:pas-d-adresse-mss']],
  [true, false, 'both', true, [`patient:${PATIENT_ADDRESS}`], ['medecin-traitant:masque-aux-professionnels', 'referring:masque-aux-professionnels']],
  [true, false, 'same', true, [`patient:${PATIENT_ADDRESS}`], ['medecin-traitant:masque-aux-professionnels']],
  [true, false, 'mt-without-address', false, [], ['medecin-traitant:masque-aux-professionnels', 'referring:masque-aux-professionnels', 'patient:ins-non-qualifie']],
  [false, true, 'both', true, ['medecin-traitant:paul.generaliste@medecin.mssante.fr', 'referring:anne.gyneco@hopital.mssante.fr'], ['patient:pas-encore-visible']],
  [false, true, 'same', false, ['medecin-traitant:paul.generaliste@medecin.mssante.fr'], ['patient:pas-encore-visible']],
  [true, true, 'both', true, [], ['medecin-traitant:masque-aux-professionnels', 'referring:masque-aux-professionnels', 'patient:pas-encore-visible']],
  [true, true, 'none', false, [], ['patient:pas-encore-visible']],
];

describe('letterRecipients: who receives the lettre de liaison by MSS', () => {
  it.each(TABLE)('masked %s, invisible to the patient %s, practitioners %s, INS qualified %s', (masked, invisible, practitioners, qualified, sent, notSent) => {
    const result = letterRecipients(input(masked, invisible, practitioners, qualified));
    expect(result.recipients.map((r) => `${r.kind}:${r.address}`)).toEqual(sent);
    expect(result.notSent.map((n) => `${n.kind}:${n.reason}`)).toEqual(notSent);
  });

  const ALL: [boolean, boolean, Practitioners, boolean][] = [];
  for (const masked of [false, true])
    for (const invisible of [false, true])
      for (const practitioners of Object.keys(PRACTITIONERS) as Practitioners[]) for (const qualified of [false, true]) ALL.push([masked, invisible, practitioners, qualified]);

  it.each(ALL)('invariants: masked %s, invisible %s, %s, qualified %s', (masked, invisible, practitioners, qualified) => {
    const { recipients, notSent } = letterRecipients(input(masked, invisible, practitioners, qualified));
    if (masked) expect(recipients.filter((r) => r.kind !== 'patient')).toEqual([]);
    if (invisible || !qualified) expect(recipients.filter((r) => r.kind === 'patient')).toEqual([]);
    const addresses = recipients.map((r) => r.address.toLowerCase());
    expect(new Set(addresses).size).toBe(addresses.length);
    // Everyone named is either sent to or given a reason, once.
    const named = new Set([...recipients, ...notSent].map((r) => r.nationalId ?? r.kind));
    const expected = new Set([PRACTITIONERS[practitioners].medecinTraitant?.nationalId, PRACTITIONERS[practitioners].referringPractitioner?.nationalId, 'patient']);
    expected.delete(undefined);
    expect(named).toEqual(expected);
    expect(recipients.length + notSent.length).toBe(expected.size);
  });

  it('marks the médecin traitant who is also the referring practitioner, by id or by address', () => {
    const byId = letterRecipients(input(false, false, 'same', true));
    expect(byId.recipients[0]).toEqual({ kind: 'medecin-traitant', address: 'paul.generaliste@medecin.mssante.fr', nationalId: MT, alsoReferring: true });
    const sharedMailbox = new Map([...DIRECTORY, [REF, 'PAUL.generaliste@medecin.mssante.fr']]);
    const byAddress = letterRecipients({ ...input(false, false, 'both', false), directory: sharedMailbox });
    expect(byAddress.recipients).toEqual([{ kind: 'medecin-traitant', address: 'paul.generaliste@medecin.mssante.fr', nationalId: MT, alsoReferring: true }]);
  });

  it('gives the reasons in French', () => {
    const { notSent } = letterRecipients(input(true, true, 'both', true));
    expect(notSent.map((n) => n.label)).toEqual(['masqué aux professionnels', 'masqué aux professionnels', 'pas encore visible par la patiente']);
    const noAddress = letterRecipients(input(false, false, 'mt-without-address', false)).notSent.map((n) => n.label);
    expect(noAddress).toEqual(["pas d'adresse MSS dans l'annuaire", 'INS non qualifié']);
  });

  it.each<[string, LetterRecipientsInput['patient'], NotSentReason | string]>([
    ['no INS', {}, 'ins-non-qualifie'],
    ['INS of a provisional identity', { ins: { value: NIR, oid: '1.2.250.1.213.1.4.8', identityStatus: 'PROV' } }, 'ins-non-qualifie'],
    ['INS of a recovered identity', { ins: { value: NIR, oid: '1.2.250.1.213.1.4.8', identityStatus: 'RECUP' } }, 'ins-non-qualifie'],
    ['qualified, wrong NIR key', { ins: { value: '123456789012345', oid: '1.2.250.1.213.1.4.8', identityStatus: 'QUAL' } }, 'ins-non-qualifie'],
    ['qualified, not an INS system', { ins: { value: NIR, oid: '1.2.3.4', identityStatus: 'QUAL' } }, 'ins-non-qualifie'],
    ['qualified, known address of someone else', { ins: { value: NIR, oid: '1.2.250.1.213.1.4.8', identityStatus: 'QUAL' }, mssAddress: '279035121518989@patient.mssante.fr' }, 'adresse-mss-incoherente'],
    ['qualified, known address matches', { ins: { value: NIR, oid: '1.2.250.1.213.1.4.8', identityStatus: 'QUAL' }, mssAddress: `${NIR}@PATIENT.mssante.fr` }, PATIENT_ADDRESS],
    ['qualified Corsican NIR', { ins: { value: '253072b07300470', oid: '1.2.250.1.213.1.4.8', identityStatus: 'QUAL' } }, '253072B07300470@patient.mssante.fr'],
  ])('patient: %s', (_, patient, expected) => {
    const result = letterRecipients({ patient, maskedToProfessionals: false, invisibleToPatient: false, directory: new Map() });
    const outcome = result.recipients[0]?.address ?? result.notSent[0]?.reason;
    expect(outcome).toBe(expected);
  });

  it('uses another domain for test platforms', () => {
    const result = letterRecipients({ ...input(false, false, 'none', true), patientMssDomain: 'patient.test.mssante.fr' });
    expect(result.recipients).toEqual([{ kind: 'patient', address: `${NIR}@patient.test.mssante.fr` }]);
  });
});

describe('practitionersToLookUp', () => {
  it('asks the directory for each practitioner once, and for no one when the letter is masked', () => {
    expect(practitionersToLookUp(input(false, false, 'both', true))).toEqual([MT, REF]);
    expect(practitionersToLookUp(input(false, false, 'same', true))).toEqual([MT]);
    expect(practitionersToLookUp(input(false, false, 'none', true))).toEqual([]);
    expect(practitionersToLookUp(input(true, false, 'both', true))).toEqual([]);
  });
});
