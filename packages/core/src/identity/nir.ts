/**
 * NIR (numéro d'inscription au répertoire, the French social security number) and the INS built on it.
 *
 * A NIR is 13 characters (sex, year, month, department (2A/2B for Corsica), commune, order) followed by
 * a 2-digit key: key = 97 − (number mod 97), where the Corsican departments `2A` and `2B` read as 19 and 18.
 * See DOMAIN.md §6 and the INS referential (Référentiel Identifiant National de Santé).
 */

/** OIDs of the identifier systems an INS may be issued under. */
export const INS_OID = {
  /** INS-NIR, the production INS. */
  nir: '1.2.250.1.213.1.4.8',
  /** INS-NIA, a temporary number given while the NIR is being assigned. */
  nia: '1.2.250.1.213.1.4.9',
  /** INS-NIR of test identities. */
  nirTest: '1.2.250.1.213.1.4.10',
  /** INS-NIR of demonstration identities. */
  nirDemo: '1.2.250.1.213.1.4.11',
} as const;

export type InsOid = (typeof INS_OID)[keyof typeof INS_OID];

const INS_OIDS: ReadonlySet<string> = new Set(Object.values(INS_OID));

/** True when `oid` is one of the four INS identifier systems. */
export function isInsOid(oid: string): oid is InsOid {
  return INS_OIDS.has(oid);
}

export type NirCheck =
  | { valid: true; nir: string }
  | { valid: false; reason: string; expectedKey?: string };

const NIR_SHAPE = /^[12378][0-9]{2}(0[1-9]|1[0-2]|[2-9][0-9])(2[AB]|[0-9]{2})[0-9]{3}[0-9]{3}[0-9]{2}$/;

/**
 * The 2-digit key of the first 13 characters of a NIR, as a string ("01".."97").
 * `2A` is read as 19 and `2B` as 18 before the modulo.
 *
 * @example nirKey('2951099126111') === '93'
 */
export function nirKey(first13: string): string {
  const numeric = first13.toUpperCase().replace('2A', '19').replace('2B', '18');
  if (!/^[0-9]{13}$/.test(numeric)) throw new RangeError('a NIR body is 13 digits (2A/2B allowed)');
  const key = 97 - Number(BigInt(numeric) % 97n);
  return String(key).padStart(2, '0');
}

/**
 * Checks a 15-character NIR: its shape (sex digit, month, department with 2A/2B) and its key.
 * Spaces are not accepted: callers normalise input first.
 *
 * @example checkNir('253072B07300470') // { valid: true, nir: '253072B07300470' }
 */
export function checkNir(value: string): NirCheck {
  const nir = value.toUpperCase();
  if (nir.length !== 15) return { valid: false, reason: `a NIR has 15 characters, got ${value.length}` };
  if (!NIR_SHAPE.test(nir)) return { valid: false, reason: 'not the shape of a NIR (sex, year, month, department, commune, order, key)' };
  const expectedKey = nirKey(nir.slice(0, 13));
  if (nir.slice(13) !== expectedKey) {
    return { valid: false, reason: `the NIR key is wrong (expected ${expectedKey})`, expectedKey };
  }
  return { valid: true, nir };
}

/** An INS: the identifier value and the system it belongs to. */
export interface Ins {
  readonly oid: InsOid;
  readonly value: string;
}

/**
 * Parses an identifier token as used in FHIR searches (`urn:oid:1.2.250.1.213.1.4.8|295109912611193`)
 * or an identifier's system and value, and checks the NIR key.
 */
export function parseInsToken(token: string): { ok: true; ins: Ins } | { ok: false; reason: string } {
  const bar = token.indexOf('|');
  if (bar < 0) return { ok: false, reason: 'the patient identifier must be given as system|value' };
  return checkIns(token.slice(0, bar), token.slice(bar + 1));
}

/** Checks a system URI (`urn:oid:...` or bare OID) and value as an INS. */
export function checkIns(system: string, value: string): { ok: true; ins: Ins } | { ok: false; reason: string } {
  const oid = system.startsWith('urn:oid:') ? system.slice(8) : system;
  if (!isInsOid(oid)) return { ok: false, reason: `${system} is not an INS identifier system` };
  const check = checkNir(value);
  if (!check.valid) return { ok: false, reason: check.reason };
  return { ok: true, ins: { oid, value: check.nir } };
}

/** The identity status of a patient in a professional's software (Référentiel INS). */
export type IdentityStatus = 'PROV' | 'RECUP' | 'VALI' | 'QUAL';

/** Documents may be sent or read under the INS only when the identity is qualified. */
export function mayUseIns(status: IdentityStatus): boolean {
  return status === 'QUAL';
}
