import { describe, expect, it } from 'vitest';
import { canonicalCodings } from './document-presenter.js';

describe('code systems in answers', () => {
  it('returns French code systems as the ANS URLs, whatever form they were deposited in', () => {
    const resource = {
      type: { coding: [{ system: 'urn:oid:2.16.840.1.113883.6.1', code: '15508-5' }] },
      context: { facilityType: { coding: [{ system: 'urn:oid:1.2.250.1.71.4.2.4', code: 'SA01' }] } },
      subject: { identifier: { system: 'urn:oid:1.2.250.1.213.1.4.8', value: '279035121518989' } },
    };
    canonicalCodings(resource);
    expect(resource.type.coding[0]?.system).toBe('http://loinc.org');
    expect(resource.context.facilityType.coding[0]?.system).toMatch(/^https:\/\/mos\.esante\.gouv\.fr\/NOS\/TRE_R02/);
    expect(resource.subject.identifier.system).toBe('urn:oid:1.2.250.1.213.1.4.8'); // identifiers keep their OID
  });
});
