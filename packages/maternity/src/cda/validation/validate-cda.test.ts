/**
 * validateCda on the ANS example documents and on broken copies of them.
 *
 * The examples are read from the ANS folder (`$ANS_DIR` or `../shared/ans` beside the repository);
 * without it these tests are skipped. The validator itself reads only its shipped resources.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCda, type CdaValidationReport } from './index.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..');
const ANS_DIR =
  process.env['ANS_DIR'] !== undefined && process.env['ANS_DIR'] !== '' ? path.resolve(process.env['ANS_DIR']) : path.resolve(REPO_ROOT, '..', 'shared', 'ans');
const EXAMPLES = path.join(ANS_DIR, 'cda-examples');
const haveExamples = existsSync(EXAMPLES);

const example = (name: string): string => readFileSync(path.join(EXAMPLES, name), 'utf8');

const GENERIC = ['CI-SIS_ModelesDeContenusCDA.sch', 'ASIP-STRUCT-MIN-StrucMin.sch'];

const REFUSED = {
  message: 'Document refused: a DOCTYPE declaration is not allowed (no DTD, no entity declarations, no external entities)',
  rule: 'refused',
};

function schematron(report: CdaValidationReport, schema: string) {
  const found = report.schematron.find((s) => s.schema === schema);
  expect(found, `${schema} ran`).toBeDefined();
  return found as NonNullable<typeof found>;
}

/** Replaces exactly one occurrence (fails the test if the text is not there once). */
function replaceOnce(xml: string, from: string | RegExp, to: string): string {
  const matches = typeof from === 'string' ? xml.split(from).length - 1 : (xml.match(new RegExp(from.source, `${from.flags.replace('g', '')}g`)) ?? []).length;
  expect(matches, `${String(from)} occurs once`).toBe(1);
  return xml.replace(from, to);
}

describe.skipIf(!haveExamples)('validateCda on the ANS examples', () => {
  const reports = new Map<string, CdaValidationReport>();
  const files = haveExamples ? readdirSync(EXAMPLES).filter((f) => f.endsWith('.xml')).sort() : [];

  beforeAll(async () => {
    // The first document compiles the expressions it needs (a few seconds); the rest are quick.
    for (const file of files) reports.set(file, await validateCda(example(file)));
  }, 120_000);

  it('finds the eight example documents', () => {
    expect(files).toEqual([
      'CNAM-HR_2021.01.xml',
      'DOC_NON_STRUCTURE_CDA-R2-N1.xml',
      'LDL-SES_2022.01.xml',
      'OBP-SAP_2024.01.xml',
      'OBP-SCM_2024.01.xml',
      'OBP-SEM_2024.01.xml',
      'OBP-SNE_2024.01.xml',
      'OBP-SNM_2024.01.xml',
    ]);
  });

  it('every example is valid against CDA_extended.xsd', () => {
    for (const file of files) expect(reports.get(file)?.xsd, file).toEqual([]);
  });

  it('every example passes the two generic Schematrons, without warnings', () => {
    for (const file of files) {
      const report = reports.get(file) as CdaValidationReport;
      for (const schema of GENERIC) {
        const s = schematron(report, schema);
        expect(s.errors, `${file} ${schema}`).toEqual([]);
        expect(s.warnings, `${file} ${schema}`).toEqual([]);
      }
    }
  });

  it('OBP-SNM_2024.01.xml runs and passes its model rules', () => {
    const report = reports.get('OBP-SNM_2024.01.xml') as CdaValidationReport;
    expect(report.schematron.map((s) => s.schema)).toEqual([...GENERIC, 'CI-SIS_OBP-SNM_2024.01.sch']);
    expect(schematron(report, 'CI-SIS_OBP-SNM_2024.01.sch')).toEqual({ schema: 'CI-SIS_OBP-SNM_2024.01.sch', errors: [], warnings: [] });
    expect(report.valid).toBe(true);
  });

  it('LDL-SES_2022.01.xml runs and passes its model rules', () => {
    const report = reports.get('LDL-SES_2022.01.xml') as CdaValidationReport;
    expect(report.schematron.map((s) => s.schema)).toEqual([...GENERIC, 'CI-SIS_LDL-SES_2022.01.sch']);
    expect(schematron(report, 'CI-SIS_LDL-SES_2022.01.sch')).toEqual({ schema: 'CI-SIS_LDL-SES_2022.01.sch', errors: [], warnings: [] });
    expect(report.valid).toBe(true);
  });

  it('documents of models without shipped rules get the generic rules only', () => {
    for (const file of ['CNAM-HR_2021.01.xml', 'DOC_NON_STRUCTURE_CDA-R2-N1.xml', 'OBP-SAP_2024.01.xml', 'OBP-SNE_2024.01.xml']) {
      expect(reports.get(file)?.schematron.map((s) => s.schema), file).toEqual(GENERIC);
      expect(reports.get(file)?.valid, file).toBe(true);
    }
  });

  it('a formatCode selects the model too', async () => {
    const report = await validateCda(example('OBP-SNM_2024.01.xml'), { formatCode: 'urn:asip:ci-sis:ldl-ses:2017' });
    expect(report.schematron.map((s) => s.schema)).toEqual([...GENERIC, 'CI-SIS_OBP-SNM_2024.01.sch', 'CI-SIS_LDL-SES_2022.01.sch']);
    // An obstetric summary is not a lettre de liaison: the LDL-SES header rule says so.
    expect(schematron(report, 'CI-SIS_LDL-SES_2022.01.sch').errors.map((e) => e.rule)).toContain("cda:code[@code='11490-0']");
    expect(report.valid).toBe(false);
  }, 30_000);
});

describe.skipIf(!haveExamples)('validateCda on broken copies', () => {
  it('OBP-SNM without its realmCode: the minimal-structuration rule requires it', async () => {
    const xml = replaceOnce(example('OBP-SNM_2024.01.xml'), '<realmCode code="FR" />', '');
    const report = await validateCda(xml);
    expect(report.xsd).toEqual([]); // realmCode is optional in CDA R2
    expect(schematron(report, 'ASIP-STRUCT-MIN-StrucMin.sch').errors).toEqual([
      {
        message: "(SMDS_CDAClinicalDocument): element hl7:realmCode[@code = 'FR'] is required [min 1x].",
        location: '/ClinicalDocument[1]',
        rule: "count(hl7:realmCode[@code = 'FR']) >= 1",
      },
    ]);
    expect(report.valid).toBe(false);
  }, 30_000);

  it('LDL-SES without the document status section: the model rule requires it', async () => {
    const xml = replaceOnce(example('LDL-SES_2022.01.xml'), '<templateId root="1.2.250.1.213.1.1.2.35.1"/>', '');
    const report = await validateCda(xml);
    const errors = schematron(report, 'CI-SIS_LDL-SES_2022.01.sch').errors;
    expect(errors.map((e) => e.message)).toContain(
      '[CI-SIS_LDL-SES_2021.01] Erreur de conformité : La section FR-Statut-du-document-LDL-SES (1.2.250.1.213.1.1.2.35.1) est obligatoire.',
    );
    expect(errors.find((e) => e.message.includes('FR-Statut-du-document'))?.location).toBe('/ClinicalDocument[1]');
    expect(report.valid).toBe(false);
  }, 30_000);

  it('a procedure code outside JDV_ActeOBP_CISIS: the value set rule names the code and the set', async () => {
    const xml = replaceOnce(
      example('OBP-SNM_2024.01.xml'),
      '<code code="73813-8" displayName="Caractéristiques du travail"',
      '<code code="99999-9" displayName="Caractéristiques du travail"',
    );
    const report = await validateCda(xml);
    expect(report.xsd).toEqual([]);
    const errors = schematron(report, 'CI-SIS_OBP-SNM_2024.01.sch').errors;
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/^\[dansJeuDeValeurs\] L'élément .*\[99999-9:Caractéristiques du travail:2\.16\.840\.1\.113883\.6\.1\] doit faire partie du jeu de valeurs \.\.\/jeuxDeValeurs\/JDV_ActeOBP_CISIS\.xml\.$/);
    expect(errors[0]?.location).toMatch(/\/entry\[1\]\/procedure\[1\]\/code\[1\]$/);
    expect(schematron(report, 'CI-SIS_ModelesDeContenusCDA.sch').errors).toEqual([]);
    expect(report.valid).toBe(false);
  }, 30_000);

  it('a document type code outside JDV_J07: the minimal-structuration value set rule fails', async () => {
    const xml = replaceOnce(example('OBP-SNM_2024.01.xml'), '<code code="57057-2" displayName', '<code code="00000-0" displayName');
    const report = await validateCda(xml);
    const strucMin = schematron(report, 'ASIP-STRUCT-MIN-StrucMin.sch').errors;
    expect(strucMin).toContainEqual({
      message: "(SMDS_CDAClinicalDocument): The value for code SHALL be selected from value set '1.2.250.1.213.1.1.5.471' JDV_J07_XdsTypeCode_CISIS (DYNAMIC).",
      location: '/ClinicalDocument[1]/code[1]',
      rule: "not(@code) or empty($theAttValue[not(. = (doc('include/voc-1.2.250.1.213.1.1.5.471-DYNAMIC.xml')/*/valueSet/conceptList/concept/@code))])",
    });
    expect(schematron(report, 'CI-SIS_OBP-SNM_2024.01.sch').errors.map((e) => e.rule)).toEqual([
      "./cda:code[@code='57057-2' and @codeSystem='2.16.840.1.113883.6.1']",
    ]);
  }, 30_000);

  it('an element the CDA schema does not allow: the XSD reports it with its line', async () => {
    const xml = replaceOnce(example('OBP-SNM_2024.01.xml'), '<realmCode code="FR" />', '<realmCode code="FR" /><unknownElement/>');
    const report = await validateCda(xml);
    expect(report.xsd).toHaveLength(1);
    expect(report.xsd[0]).toMatchObject({ location: 'line 33', rule: 'xsd' });
    expect(report.xsd[0]?.message).toContain("Element '{urn:hl7-org:v3}unknownElement': This element is not expected.");
    expect(report.valid).toBe(false);
  }, 30_000);

  describe('an external entity (XXE)', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'cda-xxe-'));
      writeFileSync(path.join(dir, 'secret.txt'), 'TOP-SECRET-MARKER-4f1c');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('is refused before parsing, never expanded', async () => {
      const original = example('OBP-SNM_2024.01.xml');
      const withDoctype = replaceOnce(
        original,
        /^<\?xml[^>]*\?>/,
        `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE ClinicalDocument [<!ENTITY xxe SYSTEM "file://${path.join(dir, 'secret.txt')}">]>`,
      ).replace(/<title>[^<]*<\/title>/, '<title>&xxe;</title>');
      expect(withDoctype).toContain('<!DOCTYPE ClinicalDocument [<!ENTITY xxe SYSTEM');
      const report = await validateCda(withDoctype);
      expect(report).toEqual({ valid: false, xsd: [REFUSED], schematron: [] });
      expect(JSON.stringify(report)).not.toContain('TOP-SECRET-MARKER');
    });

    it('is refused wherever the prolog puts the DOCTYPE (after comments and processing instructions), entity bombs too', async () => {
      const bomb = '<!DOCTYPE ClinicalDocument [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>';
      const xml = replaceOnce(example('OBP-SNM_2024.01.xml'), '<ClinicalDocument ', `<!-- a comment -->\n${bomb}\n<ClinicalDocument `);
      expect(await validateCda(xml)).toEqual({ valid: false, xsd: [REFUSED], schematron: [] });
    });
  });

  it('malformed XML: a well-formedness error, no Schematron run', async () => {
    const truncated = example('OBP-SNM_2024.01.xml').replace(/<\/ClinicalDocument>\s*$/, '');
    const report = await validateCda(truncated);
    expect(report.valid).toBe(false);
    expect(report.schematron).toEqual([]);
    expect(report.xsd.length).toBeGreaterThan(0);
    expect(report.xsd[0]?.rule).toBe('well-formedness');
    expect(report.xsd.map((i) => i.message).join('\n')).toMatch(/Premature end of data|EndTag|end of data/i);
  }, 30_000);

  it('a document over the size limit is refused', async () => {
    const report = await validateCda(example('OBP-SNM_2024.01.xml'), { maxBytes: 1000 });
    expect(report.valid).toBe(false);
    expect(report.xsd).toHaveLength(1);
    expect(report.xsd[0]?.rule).toBe('refused');
    expect(report.xsd[0]?.message).toMatch(/^Document refused: \d+ bytes, more than the 1000 accepted$/);
  });
});
