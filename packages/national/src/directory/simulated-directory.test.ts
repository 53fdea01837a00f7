import { describe, expect, it } from 'vitest';
import { DIRECTORY_MAX_LIMIT } from './health-directory.js';
import { DIRECTORY_ORGANIZATIONS, DIRECTORY_PROFESSIONALS } from './register.js';
import { SimulatedDirectory, foldForSearch } from './simulated-directory.js';

const directory = new SimulatedDirectory();
const names = (list: readonly { familyName: string; givenName: string }[]) => list.map((p) => `${p.givenName} ${p.familyName}`);

describe('the synthetic register', () => {
  it('holds about forty professionals with unique, well-formed ids', () => {
    expect(DIRECTORY_PROFESSIONALS.length).toBeGreaterThanOrEqual(38);
    const ids = new Set(DIRECTORY_PROFESSIONALS.map((p) => p.nationalId));
    expect(ids.size).toBe(DIRECTORY_PROFESSIONALS.length);
    for (const p of DIRECTORY_PROFESSIONALS) {
      expect(p.rpps).toMatch(/^\d{11}$/);
      expect(p.nationalId).toBe(`8${p.rpps}`);
      expect(p.professionLabel.length).toBeGreaterThan(0);
      if (p.specialty) expect(p.specialtyLabel).toBeDefined();
      expect(p.roles.length).toBeGreaterThan(0);
      if (p.mssAddress) expect(p.mssAddress).toMatch(/^[a-z0-9.-]+@[a-z0-9.-]+\.mssante\.fr$/);
      for (const r of p.roles) {
        expect(r.organization.id).toMatch(/^(1\d{9}|3\d{14})$/);
        expect(r.organization.postalCode).toMatch(/^\d{5}$/);
      }
    }
  });

  it('has varied professions in several cities', () => {
    const professions = new Set(DIRECTORY_PROFESSIONALS.map((p) => `${p.professionSystem}:${p.profession}`));
    for (const code of ['G15:10', 'G15:21', 'G15:40', 'G15:50', 'G15:60', 'G15:70', 'R94:41']) expect(professions).toContain(code);
    const specialties = new Set(DIRECTORY_PROFESSIONALS.map((p) => p.specialty));
    for (const code of ['G15_10/SM26', 'G15_10/SM20', 'G15_10/SM40', 'G15_10/SM42', 'G15_10/SM02', 'G15_10/SM25']) expect(specialties).toContain(code);
    const cities = new Set(DIRECTORY_PROFESSIONALS.flatMap((p) => p.roles.map((r) => r.organization.city)));
    for (const city of ['Bordeaux', 'Mérignac', 'Pessac', 'Paris', 'Lyon']) expect(cities).toContain(city);
  });

  it('labels codes from the value sets', () => {
    const midwife = DIRECTORY_PROFESSIONALS.find((p) => p.rpps === '10005678901')!;
    expect(midwife.professionLabel).toBe('Sage-Femme');
    const gp = DIRECTORY_PROFESSIONALS.find((p) => p.rpps === '10003456789')!;
    expect(gp.professionLabel).toBe('Médecin');
    expect(gp.specialtyLabel).toBe('Médecin - Qualifié en Médecine Générale (SM)');
    expect(DIRECTORY_ORGANIZATIONS.spstGironde.facilityType).toBe('SA66');
    expect(DIRECTORY_ORGANIZATIONS.spstGironde.facilityTypeLabel).toBe('Services de Prévention et de Santé au Travail (SPST)');
    const social = DIRECTORY_PROFESSIONALS.find((p) => p.professionSystem === 'R94')!;
    expect(social.professionLabel).toBe('Assistant de service social');
  });

  it('places the maternity staff at Maternité Sainte Félicité with its MSS domain', async () => {
    const maternity = await directory.organization('1330000012');
    expect(maternity).toMatchObject({ name: 'Maternité Sainte Félicité', facilityType: 'SA01', city: 'Bordeaux' });
    const sophie = await directory.professional('810005678901');
    expect(sophie?.mssAddress).toBe('sophie.bernard@maternite-sainte-felicite.mssante.fr');
    expect(sophie?.roles[0]?.organization.id).toBe('1330000012');
  });
});

describe('SimulatedDirectory search', () => {
  it('finds names ignoring accents and case, by prefix', async () => {
    expect(names(await directory.searchProfessionals({ text: 'Lefèvre' }))).toEqual(['Agnès LEFEVRE', 'Jean LEFEVRE']);
    expect(names(await directory.searchProfessionals({ text: 'lefe jean' }))).toEqual(['Jean LEFEVRE']);
    expect(names(await directory.searchProfessionals({ text: 'EMILIE' }))).toEqual(['Émilie BLANC']);
    expect(names(await directory.searchProfessionals({ family: 'le go' }))).toEqual(['Yann LE GOFF']);
    expect(names(await directory.searchProfessionals({ text: 'saint-andré' }))).toEqual(['Béatrice SAINT-ANDRE']);
    expect(await directory.searchProfessionals({ text: 'evre' })).toEqual([]);
  });

  it('finds by profession code or label, and everyday words', async () => {
    const midwives = await directory.searchProfessionals({ profession: 'sage-femme' });
    expect(midwives.length).toBeGreaterThanOrEqual(5);
    expect(midwives.every((p) => p.profession === '50')).toBe(true);
    expect((await directory.searchProfessionals({ profession: '50' })).map((p) => p.nationalId)).toEqual(midwives.map((p) => p.nationalId));
    expect((await directory.searchProfessionals({ profession: 'G15_50' })).length).toBe(midwives.length);
    expect(names(await directory.searchProfessionals({ profession: 'pédiatre' }))).toEqual(['Émilie BLANC', 'Mathieu FABRE']);
    expect((await directory.searchProfessionals({ profession: 'G15_10/SM25' })).map((p) => p.familyName)).toEqual(['DUPONT', 'GIRARD']);
    expect((await directory.searchProfessionals({ profession: 'assistante sociale' })).length).toBe(2);
  });

  it('finds by city and by RPPS, and combines criteria', async () => {
    const lyon = await directory.searchProfessionals({ city: 'lyon' });
    expect(lyon.length).toBe(5);
    expect((await directory.searchProfessionals({ city: 'MERIGNAC' })).map((p) => p.familyName)).toEqual(['BONNET', 'FRANCOIS', 'LAMBERT', 'LEFEVRE']);
    expect(names(await directory.searchProfessionals({ rpps: '10005678901' }))).toEqual(['Sophie BERNARD']);
    expect(await directory.searchProfessionals({ rpps: '1000567890' })).toEqual([]);
    expect(names(await directory.searchProfessionals({ profession: 'sage-femme', city: 'Bordeaux' }))).toEqual(['Sophie BERNARD', 'Lucie CHEVALIER', 'Nathalie GARNIER']);
  });

  it('sorts by family name and limits to 20 by default, at most 50', async () => {
    const all = await directory.searchProfessionals({});
    expect(all.length).toBe(20);
    const folded = all.map((p) => foldForSearch(p.familyName));
    expect(folded).toEqual([...folded].sort());
    expect((await directory.searchProfessionals({ limit: 500 })).length).toBe(Math.min(DIRECTORY_MAX_LIMIT, DIRECTORY_PROFESSIONALS.length));
    expect((await directory.searchProfessionals({ limit: 3 })).length).toBe(3);
    expect(await directory.countProfessionals({})).toBe(DIRECTORY_PROFESSIONALS.length);
    const page2 = await directory.searchProfessionals({ limit: 20, offset: 20 });
    expect(page2[0]?.nationalId).not.toBe(all[0]?.nationalId);
  });

  it('lists practices selected by place', async () => {
    const fabre = await directory.searchRoles({ family: 'fabre' });
    expect(fabre.map((m) => m.role.organization.name)).toEqual(['Centre de santé Voltaire', 'Hôpital des Batignolles']);
    const maternity = await directory.searchRoles({ organizationId: '1330000012' });
    expect(maternity.length).toBe(9);
    expect(await directory.countRoles({ city: 'pessac' })).toBe(9);
  });

  it('searches structures', async () => {
    expect((await directory.searchOrganizations({ name: 'sainte felicite' })).map((o) => o.id)).toEqual(['1330000012']);
    expect((await directory.searchOrganizations({ facilityType: 'SA33' })).map((o) => o.city)).toEqual(['Paris', 'Bordeaux']);
    expect((await directory.searchOrganizations({ city: 'Paris' })).length).toBe(3);
    expect(await directory.organization('999')).toBeUndefined();
  });
});
