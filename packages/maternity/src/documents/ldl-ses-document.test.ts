import { beforeAll, describe, expect, it } from 'vitest';
import { buildLdlSesDocument } from './ldl-ses-document.js';
import { checkCda, VALIDATION_TIMEOUT, warmUpValidation, WARM_UP_TIMEOUT } from './test-support/checks.js';
import { GENERAL_PRACTITIONER, HOSTILE, LIBERAL_MIDWIFE, MIDWIFE, TWINS, TWINS_DISCHARGE } from './test-support/fixtures.js';
import { pdfText } from './test-support/pdf-text.js';
import { children, descendants, hasTemplate, path, textContent, withTemplate, type XNode } from './test-support/xml-tree.js';

function observation(root: XNode, code: string): XNode | undefined {
  return descendants(root, 'observation').find((o) => children(o, 'code')[0]?.attrs.code === code);
}

describe('lettre de liaison à la sortie (LDL-SES)', { timeout: VALIDATION_TIMEOUT }, () => {
  beforeAll(warmUpValidation, WARM_UP_TIMEOUT);

  it('has every section the model makes mandatory, with the stay coded', async () => {
    const doc = await buildLdlSesDocument(TWINS.ldl);
    const root = await checkCda(doc.xml, 'CI-SIS_LDL-SES_2022.01.sch');
    expect(hasTemplate(root, '1.2.250.1.213.1.1.1.29')).toBe(true);
    expect(path(root, 'code')[0]!.attrs.code).toBe('11490-0');
    for (const template of ['1.2.250.1.213.1.1.2.35.1', '1.3.6.1.4.1.19376.1.5.3.1.3.1', '1.3.6.1.4.1.19376.1.7.3.1.1.13.7', '1.3.6.1.4.1.19376.1.5.3.1.3.22', '1.3.6.1.4.1.19376.1.5.3.1.3.21', '1.3.6.1.4.1.19376.1.5.3.1.3.27', '1.2.250.1.213.1.1.2.158', '1.2.250.1.213.1.1.2.137']) {
      expect(withTemplate(root, template), template).toHaveLength(1);
    }
    expect(path(root, 'recordTarget/patientRole/patient/birthTime')[0]!.attrs.value).toBe('19790328');
    expect(path(root, 'documentationOf/serviceEvent/effectiveTime/low')[0]!.attrs.value).toBe('20240311180000+0100');
    expect(path(root, 'informationRecipient/intendedRecipient/id').map((i) => i.attrs.extension)).toEqual([`8${GENERAL_PRACTITIONER.rpps}`, `8${LIBERAL_MIDWIFE.rpps}`]);
    expect(path(root, 'participant').map((p) => [p.attrs.typeCode, path(p, 'functionCode')[0]!.attrs.code])).toEqual([
      ['INF', 'PCP'],
      ['REF', 'CORRE'],
    ]);

    expect(children(observation(root, 'ORG-070')!, 'value')[0]!.attrs).toMatchObject({ code: '8715000', codeSystem: '2.16.840.1.113883.6.96' });
    expect(children(observation(root, 'ORG-074')!, 'value')[0]!.attrs).toMatchObject({ code: '160849004' });
    expect(textContent(children(observation(root, 'MED-142')!, 'value')[0]!)).toBe(TWINS_DISCHARGE.summary);
    expect(children(observation(root, 'MED-309')!, 'value')[0]!.attrs).toMatchObject({ 'xsi:type': 'BL', value: 'false' });
    expect(children(observation(root, 'MED-145')!, 'value')[0]!.attrs.value).toBe('false');
    expect(children(observation(root, 'MED-147')!, 'value')[0]!.attrs.value).toBe('false');

    const atDischarge = withTemplate(root, '1.3.6.1.4.1.19376.1.5.3.1.3.22')[0]!;
    const drugs = path(atDischarge, 'entry/substanceAdministration');
    expect(drugs).toHaveLength(2);
    expect(path(drugs[0]!, 'consumable/manufacturedProduct/manufacturedMaterial/code/translation')[0]!.attrs).toMatchObject({ code: 'B01AB05', codeSystem: '2.16.840.1.113883.6.73' });
    expect(path(drugs[0]!, 'consumable/manufacturedProduct/manufacturedMaterial/name')[0]!.text).toBe('Enoxaparine sodique 4 000 UI anti-Xa/0,4 ml');
    expect(path(drugs[0]!, 'effectiveTime/high')[0]!.attrs.value).toBe('20240325');

    const plan = withTemplate(root, '1.2.250.1.213.1.1.2.158')[0]!;
    expect(path(plan, 'entry/observation')).toHaveLength(3);
    expect(path(plan, 'entry/observation/performer/assignedEntity/id')[0]!.attrs.extension).toBe(`8${MIDWIFE.rpps}`);
    expect(textContent(withTemplate(root, '1.3.6.1.4.1.19376.1.5.3.1.3.27')[0]!)).toContain('Examen anatomopathologique des placentas');

    const allergy = withTemplate(root, '1.2.250.1.213.1.1.3.41')[0]!;
    expect(children(allergy, 'value')[0]!.attrs).toMatchObject({ code: 'no-known-allergies' });

    const text = pdfText(doc.pdf);
    for (const expected of ['Lettre de liaison à la sortie', 'Césarienne programmée pour grossesse gémellaire', 'Enoxaparine sodique', 'Consultation post-natale', 'Examen anatomopathologique des placentas', 'Aucune allergie connue', 'Dr Jean MOREAU', 'Mme Maëlle LE GALL']) {
      expect(text).toContain(expected);
    }
    expect(doc.metadata).toMatchObject({ type: { code: '11490-0' }, classCode: { code: '10' }, formatCode: 'urn:asip:ci-sis:ldl-ses:2017', servicePeriod: { start: TWINS_DISCHARGE.admission, end: TWINS_DISCHARGE.discharge } });
  });

  it('says so when there is no treatment at discharge, and lists allergies', async () => {
    const discharge = {
      ...TWINS_DISCHARGE,
      treatmentsAtDischarge: [],
      treatmentsStopped: [],
      allergies: { kind: 'liste' as const, items: [{ agent: 'Amoxicilline', reaction: 'Urticaire', type: { code: '416098002', system: '2.16.840.1.113883.6.96', display: 'allergie médicamenteuse' } }] },
      mdroScreening: { done: true, findings: 'Klebsiella pneumoniae BLSE (portage digestif)' },
    };
    const doc = await buildLdlSesDocument({ ...TWINS.ldl, discharge });
    const root = await checkCda(doc.xml);
    const atDischarge = withTemplate(root, '1.3.6.1.4.1.19376.1.5.3.1.3.22')[0]!;
    expect(path(atDischarge, 'entry/substanceAdministration/code')[0]!.attrs.code).toBe('no-known-medications');
    expect(withTemplate(root, '1.3.6.1.4.1.19376.1.5.3.1.3.21')).toHaveLength(0);
    expect(children(withTemplate(root, '1.2.250.1.213.1.1.3.41')[0]!, 'code')[0]!.attrs.code).toBe('416098002');
    expect(textContent(children(observation(root, 'MED-144')!, 'value')[0]!)).toBe('Klebsiella pneumoniae BLSE (portage digestif)');
    expect(pdfText(doc.pdf)).toContain('Amoxicilline : Urticaire');
  });

  it('keeps hostile free text as text', async () => {
    const discharge = { ...TWINS_DISCHARGE, summary: HOSTILE, reasonForStay: HOSTILE, followUp: [{ description: HOSTILE, who: HOSTILE }] };
    const doc = await buildLdlSesDocument({ ...TWINS.ldl, discharge });
    const root = await checkCda(doc.xml);
    expect(doc.xml).not.toContain('<script>');
    expect(textContent(children(observation(root, 'MED-142')!, 'value')[0]!)).toBe(HOSTILE);
    expect(pdfText(doc.pdf)).toContain(HOSTILE);
  });
});
