/**
 * Actors the DMP refuses always, whatever the patient said (DOMAIN.md §1 "Forbidden", §3 "Access"):
 * occupational medicine, banks and insurers. Kept as one data table; the refusal is a decision like
 * any other and is audited with its rule.
 */
import type { Actor } from './types.js';

export type ForbiddenRule = 'forbidden-occupational-medicine' | 'forbidden-third-party';

/** How an entry of the table recognises an actor. */
export type ForbiddenCriterion =
  /** The professional's specialty (value set J01, OID 1.2.250.1.213.1.1.4.5). */
  | { readonly kind: 'specialty'; readonly codes: readonly CodeWithLabel[] }
  /** The facility type (value set J02) of the structure or establishment the professional acts for. */
  | { readonly kind: 'facility-type'; readonly codes: readonly CodeWithLabel[] }
  /** The kind of actor. */
  | { readonly kind: 'actor-kind'; readonly kinds: readonly Actor['kind'][] };

export interface CodeWithLabel {
  readonly code: string;
  readonly display: string;
}

export interface ForbiddenEntry {
  readonly rule: ForbiddenRule;
  readonly who: string;
  readonly criterion: ForbiddenCriterion;
}

/**
 * The forbidden actors. Codes verified in `../shared/ans/value-sets/`:
 * - J01 `JDV_J01_XdsAuthorSpecialty_CISIS.xml`: G15_10/SM25 "Médecin - Médecine du travail (SM)"
 *   (qualification de spécialiste), G15_10/C41 "Médecin - Médecine du travail (C)" (compétence),
 *   G15_10/CAPA11 "Médecin - Médecine de travail, prév risques prof (CAPA)" (capacité). They are
 *   the only J01 codes that mention occupational medicine.
 * - J02 `JDV_J02_XdsHealthcareFacilityTypeCode_CISIS.xml`: SA66 "Services de Prévention et de Santé
 *   au Travail (SPST)", code system 1.2.250.1.71.4.2.4.
 */
export const FORBIDDEN_ACTORS: readonly ForbiddenEntry[] = [
  {
    rule: 'forbidden-occupational-medicine',
    who: 'occupational physician (specialty)',
    criterion: {
      kind: 'specialty',
      codes: [
        { code: 'G15_10/SM25', display: 'Médecin - Médecine du travail (SM)' },
        { code: 'G15_10/C41', display: 'Médecin - Médecine du travail (C)' },
        { code: 'G15_10/CAPA11', display: 'Médecin - Médecine de travail, prév risques prof (CAPA)' },
      ],
    },
  },
  {
    rule: 'forbidden-occupational-medicine',
    who: 'anyone acting for an occupational health service',
    criterion: { kind: 'facility-type', codes: [{ code: 'SA66', display: 'Services de Prévention et de Santé au Travail (SPST)' }] },
  },
  {
    rule: 'forbidden-third-party',
    who: 'banks, insurers (assurances, mutuelles) and any other declared party',
    criterion: { kind: 'actor-kind', kinds: ['other'] },
  },
];

/** A match in FORBIDDEN_ACTORS. */
export interface ForbiddenMatch {
  readonly rule: ForbiddenRule;
  readonly reason: string;
}

function facilityTypes(actor: Actor): string[] {
  if (actor.kind !== 'professional') return [];
  const types = [actor.professional.structure?.facilityType, actor.establishment?.facilityType];
  return types.filter((t): t is string => t !== undefined);
}

function matches(criterion: ForbiddenCriterion, actor: Actor): boolean {
  switch (criterion.kind) {
    case 'actor-kind':
      return criterion.kinds.includes(actor.kind);
    case 'specialty': {
      const specialty = actor.kind === 'professional' ? actor.professional.specialty : undefined;
      return specialty !== undefined && criterion.codes.some((c) => c.code === specialty);
    }
    case 'facility-type': {
      const types = facilityTypes(actor);
      return criterion.codes.some((c) => types.includes(c.code));
    }
  }
}

/**
 * The first FORBIDDEN_ACTORS entry the actor matches, or `undefined` if the actor is not forbidden.
 * Checked before anything else: no consent, authorisation or emergency mode lifts it.
 *
 * @example
 * forbiddenActor({ kind: 'other', description: 'Banque X' }) // { rule: 'forbidden-third-party', ... }
 */
export function forbiddenActor(actor: Actor): ForbiddenMatch | undefined {
  const entry = FORBIDDEN_ACTORS.find((e) => matches(e.criterion, actor));
  return entry ? { rule: entry.rule, reason: `forbidden actor: ${entry.who}` } : undefined;
}
