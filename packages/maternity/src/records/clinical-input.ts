import { z } from 'zod';
import { PRESENTATION_LABEL } from '../documents/obstetric-codes.js';
import type { Presentation } from '../documents/index.js';
import { wallTimeToInstant } from './local-time.js';

/**
 * What the maternity's staff record, as it arrives from the staff UI or the JSON API, with the
 * checks a clinician expects: an Apgar score is 0–10, a newborn weighs something, a delivery does
 * not predate the mother's birth. A birth before admission (at home, on the way) is allowed.
 * Messages are French: they are shown to the staff as they are.
 */

const text = (max: number) => z.string().trim().max(max, `${max} caractères au plus`);
const requiredText = (max: number, what: string) => text(max).min(1, `${what} est obligatoire`);
const optionalText = (max: number) =>
  text(max)
    .optional()
    .transform((v) => (v === '' ? undefined : v));

/** A local date-time as the staff type it (`2026-11-20T14:32`, the maternity's time zone) or an ISO instant with its offset. */
const dateTime = (what: string) =>
  z
    .string({ error: `${what} est obligatoire` })
    .trim()
    .min(1, `${what} est obligatoire`)
    .refine((v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/.test(v) && !Number.isNaN(Date.parse(v)), `${what} n'est pas une date et heure valide`)
    // without an offset, a time is the maternity's local time (what a datetime-local field gives)
    .transform((v) => (/(Z|[+-]\d{2}:\d{2})$/.test(v) ? new Date(v) : wallTimeToInstant(v)).toISOString());
const optionalDateTime = (what: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      const parsed = dateTime(what).safeParse(v);
      if (!parsed.success) {
        ctx.addIssue({ code: 'custom', message: `${what} n'est pas une date et heure valide` });
        return z.NEVER;
      }
      return parsed.data;
    });

/** A number from JSON or from a form field (a string). Empty means absent. */
const numberIn = (what: string, min: number, max: number, unit = '') =>
  z.preprocess(
    (v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : Number(v.trim().replace(',', '.'))) : v),
    z
      .number({ error: `${what} doit être un nombre` })
      .refine((n) => Number.isFinite(n), `${what} doit être un nombre`)
      .refine((n) => n >= min && n <= max, `${what} doit être entre ${min} et ${max}${unit}`),
  );
const integerIn = (what: string, min: number, max: number, unit = '') =>
  numberIn(what, min, max, unit).refine((n) => Number.isInteger(n), `${what} doit être un nombre entier`);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional());
const nationalId = optional(z.string().trim().regex(/^8\d{11}$/, 'Identifiant national: 8 suivi du RPPS (11 chiffres)'));
const checkbox = z.preprocess((v) => v === true || v === 'on' || v === 'true' || v === '1', z.boolean());

export const DELIVERY_MODES = {
  voie_basse_spontanee: 'Voie basse spontanée',
  voie_basse_instrumentale: 'Voie basse instrumentale',
  cesarienne_programmee: 'Césarienne programmée',
  cesarienne_urgence: 'Césarienne en urgence',
} as const;
export const INSTRUMENTS = { ventouse: 'Ventouse', forceps: 'Forceps', spatules: 'Spatules' } as const;
export const PRESENTATIONS: Readonly<Record<Presentation, string>> = PRESENTATION_LABEL;
export const ANAESTHESIAS = {
  aucune: 'Aucune',
  peridurale: 'Péridurale',
  rachianesthesie: 'Rachianesthésie',
  rachi_peri_combinee: 'Rachi-péri combinée',
  generale: 'Anesthésie générale',
} as const;
export const PLACENTAL_DELIVERIES = {
  naturelle: 'Délivrance naturelle',
  dirigee: 'Délivrance dirigée',
  artificielle: 'Délivrance artificielle',
  revision_uterine: 'Révision utérine',
} as const;
export const PERINEUM_STATES = {
  intact: 'Périnée intact',
  dechirure_1: 'Déchirure du 1er degré',
  dechirure_2: 'Déchirure du 2e degré',
  dechirure_3: 'Déchirure du 3e degré',
  dechirure_4: 'Déchirure du 4e degré',
  episiotomie: 'Épisiotomie',
  non_applicable: 'Sans objet (césarienne)',
} as const;
export const INCISIONS = { pfannenstiel: 'Incision de Pfannenstiel', joel_cohen: 'Incision de Joel-Cohen', mediane: 'Laparotomie médiane sous-ombilicale' } as const;
export const HYSTEROTOMIES = { segmentaire_transversale: 'Hystérotomie segmentaire transversale', segmentaire_verticale: 'Hystérotomie segmentaire verticale', corporeale: 'Hystérotomie corporéale' } as const;
export const BIRTH_PLACES = { maternite: 'À la maternité', domicile: 'À domicile', trajet: 'Pendant le trajet' } as const;
export const SEXES = { F: 'Féminin', M: 'Masculin', U: 'Indéterminé' } as const;
export const DISCHARGE_MODES = { domicile: 'Retour à domicile', autre_etablissement: 'Transfert vers un autre établissement', had: 'Hospitalisation à domicile', autre: 'Autre' } as const;
export const ADMISSION_MODES = { urgence: 'En urgence', programmee: 'Programmée', transfert: 'Transfert', autre: 'Autre' } as const;
export const CAESAREAN_URGENCIES = { programmee: 'Programmée', vert: 'Code vert', orange: 'Code orange', rouge: 'Code rouge' } as const;

const oneOf = <T extends Record<string, string>>(values: T, what: string) =>
  z.enum(Object.keys(values) as [keyof T & string, ...(keyof T & string)[]], { error: `${what}: valeur inconnue` });

/** Who decides about each document of a report: information of the mother and her choices. */
export const documentChoicesSchema = z.object({
  /** The mother was told the documents go to her DMP. */
  patientInformed: checkbox,
  /** She refused the deposit: the documents are kept here and never sent. */
  patientRefused: checkbox,
  /** She asked that the documents be masked to professionals (MASQUE_PS). */
  maskedToProfessionals: checkbox,
  /** Not visible to her until announced (INVISIBLE_PATIENT). */
  invisibleToPatient: checkbox,
});
export type DocumentChoices = z.infer<typeof documentChoicesSchema>;

export const newbornSchema = z.object({
  sex: oneOf(SEXES, 'Sexe du nouveau-né'),
  weightGrams: integerIn('Le poids de naissance', 300, 7000, ' g'),
  lengthCm: optional(numberIn('La taille', 20, 70, ' cm')),
  headCircumferenceCm: optional(numberIn('Le périmètre crânien', 15, 50, ' cm')),
  apgar1: integerIn("Le score d'Apgar à 1 minute", 0, 10),
  apgar5: integerIn("Le score d'Apgar à 5 minutes", 0, 10),
  apgar10: optional(integerIn("Le score d'Apgar à 10 minutes", 0, 10)),
  /** Time of birth when it differs from the first child's (twins). */
  bornAt: optionalDateTime("L'heure de naissance"),
  givenName: optionalText(100),
  transferredToNeonatology: checkbox,
});
export type NewbornInput = z.infer<typeof newbornSchema>;

export const deliverySchema = z
  .object({
    deliveredAt: dateTime("La date et l'heure de l'accouchement"),
    labourStartedAt: optionalDateTime('Le début du travail'),
    gestationalWeeks: integerIn("L'âge gestationnel (semaines)", 22, 44),
    gestationalDays: integerIn("L'âge gestationnel (jours)", 0, 6),
    mode: oneOf(DELIVERY_MODES, "Mode d'accouchement"),
    instrument: optional(oneOf(INSTRUMENTS, 'Instrument')),
    presentation: oneOf(PRESENTATIONS, 'Présentation'),
    anaesthesia: oneOf(ANAESTHESIAS, 'Anesthésie'),
    placentalDelivery: oneOf(PLACENTAL_DELIVERIES, 'Délivrance'),
    perineum: oneOf(PERINEUM_STATES, 'Périnée'),
    bloodLossMl: integerIn('Les pertes sanguines', 0, 10000, ' ml'),
    birthPlace: oneOf(BIRTH_PLACES, "Lieu de l'accouchement"),
    events: optionalText(4000),
    newborns: z.array(newbornSchema).min(1, 'Au moins un nouveau-né').max(6, 'Six nouveau-nés au plus'),
    choices: documentChoicesSchema,
  })
  .superRefine((d, ctx) => {
    if (d.mode === 'voie_basse_instrumentale' && !d.instrument) ctx.addIssue({ code: 'custom', path: ['instrument'], message: "L'instrument est obligatoire pour une voie basse instrumentale" });
    if (d.labourStartedAt && d.labourStartedAt > d.deliveredAt) ctx.addIssue({ code: 'custom', path: ['labourStartedAt'], message: "Le début du travail est après l'accouchement" });
    if (d.mode.startsWith('cesarienne') && d.birthPlace !== 'maternite') ctx.addIssue({ code: 'custom', path: ['birthPlace'], message: 'Une césarienne a lieu à la maternité' });
  });
export type DeliveryInput = z.infer<typeof deliverySchema>;

export const caesareanSchema = z
  .object({
    startedAt: dateTime("Le début de l'intervention"),
    endedAt: dateTime("La fin de l'intervention"),
    urgency: oneOf(CAESAREAN_URGENCIES, 'Urgence'),
    indication: requiredText(2000, "L'indication"),
    anaesthesia: oneOf(ANAESTHESIAS, 'Anesthésie'),
    anaesthetistNationalId: z.string({ error: "L'anesthésiste est obligatoire" }).trim().regex(/^8\d{11}$/, "L'anesthésiste: 8 suivi du RPPS (11 chiffres)"),
    assistantNationalId: nationalId,
    incision: oneOf(INCISIONS, 'Incision'),
    hysterotomy: oneOf(HYSTEROTOMIES, 'Hystérotomie'),
    technique: optionalText(4000),
    findings: optionalText(4000),
    complications: optionalText(4000),
    bloodLossMl: integerIn('Les pertes sanguines', 0, 10000, ' ml'),
    choices: documentChoicesSchema,
  })
  .superRefine((o, ctx) => {
    if (o.endedAt < o.startedAt) ctx.addIssue({ code: 'custom', path: ['endedAt'], message: "La fin de l'intervention est avant son début" });
  });
export type CaesareanInput = z.infer<typeof caesareanSchema>;

const lines = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '') : v),
  z.array(text(500)).max(50, '50 lignes au plus'),
);

export const dischargeSchema = z.object({
  dischargedAt: dateTime('La date de sortie'),
  admissionMode: oneOf(ADMISSION_MODES, "Mode d'entrée"),
  mode: oneOf(DISCHARGE_MODES, 'Mode de sortie'),
  reasonForStay: requiredText(1000, 'Le motif du séjour'),
  summary: requiredText(8000, 'La synthèse du séjour'),
  /** One treatment a line, e.g. `Fer (Tardyferon 80 mg) — 1 comprimé par jour pendant 3 mois`. */
  treatmentsAtDischarge: lines,
  treatmentsStopped: lines,
  /** One follow-up a line, e.g. `Consultation postnatale avec la sage-femme à 6 semaines`. */
  followUp: lines.refine((l) => l.length > 0, 'Le suivi est obligatoire'),
  /** One pending result a line. */
  pendingResults: lines,
  adverseEvents: optionalText(4000),
  mdroScreeningDone: checkbox,
  mdroFindings: optionalText(1000),
  transfusion: checkbox,
  bloodDerivatives: checkbox,
  /** One allergy a line (`agent: réaction`); empty with `allergiesKnown` means "aucune allergie connue". */
  allergies: lines,
  /** Whether the allergies were asked about: false means "non renseigné". */
  allergiesKnown: checkbox,
  choices: documentChoicesSchema,
});
export type DischargeInput = z.infer<typeof dischargeSchema>;

/** One problem with the input, for a field (dotted path as the form names it). */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** Parses with a schema; returns the value or every problem found. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): { ok: true; value: z.infer<T> } | { ok: false; problems: FieldProblem[] } {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => ({
      field: issue.path.map(String).join('.'),
      message: issue.code === 'invalid_type' && issue.input === undefined ? `${issue.path.map(String).join('.') || 'valeur'}: champ obligatoire` : issue.message,
    })),
  };
}


/**
 * An admission: the mother's identity comes from her Carte Vitale through INSi (status RECUP,
 * QUAL once an identity document is checked), or is typed in (status PROV) when INSi cannot be
 * reached or does not know her.
 */
export const admissionSchema = z
  .object({
    admittedAt: dateTime("La date d'admission"),
    insuredNir: optional(z.string().trim().regex(/^\d{5}(\d{2}|2A|2B)\d{8}$/i, 'Le NIR de la carte Vitale a 15 caractères')),
    rank: optional(integerIn('Le rang du bénéficiaire', 1, 20)),
    familyName: requiredText(100, 'Le nom de naissance'),
    givenName: requiredText(100, 'Le prénom'),
    usedName: optionalText(100),
    birthDate: z
      .string({ error: 'La date de naissance est obligatoire' })
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'La date de naissance est au format AAAA-MM-JJ')
      .refine((v) => !Number.isNaN(Date.parse(v)) && v > '1900-01-01' && v <= new Date().toISOString().slice(0, 10), "La date de naissance n'est pas plausible"),
    identityChecked: checkbox,
    medecinTraitantNationalId: nationalId,
    referringNationalId: nationalId,
    mssAddress: optional(z.string().trim().max(200).email("L'adresse MSS n'est pas une adresse valide")),
  })
  .superRefine((a, ctx) => {
    if (a.insuredNir && !a.rank) ctx.addIssue({ code: 'custom', path: ['rank'], message: 'Le rang du bénéficiaire accompagne le NIR' });
  });
export type AdmissionInput = z.infer<typeof admissionSchema>;
