import Fastify, { type FastifyInstance } from 'fastify';
import { Fhir } from 'fhir';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedDirectory } from '@dmp/national';
import { registerDirectoryRoutes, toProfessionalRef } from '../src/api/directory-routes.js';
import { DEMO_PROFESSIONALS, MATERNITY } from '../src/demo/demo-people.js';
import { FhirError } from '../src/fhir/fhir-error.js';

const BASE = 'https://dmp.test/fhir';
const directory = new SimulatedDirectory();
const fhir = new Fhir();

interface Entry { fullUrl: string; resource: Record<string, unknown> & { resourceType: string; id: string } }
interface SearchBundle { resourceType: string; type: string; total: number; link: { relation: string; url: string }[]; entry: Entry[] }

let app: FastifyInstance;

beforeAll(async () => {
  app = Fastify();
  // the host's error handler (app.ts) turns FhirError into an OperationOutcome; the same here
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof FhirError) return reply.status(error.status).type('application/fhir+json').send(error.outcome);
    return reply.status(500).send({ message: String(error) });
  });
  await app.register(async (scope) => registerDirectoryRoutes(scope, { directory, fhirBase: BASE }), { prefix: '/fhir' });
  await app.ready();
});
afterAll(async () => {
  await app.close();
});

function expectValid(resource: unknown): void {
  const result = fhir.validate(resource as object, { errorOnUnexpected: true });
  const complaints = result.messages.filter((m) => m.severity === 'error');
  expect(complaints, JSON.stringify(complaints)).toEqual([]);
  expect(result.valid).toBe(true);
}

async function search(url: string): Promise<SearchBundle> {
  const response = await app.inject({ method: 'GET', url });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toContain('application/fhir+json');
  const bundle = response.json<SearchBundle>();
  expect(bundle.type).toBe('searchset');
  expectValid(bundle);
  for (const entry of bundle.entry) {
    expectValid(entry.resource);
    expect(entry.fullUrl).toBe(`${BASE}/${entry.resource.resourceType}/${entry.resource.id}`);
  }
  return bundle;
}

const ids = (bundle: SearchBundle) => bundle.entry.map((e) => e.resource.id);

describe('the directory holds the demo cast', () => {
  it('with the same national ids, names, specialties and structures', async () => {
    for (const demo of Object.values(DEMO_PROFESSIONALS)) {
      const p = await directory.professional(demo.nationalId);
      expect(p, demo.key).toBeDefined();
      expect(p).toMatchObject({ rpps: demo.rpps, familyName: demo.familyName, givenName: demo.givenName, profession: demo.profession, specialty: demo.specialty });
      if ('structure' in demo) {
        expect(p!.roles.map((r) => ({ id: r.organization.id, name: r.organization.name, facilityType: r.organization.facilityType }))).toContainEqual(demo.structure);
      }
    }
    expect(await directory.organization(MATERNITY.id)).toMatchObject({ name: MATERNITY.name, facilityType: MATERNITY.facilityType, city: 'Bordeaux' });
    const occupational = await directory.professional(DEMO_PROFESSIONALS.occupationalPhysician.nationalId);
    expect(occupational!.roles[0]!.organization.facilityType).toBe('SA66');
  });

  it('toProfessionalRef gives what the portal shows', async () => {
    expect(toProfessionalRef((await directory.professional(DEMO_PROFESSIONALS.midwife.nationalId))!)).toEqual({
      nationalId: '810005678901',
      name: 'Sophie BERNARD',
      profession: 'Sage-Femme',
      city: 'Bordeaux',
      structure: 'Maternité Sainte Félicité',
    });
    expect(toProfessionalRef((await directory.professional(DEMO_PROFESSIONALS.medecinTraitant.nationalId))!)).toMatchObject({
      profession: 'Médecin',
      specialty: 'Qualifié en Médecine Générale',
      city: 'Mérignac',
    });
  });
});

describe('GET /fhir/Practitioner', () => {
  it('finds by name with accents: Lefèvre finds LEFEVRE', async () => {
    const bundle = await search(`/fhir/Practitioner?name=${encodeURIComponent('Lefèvre')}`);
    expect(bundle.total).toBe(2);
    const jean = bundle.entry.find((e) => e.resource.id === DEMO_PROFESSIONALS.medecinTraitant.nationalId)!.resource;
    expect(jean.name).toEqual([{ use: 'usual', family: 'LEFEVRE', given: ['Jean'], prefix: ['DR'] }]);
    expect(jean.identifier).toContainEqual({
      use: 'official',
      type: { coding: [{ system: 'https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203', code: 'IDNPS' }] },
      system: 'urn:oid:1.2.250.1.71.4.2.1',
      value: '810003456789',
    });
    const qualifications = jean.qualification as { code: { coding: { system: string; code: string }[] } }[];
    expect(qualifications[0]!.code.coding[0]).toMatchObject({ system: 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante', code: '10' });
    expect(qualifications[1]!.code.coding.map((c) => c.code)).toEqual(['SM26', 'G15_10/SM26']);
    expect(ids(await search('/fhir/Practitioner?family=lefevre&given=JEAN'))).toEqual(['810003456789']);
  });

  it('finds by identifier token (national id or RPPS), and nothing for another system', async () => {
    const token = encodeURIComponent('urn:oid:1.2.250.1.71.4.2.1|810005678901');
    expect(ids(await search(`/fhir/Practitioner?identifier=${token}`))).toEqual(['810005678901']);
    expect(ids(await search('/fhir/Practitioner?identifier=810005678901'))).toEqual(['810005678901']);
    expect(ids(await search(`/fhir/Practitioner?identifier=${encodeURIComponent('https://rpps.esante.gouv.fr|10005678901')}`))).toEqual(['810005678901']);
    const other = await search(`/fhir/Practitioner?identifier=${encodeURIComponent('urn:oid:1.2.3|810005678901')}`);
    expect(other.total).toBe(0);
  });

  it('pages with _count (default 20, at most 50) and total', async () => {
    const first = await search('/fhir/Practitioner');
    expect(first.entry.length).toBe(20);
    expect(first.total).toBeGreaterThanOrEqual(38);
    const next = first.link.find((l) => l.relation === 'next')!;
    expect(next.url).toContain('_offset=20');
    const second = await search(next.url.slice('https://dmp.test'.length));
    expect(ids(second).some((id) => ids(first).includes(id))).toBe(false);
    expect((await search('/fhir/Practitioner?_count=500')).entry.length).toBe(Math.min(50, first.total));
    expect((await search('/fhir/Practitioner?_count=5')).entry.length).toBe(5);
  });

  it('reads one practitioner', async () => {
    const response = await app.inject({ method: 'GET', url: '/fhir/Practitioner/810005678901' });
    expect(response.statusCode).toBe(200);
    const practitioner = response.json<Record<string, unknown>>();
    expectValid(practitioner);
    expect(practitioner.telecom).toEqual([
      {
        extension: [
          {
            url: 'https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-contact-point-email-type',
            valueCoding: { system: 'https://mos.esante.gouv.fr/NOS/TRE_R256-TypeMessagerie/FHIR/TRE-R256-TypeMessagerie', code: 'MSSANTE', display: 'Messageries Sécurisées de Santé' },
          },
        ],
        system: 'email',
        value: 'sophie.bernard@maternite-sainte-felicite.mssante.fr',
        use: 'work',
      },
    ]);
    const missing = await app.inject({ method: 'GET', url: '/fhir/Practitioner/899999999999' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json<{ resourceType: string }>().resourceType).toBe('OperationOutcome');
  });
});

describe('GET /fhir/PractitionerRole', () => {
  it('finds by profession (sage-femme, TRE_G15 50)', async () => {
    const bundle = await search(`/fhir/PractitionerRole?role=${encodeURIComponent('https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante|50')}`);
    expect(bundle.total).toBeGreaterThanOrEqual(5);
    for (const entry of bundle.entry) expect((entry.resource.code as { coding: { code: string }[] }[])[0]!.coding[0]!.code).toBe('50');
    const sophie = bundle.entry.find((e) => e.resource.id === '810005678901-1330000012')!.resource;
    expect(sophie.organization).toEqual({ reference: 'Organization/1330000012', display: 'Maternité Sainte Félicité' });
    expect((sophie.telecom as { value: string }[])[0]!.value).toBe('sophie.bernard@maternite-sainte-felicite.mssante.fr');
  });

  it('finds by city, by practitioner and by structure', async () => {
    const lyon = await search('/fhir/PractitionerRole?address-city=lyon');
    expect(lyon.total).toBe(5);
    const paris = await search(`/fhir/PractitionerRole?address-city=Paris&specialty=${encodeURIComponent('G15_10/SM40')}`);
    // the paediatrician practises in two Paris structures: one role each
    expect(ids(paris).sort()).toEqual(['810010000027-1750000015', '810010000027-1750000023']);
    const maternity = await search(`/fhir/PractitionerRole?organization.identifier=${encodeURIComponent('urn:oid:1.2.250.1.71.4.2.2|1330000012')}&_count=50`);
    expect(ids(maternity)).toContain('810004567890-1330000012');
    const mine = await search(`/fhir/PractitionerRole?practitioner.identifier=${encodeURIComponent('urn:oid:1.2.250.1.71.4.2.1|810003456789')}`);
    expect(ids(mine)).toEqual(['810003456789-344312345600017']);
    const read = await app.inject({ method: 'GET', url: '/fhir/PractitionerRole/810003456789-344312345600017' });
    expect(read.statusCode).toBe(200);
    expectValid(read.json());
  });
});

describe('GET /fhir/Organization', () => {
  it('finds by name, identifier, city and type', async () => {
    const byName = await search(`/fhir/Organization?name=${encodeURIComponent('sainte félicité')}`);
    expect(ids(byName)).toEqual(['1330000012']);
    const maternity = byName.entry[0]!.resource;
    expect(maternity.identifier).toContainEqual({
      use: 'official',
      type: { coding: [{ system: 'https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203', code: 'FINEG' }] },
      system: 'http://finess.sante.gouv.fr',
      value: '330000012',
    });
    expect(maternity.type).toEqual([{ coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_R02-SecteurActivite/FHIR/TRE-R02-SecteurActivite', code: 'SA01', display: 'Etablissement public de santé' }] }]);
    expect(ids(await search(`/fhir/Organization?identifier=${encodeURIComponent('urn:oid:1.2.250.1.71.4.2.2|344312345600017')}`))).toEqual(['344312345600017']);
    expect((await search(`/fhir/Organization?address-city=${encodeURIComponent('mérignac')}`)).total).toBe(2);
    expect(ids(await search('/fhir/Organization?type=SA66'))).toEqual(['385678901200014']);
    const read = await app.inject({ method: 'GET', url: '/fhir/Organization/1330000012' });
    expect(read.statusCode).toBe(200);
    expectValid(read.json());
  });
});

describe('bad searches', () => {
  it.each([
    '/fhir/Practitioner?foo=bar',
    '/fhir/Practitioner?_count=0',
    '/fhir/Practitioner?_count=abc',
    '/fhir/Practitioner?name=a&name=b',
    '/fhir/PractitionerRole?role=sage-femme',
    '/fhir/PractitionerRole?address=Bordeaux',
    '/fhir/Organization?_sort=name',
    '/fhir/Organization?identifier=a,b',
  ])('%s is refused with a 400 OperationOutcome', async (url) => {
    const response = await app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(400);
    const outcome = response.json<{ resourceType: string; issue: unknown[] }>();
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue.length).toBeGreaterThan(0);
    expectValid(outcome);
  });
});
