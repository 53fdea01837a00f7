import { checkNir, INS_OID, type InsOid } from '@dmp/core';

/**
 * The INSi teleservice (Identifiant National de Santé, integrated): from Carte Vitale data it
 * returns the patient's INS and strict identity traits. The DMP host depends on this interface
 * only; the simulated register below stands in for the national service in tests and demos, and a
 * real deployment configures a client of the real teleservice in its place.
 */
export interface InsiService {
  /** Looks up the beneficiary read from a Carte Vitale; undefined when INSi finds no one. */
  lookupFromCarteVitale(card: CarteVitaleData): Promise<InsiResult>;
}

/** What a Carte Vitale gives: the insured's NIR, the beneficiary's rank, names and birth date. */
export interface CarteVitaleData {
  /** NIR of the insured person (ouvrant droit) printed on the card. */
  readonly insuredNir: string;
  /** Rank of the beneficiary on the card (1 for the insured, 2.. for dependants such as children). */
  readonly rank: number;
  readonly familyName: string;
  readonly givenName: string;
  /** YYYY-MM-DD (a lunar date such as 1990-00-00 is not supported by this simulation). */
  readonly birthDate: string;
}

/** The strict traits of an identity as INSi returns them (Référentiel INS). */
export interface InsIdentity {
  readonly ins: string;
  readonly oid: InsOid;
  readonly birthName: string;
  /** All given names, in order; the first is the first given name. */
  readonly givenNames: readonly string[];
  readonly usedName?: string;
  readonly sex: 'F' | 'M';
  readonly birthDate: string;
  /** INSEE code of the birthplace (commune, or 99xxx for a country). */
  readonly birthPlace: string;
}

export type InsiResult =
  | { readonly status: 'found'; readonly identity: InsIdentity }
  | { readonly status: 'not-found' }
  | { readonly status: 'ambiguous'; readonly reason: string };

/** A person of the simulated register and the Carte Vitale that carries them. */
export interface RegisterEntry {
  readonly identity: InsIdentity;
  readonly card: { readonly insuredNir: string; readonly rank: number };
}

/**
 * The synthetic register: invented people with valid NIRs and INSEE birthplace codes.
 * Nobody here exists; the NIRs are built so their keys are right.
 */
export const SYNTHETIC_REGISTER: readonly RegisterEntry[] = [
  person('279035121518989', 'DUBOIS', ['Camille', 'Marie'], 'F', '1979-03-14', '51215', { usedName: 'LEROY' }),
  person('295109912611193', 'MARTIN', ['Léa', 'Sophie'], 'F', '1995-10-02', '99126'),
  person('253072B07300470', 'SANTONI', ['Marie-Dominique'], 'F', '1953-07-21', '2B073'),
  person('253072A07300443', 'PIETRI', ['Antonia'], 'F', '1953-07-08', '2A073'),
  person('277076322082910', 'BERNARD', ['Isabelle', 'Anne'], 'F', '1977-07-30', '63220'),
  person('185057511203449', 'MOREAU', ['Julien', 'Pierre'], 'M', '1985-05-11', '75112'),
  // a minor on his mother's card (rank 2)
  person('118056911204588', 'LEROY', ['Hugo'], 'M', '2018-05-19', '69112', { card: { insuredNir: '279035121518989', rank: 2 } }),
];

function person(
  ins: string,
  birthName: string,
  givenNames: string[],
  sex: 'F' | 'M',
  birthDate: string,
  birthPlace: string,
  extra: { usedName?: string; card?: { insuredNir: string; rank: number } } = {},
): RegisterEntry {
  const checked = checkNir(ins);
  if (!checked.valid) throw new Error(`synthetic register: ${ins}: ${checked.reason}`);
  return {
    identity: { ins, oid: INS_OID.nir, birthName, givenNames, sex, birthDate, birthPlace, ...(extra.usedName ? { usedName: extra.usedName } : {}) },
    card: extra.card ?? { insuredNir: ins, rank: 1 },
  };
}

/** Folds case and accents so that "Léa" and "LEA" match, as INSi's phonetic-free exact search does. */
function fold(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z]/g, '');
}

/** The simulated INSi: matches the card's NIR and rank, then checks birth date and names. */
export class SimulatedInsi implements InsiService {
  constructor(private readonly register: readonly RegisterEntry[] = SYNTHETIC_REGISTER) {}

  async lookupFromCarteVitale(card: CarteVitaleData): Promise<InsiResult> {
    const candidates = this.register.filter((entry) => entry.card.insuredNir === card.insuredNir.toUpperCase() && entry.card.rank === card.rank);
    const matching = candidates.filter(
      (entry) =>
        entry.identity.birthDate === card.birthDate &&
        [entry.identity.birthName, entry.identity.usedName].some((name) => name !== undefined && fold(name) === fold(card.familyName)) &&
        entry.identity.givenNames.some((given) => fold(given) === fold(card.givenName)),
    );
    if (matching.length === 1) return { status: 'found', identity: matching[0]!.identity };
    if (matching.length > 1) return { status: 'ambiguous', reason: 'several identities match' };
    return { status: 'not-found' };
  }
}
