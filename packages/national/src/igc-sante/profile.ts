/**
 * The certificate profile of the simulated IGC-Santé test authority: where each piece of
 * identity lives in a certificate. The DMP host reads the same profile
 * (`packages/dmp/src/auth/certificate-profile.ts`); both sides must agree on these values.
 *
 * Subject of a CPS (personal card) certificate:
 *   C=FR, [O=<structure name>], [OU=<structure idNat_Struct>], SN=<family name>, G=<given name>,
 *   serialNumber=<idNat_PS: `8` + RPPS>, CN=<given name> <family name>
 * Subject of an establishment ("personne morale") certificate:
 *   C=FR, O=<structure name>, serialNumber=<idNat_Struct: `1` + FINESS>, CN=<structure name>
 *
 * The kind of certificate is given by its certificate policy (one OID per kind, below).
 * Profession (TRE_G15), specialty (J01) and facility type (J02) live in one non-critical private
 * extension, `HEALTH_ATTRIBUTES_OID`, whose value is:
 *
 *   DmpTestHealthAttributes ::= SEQUENCE {
 *     profession   [0] IMPLICIT UTF8String OPTIONAL,  -- TRE_G15 code, e.g. "10"
 *     specialty    [1] IMPLICIT UTF8String OPTIONAL,  -- J01 code, e.g. "G15_10/SM26"
 *     facilityType [2] IMPLICIT UTF8String OPTIONAL   -- J02 code of the structure, e.g. "SA07"
 *   }
 *
 * The OIDs sit under 1.3.6.1.4.1.32473, the enterprise number IANA reserves for examples and
 * documentation (RFC 5612): they are not those of the real IGC-Santé and no real certificate
 * carries them.
 */

/** Root of the OIDs of this test authority. */
export const TEST_IGC_SANTE_ARC = '1.3.6.1.4.1.32473.250.71';

/** Certificate policies: one per kind of certificate the authority issues. */
export const CERTIFICATE_POLICY = {
  /** A professional's personal card certificate (CPS). */
  cps: `${TEST_IGC_SANTE_ARC}.1.1`,
  /** An establishment's certificate ("certificat serveur / personne morale"). */
  establishment: `${TEST_IGC_SANTE_ARC}.1.2`,
  /** A TLS server certificate (the DMP host). */
  server: `${TEST_IGC_SANTE_ARC}.1.3`,
} as const;

/** The private extension holding profession, specialty and facility type. */
export const HEALTH_ATTRIBUTES_OID = `${TEST_IGC_SANTE_ARC}.2.1`;

/** X.520 attribute types used in subjects. */
export const NAME_ATTRIBUTE = {
  country: '2.5.4.6',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  surname: '2.5.4.4',
  givenName: '2.5.4.42',
  serialNumber: '2.5.4.5',
  commonName: '2.5.4.3',
} as const;

export interface HealthAttributes {
  readonly profession?: string;
  readonly specialty?: string;
  readonly facilityType?: string;
}

const FIELDS = ['profession', 'specialty', 'facilityType'] as const;

/** DER encoding of `DmpTestHealthAttributes`. */
export function encodeHealthAttributes(attributes: HealthAttributes): Uint8Array {
  const parts: Uint8Array[] = [];
  FIELDS.forEach((field, index) => {
    const value = attributes[field];
    if (value !== undefined) parts.push(tlv(0x80 | index, new TextEncoder().encode(value)));
  });
  return tlv(0x30, concat(parts));
}

/** Decodes `DmpTestHealthAttributes`; throws on anything but the exact structure. */
export function decodeHealthAttributes(der: Uint8Array): HealthAttributes {
  const outer = readTlv(der, 0);
  if (outer.tag !== 0x30 || outer.end !== der.length) throw new Error('health attributes: not a single SEQUENCE');
  const result: { profession?: string; specialty?: string; facilityType?: string } = {};
  let offset = outer.start;
  let lastIndex = -1;
  while (offset < outer.end) {
    const item = readTlv(der, offset);
    const index = item.tag - 0x80;
    const field = FIELDS[index];
    if (field === undefined || index <= lastIndex || item.end > outer.end) throw new Error('health attributes: unexpected element');
    result[field] = new TextDecoder('utf-8', { fatal: true }).decode(der.subarray(item.start, item.end));
    lastIndex = index;
    offset = item.end;
  }
  return result;
}

function tlv(tag: number, content: Uint8Array): Uint8Array {
  const length = content.length;
  let header: number[];
  if (length < 0x80) header = [tag, length];
  else if (length < 0x100) header = [tag, 0x81, length];
  else if (length < 0x10000) header = [tag, 0x82, length >> 8, length & 0xff];
  else throw new RangeError('health attributes: value too long');
  return concat([Uint8Array.from(header), content]);
}

function readTlv(der: Uint8Array, offset: number): { tag: number; start: number; end: number } {
  const tag = der[offset];
  const first = der[offset + 1];
  if (tag === undefined || first === undefined) throw new Error('health attributes: truncated');
  let length: number;
  let start: number;
  if (first < 0x80) {
    length = first;
    start = offset + 2;
  } else if (first === 0x81 || first === 0x82) {
    const bytes = first - 0x80;
    length = 0;
    for (let i = 0; i < bytes; i++) {
      const byte = der[offset + 2 + i];
      if (byte === undefined) throw new Error('health attributes: truncated');
      length = (length << 8) | byte;
    }
    start = offset + 2 + bytes;
  } else {
    throw new Error('health attributes: unsupported length');
  }
  const end = start + length;
  if (end > der.length) throw new Error('health attributes: truncated');
  return { tag, start, end };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
