import { describe, expect, it } from 'vitest';
import {
  CODE_SYSTEMS,
  SYSTEMS,
  canonicalSystem,
  cdaCodeSystem,
  codeSystemInfo,
  sameSystem,
  systemOid,
} from './code-systems.js';
import { GENERATED_TERMINOLOGY } from './value-sets.js';

const ANS = (name: string): string => `https://mos.esante.gouv.fr/NOS/${name}/FHIR/${name.replace(/_/g, '-')}`;

/** The table as stated in the task and checked against the ANS CodeSystem definitions. */
const EXPECTED: readonly [oid: string, url: string][] = [
  ['1.2.250.1.213.1.1.4.1', ANS('TRE_A03-ClasseDocument')],
  ['1.2.250.1.213.1.1.4.12', ANS('TRE_A05-TypeDocComplementaire')],
  ['1.2.250.1.213.1.1.4.2.282', ANS('TRE_A06-FormatCodeComplementaire')],
  ['1.2.250.1.213.1.1.4.13', ANS('TRE_A07-StatutVisibiliteDocument')],
  ['1.2.250.1.213.1.1.4.248', ANS('TRE_R248-ModeAcces')],
  ['1.2.250.1.213.1.1.4.6', ANS('TRE_A00-ProducteurDocNonPS')],
  ['1.2.250.1.213.1.1.4.9', ANS('TRE_A01-CadreExercice')],
  ['1.2.250.1.213.1.1.4.5', ANS('TRE_A02-ProfessionSavFaire-CISIS')],
  ['1.2.250.1.71.1.2.7', ANS('TRE_G15-ProfessionSante')],
  ['1.2.250.1.71.4.2.4', ANS('TRE_R02-SecteurActivite')],
  ['1.2.250.1.213.1.6.1.8', ANS('TRE_R66-CategorieEtablissement')],
  ['2.16.840.1.113883.6.1', 'http://loinc.org'],
  ['2.16.840.1.113883.6.96', 'http://snomed.info/sct'],
  ['2.16.840.1.113883.5.25', 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality'],
  ['1.3.6.1.4.1.19376.1.2.3', 'http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode'],
];

describe('OID <-> URL table', () => {
  for (const [oid, url] of EXPECTED) {
    it(`${oid} <-> ${url}`, () => {
      expect(canonicalSystem(`urn:oid:${oid}`)).toBe(url);
      expect(canonicalSystem(oid)).toBe(url);
      expect(canonicalSystem(url)).toBe(url);
      expect(systemOid(url)).toBe(oid);
      expect(systemOid(`urn:oid:${oid}`)).toBe(oid);
      expect(sameSystem(url, `urn:oid:${oid}`)).toBe(true);
      expect(cdaCodeSystem(url)).toBe(oid);
    });
  }

  it('has no OID or URL twice', () => {
    const oids = CODE_SYSTEMS.flatMap((c) => (c.oid === undefined ? [] : [c.oid]));
    const urls = CODE_SYSTEMS.flatMap((c) => [c.url, ...c.aliases]);
    expect(new Set(oids).size).toBe(oids.length);
    expect(new Set(urls).size).toBe(urls.length);
  });

  it('ANS terminology URLs follow https://mos.esante.gouv.fr/NOS/<TRE_X>/FHIR/<TRE-X>', () => {
    for (const c of CODE_SYSTEMS.filter((s) => s.name.startsWith('TRE_'))) expect(c.url).toBe(ANS(c.name));
  });

  it('covers every system of the shipped data', () => {
    for (const vs of Object.values(GENERATED_TERMINOLOGY.valueSets)) {
      for (const inc of vs.include) expect(codeSystemInfo(inc.system), `${vs.name} ${inc.system}`).toBeDefined();
    }
    for (const cs of Object.values(GENERATED_TERMINOLOGY.codeSystems)) expect(codeSystemInfo(cs.system)).toBeDefined();
  });

  it('SYSTEMS constants are canonical URLs of the table', () => {
    for (const url of Object.values(SYSTEMS)) expect(canonicalSystem(url)).toBe(url);
  });
});

describe('aliases of ANS copies of international systems', () => {
  it('TRE_A11 (ANS copy of the IHE format codes) reads as the IHE system', () => {
    expect(canonicalSystem(ANS('TRE_A11-IheFormatCode'))).toBe(SYSTEMS.IHE_FORMAT_CODE);
    expect(sameSystem(ANS('TRE_A11-IheFormatCode'), 'urn:oid:1.3.6.1.4.1.19376.1.2.3')).toBe(true);
  });

  it('TRE_A08 (ANS copy of HL7 Confidentiality) reads as the HL7 system', () => {
    expect(canonicalSystem(ANS('TRE_A08-HL7Confidentiality'))).toBe(SYSTEMS.HL7_CONFIDENTIALITY);
  });

  it('TRE_A09 and the DICOM UID registry are one system', () => {
    expect(sameSystem(ANS('TRE_A09-DICOMuidRegistry'), 'urn:oid:1.2.840.10008.2.6.1')).toBe(true);
    expect(sameSystem('http://dicom.nema.org/resources/ontology/DCM', 'urn:oid:1.2.840.10008.2.6.1')).toBe(false);
  });

  it('TRE_A10 and TRE_A12 have CDA pseudo-identifiers and no OID', () => {
    expect(cdaCodeSystem(ANS('TRE_A12-NomenclatureASTM'))).toBe('ASTM');
    expect(canonicalSystem('ASTM')).toBe(ANS('TRE_A12-NomenclatureASTM'));
    expect(systemOid('ASTM')).toBeUndefined();
    expect(cdaCodeSystem(ANS('TRE_A10-NomenclatureURN'))).toBe('URN');
  });
});

describe('unknown systems', () => {
  it('canonicalSystem returns the input unchanged', () => {
    expect(canonicalSystem('urn:oid:1.2.3.4')).toBe('urn:oid:1.2.3.4');
    expect(canonicalSystem('http://example.org/cs')).toBe('http://example.org/cs');
  });

  it('systemOid reads the OID an unknown urn:oid spells, and nothing from a URL', () => {
    expect(systemOid('urn:oid:1.2.250.1.213.1.4.8')).toBe('1.2.250.1.213.1.4.8');
    expect(systemOid('URN:OID:1.2.250.1.213.1.4.8')).toBe('1.2.250.1.213.1.4.8');
    expect(systemOid('1.2.250.1.71.4.2.1')).toBe('1.2.250.1.71.4.2.1');
    expect(systemOid('http://example.org/cs')).toBeUndefined();
    expect(systemOid('urn:oid:not-an-oid')).toBeUndefined();
  });

  it('sameSystem compares unknown OIDs in both spellings, and tells different systems apart', () => {
    expect(sameSystem('urn:oid:1.2.3.4', '1.2.3.4')).toBe(true);
    expect(sameSystem('urn:oid:1.2.3.4', 'urn:oid:1.2.3.5')).toBe(false);
    expect(sameSystem('http://loinc.org', 'http://snomed.info/sct')).toBe(false);
    expect(sameSystem('urn:oid:2.16.840.1.113883.6.1', 'http://loinc.org')).toBe(true);
  });

  it('the urn:oid prefix is case-insensitive', () => {
    expect(canonicalSystem('URN:OID:2.16.840.1.113883.6.1')).toBe('http://loinc.org');
  });
});
