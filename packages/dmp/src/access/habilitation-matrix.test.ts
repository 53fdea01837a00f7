import { describe, expect, it } from 'vitest';
import { HABILITATION_MATRIX, habilitation, habilitationFilter, professionCategory, type ProfessionCategory } from './habilitation-matrix.js';

/** Sample documents, one column each in the table below: [type, class]. */
const COLUMNS = [
  ['ATTEST-RESID', '95'], // attestation de résidence
  ['59284-0', '95'], // attestation de consentement (management)
  ['68599-0', '11'], // synthèse psychiatrique (sensitive)
  ['83901-9', '11'], // bilan psychologique (sensitive)
  ['75496-0', '10'], // demande d'acte de télémédecine (sensitive)
  ['85208-7', '10'], // CR de télémédecine (not sensitive)
  ['11490-0', '10'], // lettre de liaison de sortie
  ['18776-5', '44'], // plan personnalisé de soins
  ['EXPPAT_3', '90'], // directives anticipées
  ['REMB', '60'], // données de remboursement
  ['DOCPAT09', '95'], // document administratif déposé par le patient
] as const;

/** The expected matrix: 1 = may read. One row per profession code. */
const EXPECTED: readonly (readonly [string, ProfessionCategory | undefined, string])[] = [
  // code, category,                  ATTR CONS PSY  PSYG TMDR TMCR LDL  PPS  EXP3 REMB DOC9
  ['10', 'doctor', /*               */ '0    1    1    1    1    1    1    1    1    1    1'],
  ['50', 'midwife', /*              */ '0    1    1    1    1    1    1    1    1    1    1'],
  ['40', 'dentist', /*              */ '0    0    0    0    0    1    1    1    1    1    0'],
  ['21', 'pharmacist', /*           */ '0    0    0    0    0    1    1    1    1    1    0'],
  ['60', 'nurse', /*                */ '0    0    0    0    0    1    1    1    1    1    0'],
  ['69', 'nurse', /*                */ '0    0    0    0    0    1    1    1    1    1    0'],
  ['70', 'physiotherapist', /*      */ '0    0    0    0    0    1    1    1    1    1    0'],
  ['26', 'other-paramedical', /*    */ '0    0    0    0    0    1    1    1    1    1    0'],
  ['28', 'other-paramedical', /*    */ '0    0    0    0    0    1    1    1    1    1    0'],
  ['80', 'other-paramedical', /*    */ '0    0    0    0    0    1    1    1    1    1    0'],
  ['81', 'other-paramedical', /*    */ '0    0    0    0    0    1    1    1    1    1    0'],
  ['82', 'other-paramedical', /*    */ '0    0    0    0    0    1    1    1    1    1    0'],
  ['83', 'other-paramedical', /*    */ '0    0    0    0    0    1    1    1    1    1    0'],
  ['84', 'other-paramedical', /*    */ '0    0    0    0    0    1    1    1    1    1    0'],
  ['85', 'other-paramedical', /*    */ '0    0    0    0    0    1    1    1    1    1    0'],
  ['86', 'other-paramedical', /*    */ '0    0    0    0    0    1    1    1    1    1    0'],
  ['91', 'other-paramedical', /*    */ '0    0    0    0    0    1    1    1    1    1    0'],
  ['92', 'other-paramedical', /*    */ '0    0    0    0    0    1    1    1    1    1    0'],
  ['94', 'other-paramedical', /*    */ '0    0    0    0    0    1    1    1    1    1    0'],
  ['95', 'other-paramedical', /*    */ '0    0    0    0    0    1    1    1    1    1    0'],
  ['96', 'other-paramedical', /*    */ '0    0    0    0    0    1    1    1    1    1    0'],
  ['98', 'other-paramedical', /*    */ '0    0    0    0    0    1    1    1    1    1    0'],
  ['41', 'social-medico-social', /* */ '0    0    0    0    0    0    0    1    1    0    0'],
  ['47', 'social-medico-social', /* */ '0    0    0    0    0    0    0    1    1    0    0'],
  ['51', 'social-medico-social', /* */ '0    0    0    0    0    0    0    1    1    0    0'],
  ['300', 'social-medico-social', /**/ '0    0    0    0    0    0    0    1    1    0    0'],
  ['350', 'social-medico-social', /**/ '0    0    0    0    0    0    0    1    1    0    0'],
  // Not in the matrix: read nothing.
  ['31', undefined, /*              */ '0    0    0    0    0    0    0    0    0    0    0'],
  ['35', undefined, /*              */ '0    0    0    0    0    0    0    0    0    0    0'],
  ['93', undefined, /*              */ '0    0    0    0    0    0    0    0    0    0    0'],
  ['331', undefined, /*             */ '0    0    0    0    0    0    0    0    0    0    0'],
  ['', undefined, /*                */ '0    0    0    0    0    0    0    0    0    0    0'],
  ['G15_10', undefined, /*          */ '0    0    0    0    0    0    0    0    0    0    0'],
];

describe('habilitation matrix', () => {
  const cells = EXPECTED.flatMap(([profession, , row]) =>
    row
      .split(/\s+/)
      .map((bit, i) => [profession, COLUMNS[i]?.[0] ?? '?', COLUMNS[i]?.[1] ?? '?', bit === '1'] as const),
  );

  it.each(cells)('profession %j reads %s (class %s): %s', (profession, typeCode, classCode, expected) => {
    expect(habilitation(profession, typeCode, classCode)).toBe(expected);
  });

  it.each(EXPECTED.map(([code, category]) => [code, category] as const))('profession %j is in category %s', (code, category) => {
    expect(professionCategory(code)).toBe(category);
  });

  it('every row of the expected table has one cell per column', () => {
    for (const [, , row] of EXPECTED) expect(row.split(/\s+/)).toHaveLength(COLUMNS.length);
  });

  it('lists each profession code once, so a code has one category', () => {
    const codes = HABILITATION_MATRIX.flatMap((row) => row.professions.map((p) => p.code));
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('lists each category once', () => {
    const categories = HABILITATION_MATRIX.map((row) => row.category);
    expect(new Set(categories).size).toBe(categories.length);
  });

  it('gives the search scope the same rule as lists', () => {
    expect(habilitationFilter('10')).toEqual({ excludedTypeCodes: ['ATTEST-RESID'] });
    expect(habilitationFilter('70')).toEqual({ excludedClassCodes: ['95'], excludedTypeCodes: ['68599-0', '83901-9', '75496-0'] });
    expect(habilitationFilter('41')).toEqual({ allowedClassCodes: ['44', '90'] });
    expect(habilitationFilter('31')).toBeUndefined();
  });

  it('the social category covers the J48 social professions 41-53 and their 318-328 twins', () => {
    for (const code of ['41', '42', '43', '44', '45', '46', '47', '48', '49', '51', '52', '53']) expect(professionCategory(code)).toBe('social-medico-social');
    for (let code = 318; code <= 328; code++) expect(professionCategory(String(code))).toBe('social-medico-social');
  });
});
