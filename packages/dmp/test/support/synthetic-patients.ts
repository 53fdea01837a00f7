import { INS_OID, nirKey } from '@dmp/core';
import { SimulatedInsi, type CarteVitaleData, type RegisterEntry } from '@dmp/national';

/** An invented adult of a test INSi register, with the Carte Vitale data that finds them. */
export interface SyntheticPatient {
  readonly ins: string;
  readonly card: CarteVitaleData;
  readonly entry: RegisterEntry;
}

/**
 * `count` invented adults (born 1980, Paris 12e, order numbers from `firstOrder`) with valid NIR
 * keys, and an INSi that knows them: enough distinct patients for load and concurrency tests.
 */
export function syntheticPatients(count: number, firstOrder = 500): { patients: SyntheticPatient[]; insi: SimulatedInsi } {
  const patients: SyntheticPatient[] = [];
  for (let i = 0; i < count; i++) {
    const sex = i % 2 === 0 ? '2' : '1';
    const body = `${sex}800675112${String(firstOrder + i).padStart(3, '0')}`;
    const ins = `${body}${nirKey(body)}`;
    const familyName = `TESTCHARGE${toLetters(i)}`;
    const givenName = sex === '2' ? 'Alice' : 'Bruno';
    const entry: RegisterEntry = {
      identity: { ins, oid: INS_OID.nir, birthName: familyName, givenNames: [givenName], sex: sex === '2' ? 'F' : 'M', birthDate: '1980-06-15', birthPlace: '75112' },
      card: { insuredNir: ins, rank: 1 },
    };
    patients.push({ ins, entry, card: { insuredNir: ins, rank: 1, familyName, givenName, birthDate: '1980-06-15' } });
  }
  return { patients, insi: new SimulatedInsi(patients.map((p) => p.entry)) };
}

/** 0 → A, 25 → Z, 26 → BA...: names are letters only. */
function toLetters(n: number): string {
  let out = '';
  do {
    out = String.fromCharCode(65 + (n % 26)) + out;
    n = Math.floor(n / 26);
  } while (n > 0);
  return out;
}
