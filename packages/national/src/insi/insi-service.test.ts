import { checkNir } from '@dmp/core';
import { describe, expect, it } from 'vitest';
import { SimulatedInsi, SYNTHETIC_REGISTER } from './insi-service.js';

describe('simulated INSi', () => {
  const insi = new SimulatedInsi();

  it('holds only valid NIRs', () => {
    for (const entry of SYNTHETIC_REGISTER) expect(checkNir(entry.identity.ins).valid).toBe(true);
  });

  it('finds the insured from her card, with accents and case folded, and returns strict traits', async () => {
    const result = await insi.lookupFromCarteVitale({ insuredNir: '295109912611193', rank: 1, familyName: 'martin', givenName: 'LEA', birthDate: '1995-10-02' });
    expect(result).toMatchObject({ status: 'found', identity: { ins: '295109912611193', birthName: 'MARTIN', givenNames: ['Léa', 'Sophie'], birthPlace: '99126' } });
  });

  it('finds a child on the parent card by rank, under the child’s own INS', async () => {
    const result = await insi.lookupFromCarteVitale({ insuredNir: '279035121518989', rank: 2, familyName: 'Leroy', givenName: 'Hugo', birthDate: '2018-05-19' });
    expect(result).toMatchObject({ status: 'found', identity: { ins: '118056911204588' } });
  });

  it('finds no one when a trait differs', async () => {
    expect(await insi.lookupFromCarteVitale({ insuredNir: '295109912611193', rank: 1, familyName: 'Martin', givenName: 'Léa', birthDate: '1995-10-03' })).toEqual({ status: 'not-found' });
    expect(await insi.lookupFromCarteVitale({ insuredNir: '295109912611193', rank: 2, familyName: 'Martin', givenName: 'Léa', birthDate: '1995-10-02' })).toEqual({ status: 'not-found' });
  });
});
