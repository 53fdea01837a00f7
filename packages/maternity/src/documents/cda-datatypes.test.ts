import { describe, expect, it } from 'vitest';
import { addr, childId, hl7Time, telecomUrl } from './cda-datatypes.js';
import { frenchDateTime, frenchDuration, gestationalAgeLabel, minutesBetween } from './french-format.js';
import { serializeXml } from './xml-writer.js';

describe('CDA data types', () => {
  it('writes ISO dates and date-times as HL7 TS, keeping the offset', () => {
    expect(hl7Time('2024-03-12')).toBe('20240312');
    expect(hl7Time('2024-03-12T08:30:00+01:00')).toBe('20240312083000+0100');
    expect(hl7Time('2024-03-12T08:30+02:00')).toBe('20240312083000+0200');
    expect(hl7Time('2024-03-12T07:30:15.250Z')).toBe('20240312073015+0000');
    expect(() => hl7Time('2024-03-12T08:30:00')).toThrow(/offset/);
    expect(() => hl7Time('12/03/2024')).toThrow(RangeError);
  });

  it('structures an address from its lines', () => {
    const xml = serializeXml(addr({ lines: ['12 bis rue des Lilas', 'Bâtiment B'], postalCode: '33000', city: 'Bordeaux' }), { declaration: false, indent: false });
    expect(xml).toBe('<addr><houseNumber>12 bis</houseNumber><streetName>rue des Lilas</streetName><additionalLocator>Bâtiment B</additionalLocator><postalCode>33000</postalCode><city>Bordeaux</city></addr>');
    expect(serializeXml(addr({ lines: ['Lieu-dit La Motte'], postalCode: '33210', city: 'Langon' }), { declaration: false, indent: false })).toContain('<streetName>Lieu-dit La Motte</streetName>');
    expect(serializeXml(addr(undefined), { declaration: false })).toBe('<addr nullFlavor="NASK"/>');
  });

  it('writes telecoms as URLs', () => {
    expect(telecomUrl({ kind: 'tel', value: '05 56 00.12 00' })).toBe('tel:0556001200');
    expect(telecomUrl({ kind: 'mail', value: ' a@b.fr ' })).toBe('mailto:a@b.fr');
  });

  it('numbers sections and entries below the document id', () => {
    expect(childId({ root: '2.25.1' }, 3)).toEqual({ root: '2.25.1.3' });
    expect(childId({ root: '1.2.3', extension: 'CRA-1' }, 3)).toEqual({ root: '1.2.3', extension: 'CRA-1.3' });
  });

  it('words times as written, whatever the machine time zone', () => {
    expect(frenchDateTime('2024-05-02T06:25:00+02:00')).toBe('02/05/2024 à 06:25');
    expect(minutesBetween('2024-03-12T08:30:00+01:00', '2024-03-12T09:20:00+01:00')).toBe(50);
    expect(frenchDuration(125)).toBe('2 h 05');
    expect(gestationalAgeLabel({ weeks: 37, days: 0 })).toBe('37 SA');
  });
});
