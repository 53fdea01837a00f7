import { beforeAll, describe, expect, it } from 'vitest';
import { buildCroDocument } from './cro-document.js';
import { checkCda, VALIDATION_TIMEOUT, warmUpValidation, WARM_UP_TIMEOUT } from './test-support/checks.js';
import { OBSTETRICIAN, TWINS, TWINS_CAESAREAN } from './test-support/fixtures.js';
import { pdfText } from './test-support/pdf-text.js';
import { path } from './test-support/xml-tree.js';

describe('compte rendu opératoire (CRO) of a caesarean', { timeout: VALIDATION_TIMEOUT }, () => {
  beforeAll(warmUpValidation, WARM_UP_TIMEOUT);

  it('carries the operative report in a valid level-1 CDA', async () => {
    const doc = await buildCroDocument(TWINS.cro);
    const root = await checkCda(doc.xml);
    expect(path(root, 'code')[0]!.attrs).toMatchObject({ code: '34874-8', codeSystem: '2.16.840.1.113883.6.1' });
    const event = path(root, 'documentationOf/serviceEvent')[0]!;
    expect(path(event, 'code')[0]!.attrs).toMatchObject({ code: '11466000', codeSystem: '2.16.840.1.113883.6.96' });
    expect(path(event, 'effectiveTime/low')[0]!.attrs.value).toBe('20240312083000+0100');
    expect(path(event, 'effectiveTime/high')[0]!.attrs.value).toBe('20240312092000+0100');
    expect(path(event, 'performer/assignedEntity/id')[0]!.attrs.extension).toBe(`8${OBSTETRICIAN.rpps}`);
    expect(path(root, 'participant/functionCode/originalText').map((t) => t.text)).toEqual(['Aide opératoire', 'Anesthésiste', 'Sage-femme']);
    expect(Buffer.from(path(root, 'component/nonXMLBody/text')[0]!.text, 'base64').equals(Buffer.from(doc.pdf))).toBe(true);

    const text = pdfText(doc.pdf);
    for (const expected of [
      'Compte rendu opératoire — césarienne',
      'Incision de Pfannenstiel',
      'Hystérotomie segmentaire transversale',
      '08:30 – 09:20 (durée 50 min)',
      'Césarienne programmée',
      '650 ml',
      'Dr Antoine GARÇON',
      '2\u00A0610 g',
      'enoxaparine',
    ]) {
      expect(text).toContain(expected);
    }
    expect(doc.metadata).toMatchObject({ type: { code: '34874-8', display: 'CR opératoire' }, classCode: { code: '10' }, formatCode: 'urn:ihe:iti:xds-sd:pdf:2008', servicePeriod: { start: TWINS_CAESAREAN.start, end: TWINS_CAESAREAN.end } });
  });

  it('names the urgency of an emergency caesarean by its colour code', async () => {
    const operation = { ...TWINS_CAESAREAN, indication: { text: 'Anomalies sévères du rythme cardiaque fœtal', urgency: 'rouge' as const } };
    const doc = await buildCroDocument({ ...TWINS.cro, operation, newborns: [] });
    await checkCda(doc.xml);
    expect(pdfText(doc.pdf)).toContain('code rouge');
  });
});
