/**
 * The shipped CDA validation resources are exactly what scripts/build-cda-validation.ts makes from
 * the ANS folder (`$ANS_DIR` or `../shared/ans` beside the repository); skipped without that folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_SCHEMATRONS } from '../packages/maternity/src/cda/validation/models.js';
import { differences, generate, OUTPUT_DIR, readTree, schematronClosure, xsdClosure, type CdaValidationManifest } from './build-cda-validation.js';
import { ansDirectory } from './convert-terminology.js';

const ANS_DIR = ansDirectory();
const haveAns = existsSync(path.join(ANS_DIR, 'schematrons')) && existsSync(path.join(ANS_DIR, 'cda-schema'));

describe.skipIf(!haveAns)('shipped CDA validation resources', () => {
  const manifest = JSON.parse(readFileSync(path.join(OUTPUT_DIR, 'manifest.json'), 'utf8')) as CdaValidationManifest;

  it('are exactly what the script produces (run npx tsx scripts/build-cda-validation.ts if not)', () => {
    expect(differences(generate(ANS_DIR), readTree(OUTPUT_DIR))).toEqual([]);
  }, 60_000);

  it('hold the XSD files CDA_extended.xsd reaches, and no others', () => {
    expect(manifest.xsd.files).toEqual([
      'cda-schema/CDA_extended.xsd',
      'cda-schema/POCD_MT000040_extended_pharmacy.xsd',
      'cda-schema/dicom/DICOM.xsd',
      'cda-schema/general/NarrativeBlock.xsd',
      'cda-schema/general/datatypes-base.xsd',
      'cda-schema/general/datatypes.xsd',
      'cda-schema/general/infrastructureRoot.xsd',
      'cda-schema/general/voc.xsd',
      'cda-schema/ihelab/ihelab.xsd',
      'cda-schema/pharmacy/COCT_MT230100UV_ext_pharmacy.xsd',
      'cda-schema/schema/XMLSchema.xsd',
      'cda-schema/schema/schema-for-xslt20.xsd',
      'cda-schema/schema/xml.xsd',
      'cda-schema/sdtc/SDTC.xsd',
    ]);
    const shipped = [...readTree(OUTPUT_DIR).keys()];
    expect(shipped.filter((f) => f.startsWith('cda-schema/'))).toEqual(manifest.xsd.files);
    // The shipped copy is self-contained: its own closure is the same.
    expect(xsdClosure(OUTPUT_DIR)).toEqual(manifest.xsd.files);
  });

  it('hold, per Schematron, the files it includes and the documents it names, nothing else', () => {
    expect(Object.keys(manifest.schematrons)).toEqual([...ALL_SCHEMATRONS]);
    const expected = new Set<string>(['manifest.json', ...manifest.xsd.files, ...Object.keys(manifest.generated)]);
    for (const main of ALL_SCHEMATRONS) {
      const entry = manifest.schematrons[main];
      const closure = schematronClosure(OUTPUT_DIR, main);
      expect(closure.files, main).toEqual(entry?.files);
      for (const file of entry?.files ?? []) expected.add(file);
      for (const file of Object.values(entry?.documents ?? {})) {
        expect(existsSync(path.join(OUTPUT_DIR, file)), `${main} reads ${file}`).toBe(true);
        expected.add(file);
      }
    }
    expect([...readTree(OUTPUT_DIR).keys()].sort()).toEqual([...expected].sort());
  });

  it('repair one upstream omission: the J07 value set the minimal-structuration rules read', () => {
    const voc = 'schematrons/profils/structurationMinimale/include/voc-1.2.250.1.213.1.1.5.471-DYNAMIC.xml';
    expect(manifest.generated).toEqual({ [voc]: 'value-sets/JDV_J07_XdsTypeCode_CISIS.xml' });
    expect(existsSync(path.join(ANS_DIR, voc))).toBe(false);
    const svsCodes = [...readFileSync(path.join(ANS_DIR, 'value-sets/JDV_J07_XdsTypeCode_CISIS.xml'), 'utf8').matchAll(/<Concept\s[^>]*?\bcode="([^"]*)"/g)].map((m) => m[1]);
    const vocCodes = [...readFileSync(path.join(OUTPUT_DIR, voc), 'utf8').matchAll(/<concept\s[^>]*?\bcode="([^"]*)"/g)].map((m) => m[1]);
    expect(svsCodes.length).toBeGreaterThan(100);
    expect(vocCodes).toEqual(svsCodes);
    expect(readFileSync(path.join(OUTPUT_DIR, voc), 'utf8')).toContain('<valueSet id="1.2.250.1.213.1.1.5.471" name="JDV_J07_XdsTypeCode_CISIS"');
  });

  it('list the value sets named but absent upstream (no active rule reads them)', () => {
    expect(manifest.missing).toEqual({ 'jeuxDeValeurs/JDV_ClinicalStatusCodes_CISIS.xml': 'profils/CI-SIS_ModelesDeContenusCDA.sch' });
  });
});
