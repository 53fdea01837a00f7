import type { MaternityIdentity } from '../config.js';
import type { StaffMember } from '../context.js';
import {
  MATERNITY_PATIENT_ID_OID,
  type Allergies,
  type CaesareanOperation,
  type Delivery,
  type Discharge,
  type Newborn,
  type Organisation,
  type PatientIdentity,
  type Perineum,
  type Professional,
  type Treatment,
} from '../documents/index.js';
import { HYSTEROTOMIES, INCISIONS, type CaesareanInput, type DeliveryInput, type DischargeInput } from './clinical-input.js';
import { zonedIso } from './local-time.js';
import type { PatientRecord } from './patients.js';

/**
 * Turns the maternity's records (what the staff entered, as stored) into the inputs of the
 * document builders. Pure: everything needed is loaded by the caller.
 */

/** The maternity as documents name it (custodian, author's organisation). */
export function organisationOf(identity: MaternityIdentity): Organisation {
  return {
    finess: identity.finess,
    name: identity.name,
    address: { lines: identity.addressLines, postalCode: identity.postalCode, city: identity.city },
    telecoms: [{ kind: 'tel', value: identity.telephone, use: 'WP' }],
  };
}

/** A staff member, or a professional from the directory, as documents name them. */
export function professionalOf(p: Pick<StaffMember, 'rpps' | 'givenName' | 'familyName' | 'profession' | 'specialty'>): Professional {
  return {
    rpps: p.rpps,
    given: p.givenName,
    family: p.familyName,
    profession: p.profession,
    role: p.specialty ?? `G15_${p.profession}`,
    ...(p.profession === '10' ? { title: 'DR' as const } : {}),
  };
}

/** The patient's identity for documents; the builders use the INS only when it is qualified. */
export function patientIdentityOf(patient: PatientRecord): PatientIdentity {
  const t = patient.traits;
  return {
    ...(patient.ins ? { ins: patient.ins } : {}),
    status: patient.identityStatus,
    localId: { root: MATERNITY_PATIENT_ID_OID, extension: patient.ipp },
    birthFamilyName: t.birthName,
    ...(t.usedName && t.usedName !== t.birthName ? { usedFamilyName: t.usedName } : {}),
    givenNames: t.givenNames.length > 0 ? t.givenNames : ['INCONNU'],
    sex: t.sex,
    birthDate: t.birthDate,
    ...(t.birthPlace ? { birthplaceInsee: t.birthPlace } : {}),
    ...(t.mssAddress ? { telecoms: [{ kind: 'mail' as const, value: t.mssAddress }] } : {}),
  };
}

function perineumOf(value: DeliveryInput['perineum']): Perineum {
  if (value === 'episiotomie') return { kind: 'episiotomie' };
  const tear = /^dechirure_([1-4])$/.exec(value);
  if (tear) return { kind: 'dechirure', degree: Number(tear[1]) as 1 | 2 | 3 | 4 };
  return { kind: 'intact' };
}

/** The delivery as the CRA and the OBP-SNM describe it. */
export function deliveryOf(
  input: DeliveryInput,
  context: { admittedAt: string; mother: PatientRecord; newborns: readonly PatientRecord[]; midwife?: Professional; obstetrician?: Professional },
): Delivery {
  const caesarean = input.mode.startsWith('cesarienne');
  const mode: Delivery['mode'] =
    input.mode === 'voie_basse_instrumentale'
      ? { kind: 'voie_basse_instrumentale', instrument: input.instrument ?? 'ventouse' }
      : caesarean
        ? { kind: 'cesarienne', urgency: input.mode === 'cesarienne_programmee' ? 'programmee' : 'urgence' }
        : { kind: 'voie_basse_spontanee' };
  const familyName = context.mother.traits.usedName ?? context.mother.traits.birthName;
  const newborns: Newborn[] = input.newborns.map((n, index) => {
    const record = context.newborns[index];
    return {
      rank: index + 1,
      sex: n.sex,
      birthTime: zonedIso(index === 0 ? input.deliveredAt : (n.bornAt ?? input.deliveredAt)),
      weightG: n.weightGrams,
      ...(n.lengthCm !== undefined ? { lengthCm: n.lengthCm } : {}),
      ...(n.headCircumferenceCm !== undefined ? { headCircumferenceCm: n.headCircumferenceCm } : {}),
      apgar: { at1: n.apgar1, at5: n.apgar5, ...(n.apgar10 !== undefined ? { at10: n.apgar10 } : {}) },
      alive: true,
      ...(index === 0 ? { presentation: input.presentation } : {}),
      transferToNeonatology: n.transferredToNeonatology,
      identity: {
        localId: { root: MATERNITY_PATIENT_ID_OID, extension: record?.ipp ?? `nouveau-ne-${index + 1}` },
        familyName,
        ...(n.givenName ? { givenName: n.givenName } : {}),
      },
    };
  });
  return {
    admission: zonedIso(context.admittedAt),
    ...(input.labourStartedAt ? { labourStart: zonedIso(input.labourStartedAt) } : {}),
    // an emergency caesarean without recorded labour: the builder infers the onset
    ...(input.mode === 'cesarienne_programmee' ? { labourOnset: 'cesarienne_avant_travail' as const } : input.labourStartedAt || !caesarean ? { labourOnset: 'spontane' as const } : {}),
    deliveryTime: zonedIso(input.deliveredAt),
    gestationalAge: { weeks: input.gestationalWeeks, days: input.gestationalDays },
    fetusCount: input.newborns.length,
    mode,
    anaesthesia: input.anaesthesia,
    placentalDelivery: input.placentalDelivery,
    perineum: perineumOf(input.perineum),
    bloodLossMl: input.bloodLossMl,
    events: input.events ? [{ text: input.events }] : [],
    place: input.birthPlace,
    ...(context.midwife ? { midwife: context.midwife } : {}),
    ...(context.obstetrician ? { obstetrician: context.obstetrician } : {}),
    newborns,
  };
}

/** The caesarean as the CRO describes it. */
export function caesareanOf(input: CaesareanInput, team: { surgeon: Professional; anaesthetist: Professional; assistant?: Professional; midwife?: Professional }): CaesareanOperation {
  return {
    start: zonedIso(input.startedAt),
    end: zonedIso(input.endedAt),
    indication: { text: input.indication, urgency: input.urgency },
    team,
    anaesthesia: input.anaesthesia,
    technique: { incision: INCISIONS[input.incision], hysterotomy: HYSTEROTOMIES[input.hysterotomy], ...(input.technique ? { details: input.technique } : {}) },
    findings: input.findings ?? 'Pas de constatation particulière.',
    ...(input.complications ? { complications: input.complications } : {}),
    bloodLossMl: input.bloodLossMl,
  };
}

/** `Fer 80 mg ; 1 comprimé par jour` → name and posology (the separator is `;`, ` — ` or ` : `). */
export function treatmentOf(line: string): Treatment {
  const match = /^(.+?)\s*(?:;|\s—\s|\s:\s)\s*(.+)$/.exec(line);
  return match ? { name: match[1]!.trim(), posology: match[2]!.trim() } : { name: line.trim(), posology: 'selon prescription' };
}

/** The discharge as the lettre de liaison describes it. */
export function dischargeOf(input: DischargeInput, context: { admittedAt: string; generalPractitioner?: Professional; referringPractitioner?: Professional }): Discharge {
  const allergies: Allergies = !input.allergiesKnown
    ? { kind: 'non_renseigne' }
    : input.allergies.length === 0
      ? { kind: 'aucune_connue' }
      : {
          kind: 'liste',
          items: input.allergies.map((line) => {
            const [agent, reaction] = line.split(/\s*:\s*/, 2);
            return { agent: agent ?? line, ...(reaction ? { reaction } : {}) };
          }),
        };
  return {
    admission: zonedIso(context.admittedAt),
    discharge: zonedIso(input.dischargedAt),
    admissionMode: input.admissionMode,
    dischargeMode: input.mode,
    reasonForStay: input.reasonForStay,
    summary: input.summary,
    ...(input.adverseEvents ? { adverseEvents: input.adverseEvents } : {}),
    mdroScreening: { done: input.mdroScreeningDone, ...(input.mdroFindings ? { findings: input.mdroFindings } : {}) },
    transfusion: input.transfusion,
    bloodDerivatives: input.bloodDerivatives,
    treatmentsStopped: input.treatmentsStopped.map(treatmentOf),
    treatmentsAtDischarge: input.treatmentsAtDischarge.map(treatmentOf),
    followUp: input.followUp.map((description) => ({ description })),
    pendingResults: input.pendingResults,
    allergies,
    ...(context.generalPractitioner ? { generalPractitioner: context.generalPractitioner } : {}),
    ...(context.referringPractitioner ? { referringPractitioner: context.referringPractitioner } : {}),
  };
}
