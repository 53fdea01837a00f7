import { beforeAll, describe, expect, it } from 'vitest';
import { buildCraDocument } from './cra-document.js';
import { toPdsmDocument } from './document-metadata.js';
import { checkCda, VALIDATION_TIMEOUT, warmUpValidation, WARM_UP_TIMEOUT } from './test-support/checks.js';
import { HOME, HOSTILE, MIDWIFE, TWINS } from './test-support/fixtures.js';
import { pdfText } from './test-support/pdf-text.js';
import { children, descendants, path } from './test-support/xml-tree.js';

describe('compte rendu d’accouchement (CRA)', { timeout: VALIDATION_TIMEOUT }, () => {
  beforeAll(warmUpValidation, WARM_UP_TIMEOUT);

  it('carries the PDF report of a twin caesarean in a valid level-1 CDA', async () => {
    const doc = await buildCraDocument(TWINS.cra);
    const root = await checkCda(doc.xml);

    expect(path(root, 'code')[0]!.attrs).toMatchObject({ code: '15508-5', codeSystem: '2.16.840.1.113883.6.1' });
    expect(children(root, 'templateId').map((t) => t.attrs.root)).toEqual(['2.16.840.1.113883.2.8.2.1', '1.2.250.1.213.1.1.1.1', '1.3.6.1.4.1.19376.1.2.20']);
    expect(path(root, 'recordTarget/patientRole/id').map((i) => i.attrs)).toEqual([
      { root: '1.2.250.1.213.1.4.10', extension: '279035121518989' },
      { root: '2.25.311863446780571012279797527218221184167.1', extension: '000184263' },
    ]);
    expect(path(root, 'author/assignedAuthor/id')[0]!.attrs).toEqual({ root: '1.2.250.1.71.4.2.1', extension: `8${MIDWIFE.rpps}` });
    expect(path(root, 'custodian/assignedCustodian/representedCustodianOrganization/id')[0]!.attrs).toEqual({ root: '1.2.250.1.71.4.2.2', extension: '1330000012' });
    expect(path(root, 'documentationOf/serviceEvent/code')[0]!.attrs.code).toBe('236973005');
    expect(path(root, 'componentOf/encompassingEncounter/location/healthCareFacility/code')[0]!.attrs).toMatchObject({ code: 'SA01', codeSystem: '1.2.250.1.71.4.2.4' });
    expect(path(root, 'participant/associatedEntity/id').map((i) => i.attrs.extension)).toHaveLength(3);

    const body = path(root, 'component/nonXMLBody/text')[0]!;
    expect(body.attrs).toEqual({ mediaType: 'application/pdf', representation: 'B64' });
    expect(Buffer.from(body.text, 'base64').equals(Buffer.from(doc.pdf))).toBe(true);

    const text = pdfText(doc.pdf);
    for (const expected of ["Compte rendu d'accouchement", 'Mme Hélène MARTIN née LEFÈVRE', 'Césarienne programmée', '37 SA + 2 j', 'Rachianesthésie', '2\u00A0450 g', '9 / 10 / 10', '7 / 9 / 10', 'transfert en néonatologie', 'Tachypnée transitoire du nouveau-né']) {
      expect(text).toContain(expected);
    }
  });

  it('describes a birth at home before admission', async () => {
    const doc = await buildCraDocument({ ...HOME.cra, comments: HOSTILE });
    const root = await checkCda(doc.xml);
    expect(path(root, 'recordTarget/patientRole/id')[0]!.attrs).toEqual({ root: '1.2.250.1.213.1.4.11', extension: '295109912611193' });
    expect(path(root, 'documentationOf/serviceEvent/effectiveTime/low')[0]!.attrs.value).toBe('20240502033000+0200');
    expect(doc.metadata.servicePeriod).toEqual({ start: '2024-05-02T03:30:00+02:00', end: '2024-05-02T06:25:00+02:00' });
    const text = pdfText(doc.pdf);
    expect(text).toContain('À domicile (avant l’arrivée à la maternité)');
    expect(text).toContain('Mme Chloé ŒILLET');
    expect(text).toContain('– / 9 / 10');
    expect(text).toContain('<script>alert("x")</script>');
  });

  it('gives the metadata of the DMP deposit', async () => {
    const doc = await buildCraDocument(TWINS.cra);
    expect(doc.metadata).toMatchObject({
      uniqueId: '2.25.311863446780571012279797527218221184167.3^CRA-TWINS-v1',
      type: { code: '15508-5', system: 'http://loinc.org', display: "CR d'accouchement" },
      classCode: { code: '10', display: 'Compte rendu' },
      formatCode: 'urn:ihe:iti:xds-sd:pdf:2008',
      title: "Compte rendu d'accouchement",
      creationTime: '2024-03-12T10:15:00+01:00',
      confidentiality: 'N',
      author: { nationalId: '810005556667', profession: '50', specialty: 'G15_50', structureId: '1330000012' },
      facilityType: 'SA01',
      practiceSetting: 'ETABLISSEMENT',
      language: 'fr-FR',
      mimeType: 'text/xml',
      version: 1,
      patient: { ins: { value: '279035121518989', oid: '1.2.250.1.213.1.4.10' } },
    });
    const pdsm = toPdsmDocument(doc.metadata, doc.xml);
    expect(pdsm).toMatchObject({ ins: '279035121518989', insOid: 'urn:oid:1.2.250.1.213.1.4.10', classCode: '10', facilityType: 'SA01', mimeType: 'text/xml' });
    expect(pdsm.content.toString('utf8')).toBe(doc.xml);
  });

  it('leaves the INS out while the identity is not qualified', async () => {
    const doc = await buildCraDocument({ ...TWINS.cra, patient: { ...TWINS.cra.patient, status: 'VALI' } });
    const root = await checkCda(doc.xml);
    expect(path(root, 'recordTarget/patientRole/id').map((i) => i.attrs.root)).toEqual(['2.25.311863446780571012279797527218221184167.1']);
    expect(doc.metadata.patient.ins).toBeUndefined();
    expect(() => toPdsmDocument(doc.metadata, doc.xml)).toThrow(/qualified INS/);
    expect(pdfText(doc.pdf)).not.toContain('279035121518989');
  });

  it('refuses a qualified INS whose traits lack the birthplace', async () => {
    await expect(buildCraDocument({ ...TWINS.cra, patient: { ...TWINS.cra.patient, birthplaceInsee: undefined } })).rejects.toThrow(/birthplace/);
  });

  it('replaces a report with version 2 of the same set', async () => {
    const first = await buildCraDocument(TWINS.cra);
    const header = { ...TWINS.cra.header, id: { ...TWINS.cra.header.id, extension: 'CRA-TWINS-v2' }, version: 2, replaces: TWINS.cra.header.id };
    const second = await buildCraDocument({ ...TWINS.cra, header, comments: 'Correction : poids de J2 vérifié.' });
    const root = await checkCda(second.xml);
    expect(path(root, 'setId')[0]!.attrs).toEqual(path(await checkCda(first.xml), 'setId')[0]!.attrs);
    expect(path(root, 'versionNumber')[0]!.attrs.value).toBe('2');
    const related = path(root, 'relatedDocument')[0]!;
    expect(related.attrs.typeCode).toBe('RPLC');
    expect(path(related, 'parentDocument/id')[0]!.attrs).toEqual({ root: '2.25.311863446780571012279797527218221184167.3', extension: 'CRA-TWINS-v1' });
    expect(second.metadata).toMatchObject({ version: 2, replaces: first.metadata.uniqueId, uniqueId: '2.25.311863446780571012279797527218221184167.3^CRA-TWINS-v2' });
    expect(pdfText(second.pdf)).toContain('Version 2 (remplace la version précédente de ce document)');
    await expect(buildCraDocument({ ...TWINS.cra, header: { ...header, replaces: undefined } })).rejects.toThrow(/replaces/);
    await expect(buildCraDocument({ ...TWINS.cra, header: { ...header, id: { root: 'urn:oid:1.2.3' } } })).rejects.toThrow(/not an OID/);
  });

  it('gives the same bytes for the same input', async () => {
    const [a, b] = await Promise.all([buildCraDocument(TWINS.cra), buildCraDocument(TWINS.cra)]);
    expect(a.xml).toBe(b.xml);
    expect(Buffer.from(a.pdf).equals(Buffer.from(b.pdf))).toBe(true);
    expect(descendants(await checkCda(a.xml), 'relatedDocument')).toEqual([]);
  });
});
