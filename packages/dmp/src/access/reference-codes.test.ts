/**
 * The codes the access rules name, checked against the ANS reference data they were taken from
 * (`$ANS_DIR`, else `../shared/ans` beside the repository).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CARE_HISTORY, PATIENT_DEPOSIT_TYPES, RESIDENCE_CERTIFICATE, SENSITIVE_TYPES, type DocumentTypeCode } from './document-codes.js';
import { FORBIDDEN_ACTORS } from './forbidden.js';
import { HABILITATION_MATRIX } from './habilitation-matrix.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const ANS_DIR = process.env['ANS_DIR'] ? path.resolve(process.env['ANS_DIR']) : path.resolve(REPO_ROOT, '..', 'shared', 'ans');

interface Concept {
  readonly code: string;
  readonly codeSystem: string;
  readonly displayName: string;
}

/** The concepts of an IHE SVS value set file (attributes in any order). */
function valueSet(file: string): Map<string, Concept> {
  const xml = readFileSync(path.join(ANS_DIR, 'value-sets', file), 'utf8');
  const concepts = new Map<string, Concept>();
  for (const match of xml.matchAll(/<Concept\b([^>]*)\/?>/g)) {
    const attrs = new Map([...(match[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
    const code = attrs.get('code');
    if (code) concepts.set(code, { code, codeSystem: attrs.get('codeSystem') ?? '', displayName: attrs.get('displayName') ?? '' });
  }
  return concepts;
}

interface J66Entry {
  readonly code: string;
  readonly display: string | null;
  readonly classCode: string;
}

function j66(): Map<string, J66Entry> {
  const json: unknown = JSON.parse(readFileSync(path.join(ANS_DIR, 'dmp-terminology.json'), 'utf8'));
  const list = (json as { typeCodesDMP_J66_withClass: J66Entry[] }).typeCodesDMP_J66_withClass;
  return new Map(list.map((e) => [e.code, e]));
}

describe('document codes match J66 (dmp-terminology.json) and J07', () => {
  const types = j66();
  const j07 = valueSet('JDV_J07_XdsTypeCode_CISIS.xml');
  const named: DocumentTypeCode[] = [RESIDENCE_CERTIFICATE, CARE_HISTORY, ...SENSITIVE_TYPES, ...PATIENT_DEPOSIT_TYPES];

  it.each(named.map((t) => [t.code, t] as const))('%s is a DMP type with that class and label', (_code, type) => {
    const entry = types.get(type.code);
    expect(entry).toBeDefined();
    expect(entry?.classCode).toBe(type.classCode);
    expect(entry?.display).toBe(type.display);
  });

  it('the residence certificate is ATTEST-RESID in TRE_A05 (J07)', () => {
    expect(j07.get('ATTEST-RESID')).toEqual({ code: 'ATTEST-RESID', codeSystem: '1.2.250.1.213.1.1.4.12', displayName: 'Attestation de résidence' });
  });

  it('the sensitive types are every J66 psychiatric/psychological type and the telemedicine request', () => {
    const psy = [...types.values()].filter((t) => /psych/i.test(t.display ?? '')).map((t) => t.code);
    expect(SENSITIVE_TYPES.map((t) => t.code)).toEqual([...psy, '75496-0']);
  });

  it('the patient deposit types are every DOCPAT and EXPPAT type of J66', () => {
    const patientTypes = [...types.keys()].filter((c) => /^(DOCPAT|EXPPAT)/.test(c)).sort();
    expect(PATIENT_DEPOSIT_TYPES.map((t) => t.code).sort()).toEqual(patientTypes);
  });
});

describe('profession codes match J01 (TRE_G15) and J48', () => {
  const j01 = valueSet('JDV_J01_XdsAuthorSpecialty_CISIS.xml');
  const j48 = valueSet('JDV_J48_ProfessionNonPS_CISIS.xml');
  const rows = HABILITATION_MATRIX.flatMap((row) => row.professions.map((p) => [row.category, p.code, p] as const));

  it.each(rows)('%s %s has the label of its value set', (_category, _code, p) => {
    const concept = p.system === 'TRE_G15' ? j01.get(`G15_${p.code}`) : j48.get(p.code);
    expect(concept?.displayName).toBe(p.display);
  });

  it('no bare code means a TRE_G15 profession and a J48 profession of different categories', () => {
    const g15Codes = [...j01.keys()].filter((c) => /^G15_\d+$/.test(c)).map((c) => c.slice(4));
    const clash = [...j48.keys()].filter((c) => g15Codes.includes(c));
    expect(clash).toEqual([]);
  });
});

describe('forbidden actors match J01 and J02', () => {
  const j01 = valueSet('JDV_J01_XdsAuthorSpecialty_CISIS.xml');
  const j02 = valueSet('JDV_J02_XdsHealthcareFacilityTypeCode_CISIS.xml');

  it('the occupational medicine specialties are the J01 codes about "travail"', () => {
    const entry = FORBIDDEN_ACTORS.find((e) => e.criterion.kind === 'specialty');
    const codes = entry?.criterion.kind === 'specialty' ? entry.criterion.codes : [];
    const travail = [...j01.values()].filter((c) => /travail/i.test(c.displayName));
    expect(codes.map((c) => [c.code, c.display])).toEqual(travail.map((c) => [c.code, c.displayName]));
    expect(codes.map((c) => c.code)).toEqual(['G15_10/SM25', 'G15_10/C41', 'G15_10/CAPA11']);
  });

  it('SA66 is the occupational health service facility type', () => {
    const entry = FORBIDDEN_ACTORS.find((e) => e.criterion.kind === 'facility-type');
    const codes = entry?.criterion.kind === 'facility-type' ? entry.criterion.codes : [];
    expect(codes).toEqual([{ code: 'SA66', display: j02.get('SA66')?.displayName }]);
    expect(j02.get('SA66')?.displayName).toBe('Services de Prévention et de Santé au Travail (SPST)');
  });

  it('J04 has the SAMU_SMUR practice setting used for centre 15', () => {
    expect(valueSet('JDV_J04_XdsPracticeSettingCode_CISIS.xml').get('SAMU_SMUR')?.displayName).toBe('SAMU/SMUR');
  });
});
