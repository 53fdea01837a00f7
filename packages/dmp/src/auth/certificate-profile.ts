/**
 * How the DMP host reads the (simulated) IGC-Santé certificate profile. The test authority in
 * `packages/national/src/igc-sante/profile.ts` writes the same profile; a unit test checks that
 * both sides agree.
 *
 * - kind of certificate: its certificate policy (`CERTIFICATE_POLICY`)
 * - national id (idNat_PS `8`+RPPS for a CPS, idNat_Struct `1`+FINESS for an establishment):
 *   the subject's `serialNumber` attribute (2.5.4.5), exactly one
 * - display name: the subject's CN; for a CPS also SN (family name) and G (given name)
 * - a CPS holder's structure, when the card names one: O (name) and OU (idNat_Struct)
 * - profession (TRE_G15), specialty (J01), facility type (J02): the private extension
 *   `HEALTH_ATTRIBUTES_OID`, DER `SEQUENCE { [0] profession, [1] specialty, [2] facilityType }`
 *   (each IMPLICIT UTF8String, OPTIONAL)
 *
 * The OIDs sit under 1.3.6.1.4.1.32473 (RFC 5612, reserved for examples): test-only values.
 */

export const TEST_IGC_SANTE_ARC = '1.3.6.1.4.1.32473.250.71';

export const CERTIFICATE_POLICY = {
  cps: `${TEST_IGC_SANTE_ARC}.1.1`,
  establishment: `${TEST_IGC_SANTE_ARC}.1.2`,
  server: `${TEST_IGC_SANTE_ARC}.1.3`,
} as const;

export const HEALTH_ATTRIBUTES_OID = `${TEST_IGC_SANTE_ARC}.2.1`;

export const NAME_ATTRIBUTE = {
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  surname: '2.5.4.4',
  givenName: '2.5.4.42',
  serialNumber: '2.5.4.5',
  commonName: '2.5.4.3',
} as const;

export const CLIENT_AUTH_EKU = '1.3.6.1.5.5.7.3.2';

export interface HealthAttributes {
  readonly profession?: string;
  readonly specialty?: string;
  readonly facilityType?: string;
}

const FIELDS = ['profession', 'specialty', 'facilityType'] as const;

/** Decodes the health attributes extension value; throws on anything but the exact structure. */
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
