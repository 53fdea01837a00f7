import { beforeAll, describe, expect, it } from 'vitest';
import { buildObpSnmDocument } from './obp-snm-document.js';
import { checkCda, VALIDATION_TIMEOUT, warmUpValidation, WARM_UP_TIMEOUT } from './test-support/checks.js';
import { HOME, HOSTILE, TWINS, TWINS_DELIVERY } from './test-support/fixtures.js';
import { pdfText } from './test-support/pdf-text.js';
import { byId, children, descendants, hasTemplate, path, textContent, withTemplate, type XNode } from './test-support/xml-tree.js';

const ACTS = '1.2.250.1.213.1.1.2.118';
const RESULTS = '1.2.250.1.213.1.1.2.163';
const BIRTH = '1.3.6.1.4.1.19376.1.5.3.1.4.13.5.2';

/** The entry of a section whose code is `code`. */
function entryCoded(section: XNode, code: string): XNode | undefined {
  return path(section, 'entry')
    .flatMap((e) => e.children)
    .find((n) => children(n, 'code')[0]?.attrs.code === code);
}

function value(node: XNode | undefined): Readonly<Record<string, string>> | undefined {
  return node ? children(node, 'value')[0]?.attrs : undefined;
}

/** The value of the FR-Observation-sur-la-grossesse coded `code` in a birth organizer. */
function childValue(organizer: XNode, code: string): Readonly<Record<string, string>> | undefined {
  const obs = path(organizer, 'component/observation').find((o) => children(o, 'code')[0]?.attrs.code === code);
  return value(obs);
}

describe('synthèse salle de naissance mère (OBP-SNM)', { timeout: VALIDATION_TIMEOUT }, () => {
  beforeAll(warmUpValidation, WARM_UP_TIMEOUT);

  it('codes a twin caesarean: acts, events, each child with weight and Apgar', async () => {
    const doc = await buildObpSnmDocument(TWINS.snm);
    const root = await checkCda(doc.xml, 'CI-SIS_OBP-SNM_2024.01.sch');
    expect(hasTemplate(root, '1.2.250.1.213.1.1.1.12.2')).toBe(true);
    expect(path(root, 'code')[0]!.attrs).toMatchObject({ code: '57057-2', codeSystem: '2.16.840.1.113883.6.1' });
    expect(path(root, 'documentationOf/serviceEvent/code')[0]!.attrs.code).toBe('236973005');
    expect(path(root, 'participant/associatedEntity/telecom').length).toBeGreaterThan(0);
    expect(path(root, 'participant').map((p) => p.attrs.typeCode)).toEqual(['RESP', 'PRF', 'PRF', 'PRF', 'INF']);

    const labour = withTemplate(root, '1.2.250.1.213.1.1.2.123')[0]!;
    expect(children(labour, 'code')[0]!.attrs.code).toBe('57074-7');
    const acts = withTemplate(labour, ACTS)[0]!;
    const onset = entryCoded(acts, '73813-8')!;
    expect(path(onset, 'code/qualifier/value')[0]!.attrs).toMatchObject({ code: '11466000', codeSystem: '2.16.840.1.113883.6.96' });
    expect(path(entryCoded(acts, 'MED-1249')!, 'code/qualifier/value')[0]!.attrs.code).toBe('27372005');
    expect(entryCoded(acts, 'MED-1250')).toBeUndefined();
    expect(entryCoded(acts, 'MED-1251')).toBeUndefined();

    const results = withTemplate(labour, RESULTS)[0]!;
    expect(value(entryCoded(results, '11884-4'))).toMatchObject({ 'xsi:type': 'PQ', value: '261', unit: 'd' });
    expect(value(entryCoded(results, '11636-8'))).toMatchObject({ 'xsi:type': 'INT', value: '2' });
    expect(value(entryCoded(results, 'ORG-074'))).toMatchObject({ code: 'MED-1176' });
    const problems = path(results, 'entry/observation').filter((o) => hasTemplate(o, '1.2.250.1.213.1.1.3.37'));
    expect(problems.map((p) => value(p)?.code)).toEqual(['P22.1', '289854007']);

    const births = withTemplate(results, BIRTH);
    expect(births).toHaveLength(2);
    const [j1, j2] = births as [XNode, XNode];
    expect(path(j1, 'subject/relatedSubject/subject/administrativeGenderCode')[0]!.attrs.code).toBe('F');
    expect(path(j2, 'subject/relatedSubject/subject/administrativeGenderCode')[0]!.attrs.code).toBe('M');
    expect(childValue(j1, '8339-4')).toMatchObject({ value: '2450', unit: 'g' });
    expect(childValue(j2, '8339-4')).toMatchObject({ value: '2610', unit: 'g' });
    expect([childValue(j1, '9272-6')?.value, childValue(j1, '9274-2')?.value, childValue(j1, '9271-8')?.value]).toEqual(['9', '10', '10']);
    expect([childValue(j2, '9272-6')?.value, childValue(j2, '9274-2')?.value, childValue(j2, '9271-8')?.value]).toEqual(['7', '9', '10']);
    expect(childValue(j1, '57071-3')).toMatchObject({ code: 'MED-1273' });
    expect(childValue(j1, 'MED-1223')).toMatchObject({ code: '49168004' });
    expect(childValue(j2, '107724000')).toMatchObject({ code: '88694003' });
    expect(childValue(j1, '92276-5')).toMatchObject({ code: '281050002' });
    expect(childValue(j1, '8287-5')).toMatchObject({ value: '32.5', unit: 'cm' });
    // Every value has its readable twin in the narrative.
    const weightRef = path(j2, 'component/observation').find((o) => children(o, 'code')[0]?.attrs.code === '8339-4')!;
    expect(textContent(byId(root, path(weightRef, 'text/reference')[0]!.attrs.value!.slice(1))!)).toBe('2\u202F610 g');

    const status = withTemplate(root, '1.2.250.1.213.1.1.3.48.16')[0]!;
    expect(value(status)).toMatchObject({ code: '9571008' });

    const text = pdfText(doc.pdf);
    for (const expected of ['Synthèse Salle de Naissance Mère', 'Césarienne programmée', '2\u00A0610 g', '7 / 9 / 10', 'Approuvé']) expect(text).toContain(expected);
  });

  it('codes a spontaneous birth at home before admission', async () => {
    const doc = await buildObpSnmDocument(HOME.snm);
    const root = await checkCda(doc.xml);
    const acts = withTemplate(root, ACTS)[0]!;
    const onset = entryCoded(acts, '73813-8')!;
    expect(path(onset, 'code/qualifier/value')[0]!.attrs.code).toBe('84457005');
    const comment = path(onset, 'entryRelationship/act/text/reference')[0]!.attrs.value!;
    expect(textContent(byId(root, comment.slice(1))!)).toBe('À domicile (avant l’arrivée à la maternité)');
    expect(entryCoded(acts, 'MED-1249')).toBeUndefined();
    expect(path(entryCoded(acts, 'MED-1250')!, 'code/qualifier/value')[0]!.attrs.code).toBe('MED-222');

    const results = withTemplate(root, RESULTS)[0]!;
    expect(value(entryCoded(results, '11884-4'))).toMatchObject({ value: '278', unit: 'd' });
    const perineum = path(results, 'entry/observation').filter((o) => hasTemplate(o, '1.2.250.1.213.1.1.3.37'));
    expect(perineum.map((p) => value(p))).toEqual([expect.objectContaining({ code: 'O70.0', codeSystem: '2.16.840.1.113883.6.3' })]);
    const [child] = withTemplate(results, BIRTH) as [XNode];
    expect(childValue(child, '9272-6')).toBeUndefined();
    expect(childValue(child, '9274-2')).toMatchObject({ value: '9' });
    expect(childValue(child, '57071-3')).toMatchObject({ code: '700000006' });
    expect(childValue(child, '107724000')).toMatchObject({ code: 'GEN-301' });
    expect(pdfText(doc.pdf)).toContain('Mme Chloé ŒILLET');
  });

  it('keeps hostile free text as text', async () => {
    const delivery = { ...TWINS_DELIVERY, events: [{ text: HOSTILE, phase: 'travail' as const }] };
    const doc = await buildObpSnmDocument({ ...TWINS.snm, delivery });
    const root = await checkCda(doc.xml);
    expect(doc.xml).not.toContain('<script>');
    expect(doc.xml).toContain('&lt;script&gt;alert("x")&lt;/script&gt; &amp;');
    expect(descendants(root, 'content').map(textContent)).toContain(HOSTILE);
    expect(pdfText(doc.pdf)).toContain(HOSTILE);
  });

  it('states its metadata', async () => {
    const doc = await buildObpSnmDocument(TWINS.snm);
    expect(doc.metadata).toMatchObject({
      type: { code: '57057-2', display: 'Synthèse Salle de Naissance Mère' },
      classCode: { code: '11' },
      formatCode: 'urn:asip:ci-sis:obp-snm:2023',
      servicePeriod: { start: '2024-03-12T08:42:00+01:00', end: '2024-03-12T08:44:00+01:00' },
    });
  });
});
