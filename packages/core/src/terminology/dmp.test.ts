import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SYSTEMS } from './code-systems.js';
import {
  ACCESS_MODES,
  CONFIDENTIALITY_CODES,
  DMP_DOCUMENT_TYPES,
  DOCUMENT_CLASSES,
  VISIBILITY_CODES,
  classLabel,
  dmpDocumentType,
  isAccessMode,
  isConfidentialityCode,
  isDmpFormatCode,
  isVisibilityCode,
  typeLabel,
} from './dmp.js';
import { valueSet } from './value-sets.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const ANS_DIR =
  process.env['ANS_DIR'] !== undefined && process.env['ANS_DIR'] !== ''
    ? path.resolve(process.env['ANS_DIR'])
    : path.resolve(REPO_ROOT, '..', 'shared', 'ans');
const SOURCE = JSON.parse(readFileSync(path.join(ANS_DIR, 'dmp-terminology.json'), 'utf8')) as {
  typeCodesDMP_J66_withClass: { code: string; classCode: string }[];
  formatCodesDMP_J60: { code: string }[];
};

const LOINC_FORMS = ['http://loinc.org', 'urn:oid:2.16.840.1.113883.6.1', '2.16.840.1.113883.6.1'];
const A05_URL = 'https://mos.esante.gouv.fr/NOS/TRE_A05-TypeDocComplementaire/FHIR/TRE-A05-TypeDocComplementaire';
const A06_URL = 'https://mos.esante.gouv.fr/NOS/TRE_A06-FormatCodeComplementaire/FHIR/TRE-A06-FormatCodeComplementaire';
const A11_URL = 'https://mos.esante.gouv.fr/NOS/TRE_A11-IheFormatCode/FHIR/TRE-A11-IheFormatCode';
const IHE_FORMS = [SYSTEMS.IHE_FORMAT_CODE, A11_URL, 'urn:oid:1.3.6.1.4.1.19376.1.2.3'];
const sourceClass = (code: string): string | undefined =>
  SOURCE.typeCodesDMP_J66_withClass.find((t) => t.code === code)?.classCode;

describe('J66 document types with their J57 class', () => {
  it('11488-4 (CR de consultation) implies the class the data gives: 10, not 11', () => {
    expect(dmpDocumentType('http://loinc.org', '11488-4')?.classCode).toBe(sourceClass('11488-4'));
    expect(sourceClass('11488-4')).toBe('10');
  });

  it("the maternity's types are accepted, with their classes", () => {
    const expected: Record<string, string> = { '15508-5': '10', '57057-2': '11', '34874-8': '10', '11490-0': '10' };
    for (const [code, classCode] of Object.entries(expected)) {
      for (const system of LOINC_FORMS) {
        const type = dmpDocumentType(system, code);
        expect(type, `${system} ${code}`).toBeDefined();
        expect(type?.classCode).toBe(classCode);
        expect(type?.system).toBe('http://loinc.org');
      }
      expect(sourceClass(code)).toBe(classCode);
    }
    expect(dmpDocumentType('http://loinc.org', '15508-5')?.display).toBe("CR d'accouchement");
  });

  it('the examples of DOMAIN.md map as it says', () => {
    expect(dmpDocumentType(A05_URL, 'REMB')?.classCode).toBe('60');
    expect(dmpDocumentType('urn:oid:1.2.250.1.213.1.1.4.12', 'EXPPAT_3')?.classCode).toBe('90');
    expect(dmpDocumentType(A05_URL, 'EXPPAT_1')?.display).toBe('Volontés et droits du patient');
    expect(dmpDocumentType('http://loinc.org', '18748-4')?.classCode).toBe('31');
    for (let i = 1; i <= 9; i++) expect(dmpDocumentType(A05_URL, `DOCPAT0${i}`), `DOCPAT0${i}`).toBeDefined();
    expect(dmpDocumentType(A05_URL, 'REMB')?.system).toBe(A05_URL);
  });

  it('refuses a type under the wrong system, or outside J66', () => {
    expect(dmpDocumentType(SYSTEMS.SNOMED_CT, '15508-5')).toBeUndefined();
    expect(dmpDocumentType('http://loinc.org', 'REMB')).toBeUndefined();
    expect(dmpDocumentType('http://loinc.org', '00000-0')).toBeUndefined();
  });

  it('every type has a class of TRE_A03, and the list matches the source size', () => {
    expect(DMP_DOCUMENT_TYPES).toHaveLength(SOURCE.typeCodesDMP_J66_withClass.length);
    for (const t of DMP_DOCUMENT_TYPES) expect(DOCUMENT_CLASSES[t.classCode], t.code).toBeDefined();
  });
});

describe('J60 format codes', () => {
  it('urn:ihe:iti:xds:2017:mimeTypeSufficient is not in J60 (as in the data)', () => {
    const inSource = SOURCE.formatCodesDMP_J60.some((f) => f.code === 'urn:ihe:iti:xds:2017:mimeTypeSufficient');
    expect(inSource).toBe(false);
    for (const system of IHE_FORMS) {
      expect(isDmpFormatCode(system, 'urn:ihe:iti:xds:2017:mimeTypeSufficient')).toBe(inSource);
    }
  });

  it("the maternity's format codes are in J60", () => {
    for (const system of IHE_FORMS) expect(isDmpFormatCode(system, 'urn:ihe:iti:xds-sd:pdf:2008'), system).toBe(true);
    for (const system of [A06_URL, 'urn:oid:1.2.250.1.213.1.1.4.2.282']) {
      expect(isDmpFormatCode(system, 'urn:asip:ci-sis:obp-snm:2023')).toBe(true);
      expect(isDmpFormatCode(system, 'urn:asip:ci-sis:ldl-ses:2017')).toBe(true);
    }
    expect(isDmpFormatCode(A06_URL, 'urn:asip:ci-sis:hr:2019')).toBe(true);
  });

  it('a format code under the wrong system is refused', () => {
    expect(isDmpFormatCode(A06_URL, 'urn:ihe:iti:xds-sd:pdf:2008')).toBe(false);
    expect(isDmpFormatCode(SYSTEMS.IHE_FORMAT_CODE, 'urn:asip:ci-sis:ldl-ses:2017')).toBe(false);
  });

  it('the imaging manifest (KOS) is accepted under the DICOM UID registry', () => {
    expect(isDmpFormatCode('urn:oid:1.2.840.10008.2.6.1', '1.2.840.10008.5.1.4.1.1.88.59')).toBe(true);
    expect(
      isDmpFormatCode('https://mos.esante.gouv.fr/NOS/TRE_A09-DICOMuidRegistry/FHIR/TRE-A09-DICOMuidRegistry', '1.2.840.10008.5.1.4.1.1.88.59'),
    ).toBe(true);
  });
});

describe('facility type J02 and practice setting J04', () => {
  it('SNOMED CT codes used by some examples are not in J02 or J04', () => {
    for (const code of ['22232009', '394802001']) {
      for (const id of ['J02', 'J04'] as const) {
        expect(valueSet(id).has(SYSTEMS.SNOMED_CT, code)).toBe(false);
        expect(valueSet(id).has('urn:oid:2.16.840.1.113883.6.96', code)).toBe(false);
        expect(valueSet(id).concepts.some((c) => c.code === code)).toBe(false);
      }
    }
  });

  it('looks codes up by urn:oid, bare OID and URL', () => {
    const j02 = valueSet('J02');
    for (const system of ['urn:oid:1.2.250.1.71.4.2.4', '1.2.250.1.71.4.2.4', SYSTEMS.FACILITY_TYPE]) {
      expect(j02.has(system, 'SA01'), system).toBe(true);
      expect(j02.display(system, 'SA01')).toBe('Etablissement public de santé');
    }
    expect(j02.has(SYSTEMS.FACILITY_TYPE, 'SA66')).toBe(true);
    const j04 = valueSet('J04');
    expect(j04.has('urn:oid:1.2.250.1.213.1.1.4.9', 'ETABLISSEMENT')).toBe(true);
    expect(j04.has(SYSTEMS.PRACTICE_SETTING, 'ETABLISSEMENT')).toBe(true);
    expect(j04.has(SYSTEMS.FACILITY_TYPE, 'ETABLISSEMENT')).toBe(false);
    expect(j04.lookup(SYSTEMS.PRACTICE_SETTING, 'ETABLISSEMENT')).toMatchObject({
      system: SYSTEMS.PRACTICE_SETTING,
      oid: '1.2.250.1.213.1.1.4.9',
      cdaCodeSystem: '1.2.250.1.213.1.1.4.9',
    });
  });
});

describe('J01 author specialty', () => {
  it('holds the professions of DOMAIN.md and the occupational-medicine specialties', () => {
    const j01 = valueSet('J01');
    for (const code of ['G15_10/SM26', 'G15_10/SM20', 'G15_50', 'G15_10/SM25', 'G15_10/C41', 'G15_10/CAPA11']) {
      expect(j01.has('urn:oid:1.2.250.1.213.1.1.4.5', code), code).toBe(true);
      expect(j01.has(SYSTEMS.PROFESSION_SPECIALTY, code), code).toBe(true);
    }
  });
});

describe('labels and small code lists', () => {
  it('classes, types, visibility, access modes, confidentiality', () => {
    expect(classLabel('11')).toBe('Synthèse');
    expect(classLabel('60')).toBe('Données de remboursement');
    expect(classLabel('toString')).toBeUndefined();
    expect(typeLabel('15508-5')).toBe("CR d'accouchement");
    expect(typeLabel('E1762')).toBe('Full Document');
    expect(typeLabel('REMB', 'urn:oid:1.2.250.1.213.1.1.4.12')).toBe('Données de remboursement');
    expect(typeLabel('nope')).toBeUndefined();
    expect(Object.keys(VISIBILITY_CODES).sort()).toEqual(['INVISIBLE_PATIENT', 'INVISIBLE_REPRESENTANTS_LEGAUX', 'MASQUE_PS']);
    expect(VISIBILITY_CODES.MASQUE_PS).toBe('Masqué aux professionnels de santé');
    expect(Object.keys(ACCESS_MODES).sort()).toEqual(['bris_de_glace', 'centre_15', 'normal']);
    expect(CONFIDENTIALITY_CODES).toEqual({ N: 'Normal', R: 'Restreint', V: 'Très restreint' });
    expect(isVisibilityCode('MASQUE_PS')).toBe(true);
    expect(isVisibilityCode('N')).toBe(false);
    expect(isAccessMode('centre_15')).toBe(true);
    expect(isAccessMode('urgence')).toBe(false);
    expect(isConfidentialityCode('V')).toBe(true);
    expect(isConfidentialityCode('U')).toBe(false);
  });

  it('J58 accepts the visibility and confidentiality codes in any spelling of their systems', () => {
    const j58 = valueSet('J58');
    expect(j58.has('urn:oid:1.2.250.1.213.1.1.4.13', 'MASQUE_PS')).toBe(true);
    expect(j58.has(SYSTEMS.VISIBILITY, 'INVISIBLE_PATIENT')).toBe(true);
    expect(j58.has('urn:oid:2.16.840.1.113883.5.25', 'R')).toBe(true);
    expect(j58.has(SYSTEMS.HL7_CONFIDENTIALITY, 'MASQUE_PS')).toBe(false);
  });
});
