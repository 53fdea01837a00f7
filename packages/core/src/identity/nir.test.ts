import { describe, expect, it } from 'vitest';
import { checkIns, checkNir, mayUseIns, nirKey, parseInsToken } from './nir.js';

describe('checkNir', () => {
  it.each(['295109912611193', '253072B07300470', '253072A07300443', '279035121518989', '277076322082910'])(
    'accepts the valid NIR %s',
    (nir) => expect(checkNir(nir)).toEqual({ valid: true, nir }),
  );

  it('refuses a wrong key and names the right one', () => {
    expect(checkNir('123456789012345')).toMatchObject({ valid: false, expectedKey: '11' });
    expect(checkNir('223042545611404')).toMatchObject({ valid: false, expectedKey: '82' });
  });

  it.each([
    ['too short', '29510991261119'],
    ['letters', '29510991261X193'],
    ['month 00', '295009912611193'],
    ['sex digit 5', '595109912611193'],
    ['2C is no department', '253072C07300470'],
  ])('refuses a malformed NIR (%s)', (_label, nir) => {
    expect(checkNir(nir).valid).toBe(false);
  });

  it('reads 2A as 19 and 2B as 18', () => {
    expect(nirKey('253072A073004')).toBe('43');
    expect(nirKey('253072B073004')).toBe('70');
  });
});

describe('INS tokens', () => {
  it('parses urn:oid and bare OIDs of the four INS systems', () => {
    expect(parseInsToken('urn:oid:1.2.250.1.213.1.4.8|295109912611193')).toEqual({
      ok: true,
      ins: { oid: '1.2.250.1.213.1.4.8', value: '295109912611193' },
    });
    expect(checkIns('1.2.250.1.213.1.4.10', '279035121518989').ok).toBe(true);
  });

  it('refuses other systems, missing bars and bad keys', () => {
    expect(parseInsToken('295109912611193').ok).toBe(false);
    expect(parseInsToken('urn:oid:1.2.3|295109912611193').ok).toBe(false);
    expect(parseInsToken('urn:oid:1.2.250.1.213.1.4.8|123456789012345')).toMatchObject({ ok: false, reason: expect.stringContaining('key') });
  });

  it('lets only qualified identities use the INS', () => {
    expect(['PROV', 'RECUP', 'VALI', 'QUAL'].filter((s) => mayUseIns(s as 'QUAL'))).toEqual(['QUAL']);
  });
});
