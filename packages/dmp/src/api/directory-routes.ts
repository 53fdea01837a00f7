/**
 * The directory of professionals as FHIR R4 (shapes of FR Core and of the Annuaire Santé FHIR API):
 * Practitioner, PractitionerRole and Organization searches and reads, answered from a
 * `HealthDirectory` (the simulated Annuaire Santé, or a real one). Registered inside the `/fhir`
 * scope, so the same mutual TLS + assertion authentication applies.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { canonicalSystem } from '@dmp/core';
import {
  DIRECTORY_DEFAULT_LIMIT,
  DIRECTORY_MAX_LIMIT,
  type DirectoryOrganization,
  type DirectoryProfessional,
  type DirectoryRoleMatch,
  type HealthDirectory,
  type OrganizationQuery,
  type ProfessionalQuery,
} from '@dmp/national';
import { FhirError, IssueCollector } from '../fhir/fhir-error.js';
import type { Bundle, CodeableConcept, Coding, Identifier, Resource } from '../fhir/fhir-types.js';
import type { ProfessionalRef } from '../portal/api-contract.js';
import type { Query } from './search-params.js';

const FHIR_JSON = 'application/fhir+json';

/** National id of professionals (idNat_PS) and of structures (idNat_Struct). */
export const PROFESSIONAL_ID_SYSTEM = 'urn:oid:1.2.250.1.71.4.2.1';
export const STRUCTURE_ID_SYSTEM = 'urn:oid:1.2.250.1.71.4.2.2';
const RPPS_SYSTEM = 'https://rpps.esante.gouv.fr';
const FINESS_SYSTEM = 'http://finess.sante.gouv.fr';
const SIRET_SYSTEM = 'http://sirene.fr';
const FR_IDENTIFIER_TYPE = 'https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203';
const G15 = canonicalSystem('1.2.250.1.71.1.2.7');
const A02 = canonicalSystem('1.2.250.1.213.1.1.4.5');
const R02 = canonicalSystem('1.2.250.1.71.4.2.4');
const R94 = canonicalSystem('1.2.250.1.213.1.6.1.4');
const R38 = 'https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale';
const EMAIL_TYPE_EXTENSION = 'https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-contact-point-email-type';
const R256 = 'https://mos.esante.gouv.fr/NOS/TRE_R256-TypeMessagerie/FHIR/TRE-R256-TypeMessagerie';

export interface DirectoryRoutesOptions {
  readonly directory: HealthDirectory;
  /** Absolute base of the FHIR API (fullUrl and links), e.g. https://dmp.example.fr/fhir */
  readonly fhirBase: string;
}

// ---------------------------------------------------------------- presentation

function identifierType(code: string): CodeableConcept {
  return { coding: [{ system: FR_IDENTIFIER_TYPE, code }] };
}

function mssTelecom(address: string): Record<string, unknown> {
  return {
    extension: [{ url: EMAIL_TYPE_EXTENSION, valueCoding: { system: R256, code: 'MSSANTE', display: 'Messageries Sécurisées de Santé' } }],
    system: 'email',
    value: address,
    use: 'work',
  };
}

function professionCoding(p: DirectoryProfessional): Coding {
  return { system: p.professionSystem === 'G15' ? G15 : R94, code: p.profession, display: p.professionLabel };
}

/** The specialty as J01 (TRE_A02) and, for an ordinal specialty (`G15_10/SM26`), as TRE_R38 (`SM26`). */
function specialtyConcept(p: DirectoryProfessional): CodeableConcept | undefined {
  if (!p.specialty) return undefined;
  const coding: Coding[] = [];
  const ordinal = /^G15_\d+\/((?:SM|SCD|SI)\d+)$/.exec(p.specialty)?.[1];
  if (ordinal) coding.push({ system: R38, code: ordinal });
  coding.push({ system: A02, code: p.specialty, ...(p.specialtyLabel ? { display: p.specialtyLabel } : {}) });
  return { coding, ...(p.specialtyLabel ? { text: p.specialtyLabel } : {}) };
}

function displayName(p: DirectoryProfessional): string {
  return `${p.givenName} ${p.familyName}`;
}

export function practitionerResource(p: DirectoryProfessional): Resource {
  const specialty = specialtyConcept(p);
  return {
    resourceType: 'Practitioner',
    id: p.nationalId,
    identifier: [
      { use: 'official', type: identifierType('IDNPS'), system: PROFESSIONAL_ID_SYSTEM, value: p.nationalId },
      { use: 'official', type: identifierType('RPPS'), system: RPPS_SYSTEM, value: p.rpps },
    ],
    active: true,
    name: [{ use: 'usual', family: p.familyName, given: [p.givenName], ...(p.civility ? { prefix: [p.civility] } : {}) }],
    ...(p.mssAddress ? { telecom: [mssTelecom(p.mssAddress)] } : {}),
    qualification: [{ code: { coding: [professionCoding(p)], text: p.professionLabel } }, ...(specialty ? [{ code: specialty }] : [])],
  };
}

function structureIdentifiers(o: DirectoryOrganization): Identifier[] {
  const ids: Identifier[] = [{ use: 'official', type: identifierType('IDNST'), system: STRUCTURE_ID_SYSTEM, value: o.id }];
  if (o.id.startsWith('1')) ids.push({ use: 'official', type: identifierType('FINEG'), system: FINESS_SYSTEM, value: o.id.slice(1) });
  if (o.id.startsWith('3')) ids.push({ use: 'official', type: identifierType('SIRET'), system: SIRET_SYSTEM, value: o.id.slice(1) });
  return ids;
}

export function organizationResource(o: DirectoryOrganization): Resource {
  return {
    resourceType: 'Organization',
    id: o.id,
    identifier: structureIdentifiers(o),
    active: true,
    type: [{ coding: [{ system: R02, code: o.facilityType, display: o.facilityTypeLabel }] }],
    name: o.name,
    ...(o.mssAddress ? { telecom: [mssTelecom(o.mssAddress)] } : {}),
    address: [{ use: 'work', type: 'both', line: [o.address], city: o.city, postalCode: o.postalCode, country: 'FRA' }],
  };
}

function roleId(m: DirectoryRoleMatch): string {
  return `${m.professional.nationalId}-${m.role.organization.id}`;
}

export function practitionerRoleResource(m: DirectoryRoleMatch): Resource {
  const p = m.professional;
  const o = m.role.organization;
  const specialty = specialtyConcept(p);
  const mss = m.role.mssAddress ?? p.mssAddress;
  return {
    resourceType: 'PractitionerRole',
    id: roleId(m),
    active: true,
    practitioner: { reference: `Practitioner/${p.nationalId}`, display: displayName(p) },
    organization: { reference: `Organization/${o.id}`, display: o.name },
    code: [{ coding: [professionCoding(p)], text: p.professionLabel }],
    ...(specialty ? { specialty: [specialty] } : {}),
    location: [{ display: `${o.address}, ${o.postalCode} ${o.city}` }],
    ...(mss ? { telecom: [mssTelecom(mss)] } : {}),
  };
}

/** What the patient portal shows of a professional (its directory search and access settings). */
export function toProfessionalRef(p: DirectoryProfessional): ProfessionalRef {
  const first = p.roles[0]?.organization;
  // "Médecin - Qualifié en Médecine Générale (SM)" reads "Qualifié en Médecine Générale"
  const specialty = p.specialtyLabel?.replace(/^[^-]+ - /, '').replace(/\s*\([A-Z]+\)$/, '');
  return {
    nationalId: p.nationalId,
    name: displayName(p),
    profession: p.professionLabel,
    ...(specialty && p.specialtyLabel !== p.professionLabel ? { specialty } : {}),
    ...(first ? { city: first.city, structure: first.name } : {}),
  };
}

// ---------------------------------------------------------------- search parameters

/** The single value of a parameter; repeated parameters are refused. */
function single(query: Query, name: string, issues: IssueCollector): string | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  if (Array.isArray(raw)) {
    issues.add('not-supported', `${name} is given more than once; give it once`, name);
    return undefined;
  }
  const value = raw.trim();
  if (value.length === 0) {
    issues.add('value', `${name} is empty`, name);
    return undefined;
  }
  if (value.length > 200) {
    issues.add('value', `${name} is longer than 200 characters`, name);
    return undefined;
  }
  return value;
}

function refuseUnknown(query: Query, known: readonly string[], issues: IssueCollector): void {
  for (const name of Object.keys(query)) {
    if (!known.includes(name)) issues.add('not-supported', `search parameter ${name} is not supported (supported: ${known.join(', ')})`, name);
  }
}

/**
 * A token `system|value` or `value` whose system must be one of `systems` (none: whatever the system).
 * A token of another system matches nothing (`null`); a token list (`a,b`) is refused.
 */
function token(value: string | undefined, name: string, systems: readonly string[], issues: IssueCollector): string | null | undefined {
  if (value === undefined) return undefined;
  if (value.includes(',')) {
    issues.add('not-supported', `${name}: one value only (no comma-separated list)`, name);
    return undefined;
  }
  const bar = value.indexOf('|');
  if (bar < 0) return value;
  const system = value.slice(0, bar);
  const code = value.slice(bar + 1);
  if (code.length === 0) {
    issues.add('value', `${name}: a value is needed after ${system}|`, name);
    return undefined;
  }
  return system === '' || systems.some((s) => canonicalSystem(s) === canonicalSystem(system)) ? code : null;
}

/** `_count` (default 20, 1 to 50) and `_offset`. */
function paging(query: Query, issues: IssueCollector): { limit: number; offset: number } {
  const page = { limit: DIRECTORY_DEFAULT_LIMIT, offset: 0 };
  const count = single(query, '_count', issues);
  if (count !== undefined) {
    if (!/^\d{1,4}$/.test(count) || Number(count) < 1) issues.add('value', `_count must be a whole number from 1 (at most ${DIRECTORY_MAX_LIMIT} are returned)`, '_count');
    else page.limit = Math.min(DIRECTORY_MAX_LIMIT, Number(count));
  }
  const offset = single(query, '_offset', issues);
  if (offset !== undefined) {
    if (!/^\d{1,6}$/.test(offset)) issues.add('value', '_offset must be a whole number', '_offset');
    else page.offset = Number(offset);
  }
  return page;
}

/** A reference search value: `Type/id` or `id` (absolute URLs ending so are accepted). */
function referenceId(value: string | undefined, type: string): string | undefined {
  if (value === undefined) return undefined;
  const match = new RegExp(`(?:^|/)${type}/([^/]+)$`).exec(value);
  return match ? match[1] : value;
}

type SearchOf<Q> = { readonly query: Q; readonly empty: boolean; readonly page: { limit: number; offset: number } };

const PRACTITIONER_PARAMS = ['name', 'family', 'given', 'identifier', '_id', '_count', '_offset', '_format'] as const;

function practitionerSearch(query: Query): SearchOf<ProfessionalQuery> {
  const issues = new IssueCollector();
  refuseUnknown(query, PRACTITIONER_PARAMS, issues);
  const name = single(query, 'name', issues);
  const family = single(query, 'family', issues);
  const given = single(query, 'given', issues);
  const identifier = single(query, 'identifier', issues);
  const id = single(query, '_id', issues);
  const page = paging(query, issues);
  const nationalId = token(identifier, 'identifier', [PROFESSIONAL_ID_SYSTEM, RPPS_SYSTEM], issues);
  issues.throwIfAny(400);
  const rppsSystem = identifier?.startsWith(`${RPPS_SYSTEM}|`) ?? false;
  const byNationalId = rppsSystem ? undefined : (nationalId ?? undefined);
  const empty = nationalId === null || (id !== undefined && byNationalId !== undefined && byNationalId !== id);
  const wanted = byNationalId ?? id;
  const q: ProfessionalQuery = {
    ...(name ? { text: name } : {}),
    ...(family ? { family } : {}),
    ...(given ? { given } : {}),
    ...(rppsSystem && nationalId ? { rpps: nationalId } : {}),
    ...(wanted ? { nationalId: wanted } : {}),
  };
  return { query: q, empty, page };
}

const ROLE_PARAMS = ['practitioner', 'practitioner.identifier', 'organization', 'organization.identifier', 'role', 'specialty', 'address-city', '_count', '_offset', '_format'] as const;

function roleSearch(query: Query): SearchOf<ProfessionalQuery> {
  const issues = new IssueCollector();
  refuseUnknown(query, ROLE_PARAMS, issues);
  const practitioner = referenceId(single(query, 'practitioner', issues), 'Practitioner');
  const practitionerId = token(single(query, 'practitioner.identifier', issues), 'practitioner.identifier', [PROFESSIONAL_ID_SYSTEM], issues);
  const organization = referenceId(single(query, 'organization', issues), 'Organization');
  const organizationId = token(single(query, 'organization.identifier', issues), 'organization.identifier', [STRUCTURE_ID_SYSTEM], issues);
  const role = token(single(query, 'role', issues), 'role', [G15, R94], issues);
  const specialty = token(single(query, 'specialty', issues), 'specialty', [A02, R38], issues);
  const city = single(query, 'address-city', issues);
  const page = paging(query, issues);
  if (role && !/^\d{1,3}$/.test(role)) issues.add('value', 'role is a profession code of TRE_G15 (e.g. 50 for sage-femme) or TRE_R94', 'role');
  issues.throwIfAny(400);
  const conflict = (a: string | null | undefined, b: string | undefined) => typeof a === 'string' && b !== undefined && a !== b;
  const empty = [practitionerId, organizationId, role, specialty].includes(null) || conflict(practitionerId, practitioner) || conflict(organizationId, organization);
  const nationalId = practitionerId ?? practitioner;
  const structureId = organizationId ?? organization;
  return {
    query: {
      ...(nationalId ? { nationalId } : {}),
      ...(structureId ? { organizationId: structureId } : {}),
      ...(role ? { profession: role } : {}),
      ...(specialty ? { specialty } : {}),
      ...(city ? { city } : {}),
    },
    empty,
    page,
  };
}

const ORGANIZATION_PARAMS = ['name', 'identifier', 'address-city', 'type', '_id', '_count', '_offset', '_format'] as const;

function organizationSearch(query: Query): SearchOf<OrganizationQuery> {
  const issues = new IssueCollector();
  refuseUnknown(query, ORGANIZATION_PARAMS, issues);
  const name = single(query, 'name', issues);
  const id = token(single(query, 'identifier', issues), 'identifier', [STRUCTURE_ID_SYSTEM], issues);
  const logicalId = single(query, '_id', issues);
  const city = single(query, 'address-city', issues);
  const type = token(single(query, 'type', issues), 'type', [R02], issues);
  const page = paging(query, issues);
  issues.throwIfAny(400);
  const empty = id === null || type === null || (typeof id === 'string' && logicalId !== undefined && id !== logicalId);
  const structureId = id ?? logicalId;
  return {
    query: { ...(name ? { name } : {}), ...(structureId ? { id: structureId } : {}), ...(city ? { city } : {}), ...(type ? { facilityType: type } : {}) },
    empty,
    page,
  };
}

// ---------------------------------------------------------------- bundles and routes

function searchset(base: string, type: string, query: Query, page: { limit: number; offset: number }, total: number, resources: Resource[]): Bundle {
  const link = (offset: number) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (key === '_offset' || key === '_count' || value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
    }
    params.set('_count', String(page.limit));
    params.set('_offset', String(offset));
    return `${base}/${type}?${params.toString()}`;
  };
  const next = page.offset + page.limit < total;
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total,
    link: [{ relation: 'self', url: link(page.offset) }, ...(next ? [{ relation: 'next', url: link(page.offset + page.limit) }] : [])],
    entry: resources.map((resource) => ({ fullUrl: `${base}/${resource.resourceType}/${String(resource.id)}`, resource, search: { mode: 'match' } })),
  };
}

function sendFhir(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.status(200).type(FHIR_JSON).send(body);
}

/** Logical ids of the directory are digits, with a hyphen for roles; anything else is not found. */
function checkId(id: string, type: string): void {
  if (!/^[0-9-]{1,64}$/.test(id)) throw FhirError.of(404, 'not-found', `no ${type} ${id.slice(0, 64)}`);
}

/**
 * Adds, relative to the FHIR prefix: GET /Practitioner, /Practitioner/:id, /PractitionerRole,
 * /PractitionerRole/:id, /Organization, /Organization/:id.
 */
export async function registerDirectoryRoutes(app: FastifyInstance, options: DirectoryRoutesOptions): Promise<void> {
  const { directory, fhirBase } = options;

  app.get('/Practitioner', async (request, reply) => {
    const query = request.query as Query;
    const search = practitionerSearch(query);
    const q = { ...search.query, limit: search.page.limit, offset: search.page.offset };
    const [found, total] = search.empty ? [[], 0] : await Promise.all([directory.searchProfessionals(q), directory.countProfessionals(search.query)]);
    return sendFhir(reply, searchset(fhirBase, 'Practitioner', query, search.page, total, found.map(practitionerResource)));
  });

  app.get<{ Params: { id: string } }>('/Practitioner/:id', async (request, reply) => {
    checkId(request.params.id, 'Practitioner');
    const found = await directory.professional(request.params.id);
    if (!found) throw FhirError.of(404, 'not-found', `no Practitioner ${request.params.id}`);
    return sendFhir(reply, practitionerResource(found));
  });

  app.get('/PractitionerRole', async (request, reply) => {
    const query = request.query as Query;
    const search = roleSearch(query);
    const q = { ...search.query, limit: search.page.limit, offset: search.page.offset };
    const [found, total] = search.empty ? [[], 0] : await Promise.all([directory.searchRoles(q), directory.countRoles(search.query)]);
    return sendFhir(reply, searchset(fhirBase, 'PractitionerRole', query, search.page, total, found.map(practitionerRoleResource)));
  });

  app.get<{ Params: { id: string } }>('/PractitionerRole/:id', async (request, reply) => {
    const id = request.params.id;
    checkId(id, 'PractitionerRole');
    const [nationalId, organizationId] = id.split('-');
    const professional = nationalId ? await directory.professional(nationalId) : undefined;
    const role = professional?.roles.find((r) => r.organization.id === organizationId);
    if (!professional || !role) throw FhirError.of(404, 'not-found', `no PractitionerRole ${id}`);
    return sendFhir(reply, practitionerRoleResource({ professional, role }));
  });

  app.get('/Organization', async (request, reply) => {
    const query = request.query as Query;
    const search = organizationSearch(query);
    const q = { ...search.query, limit: search.page.limit, offset: search.page.offset };
    const [found, total] = search.empty ? [[], 0] : await Promise.all([directory.searchOrganizations(q), directory.countOrganizations(search.query)]);
    return sendFhir(reply, searchset(fhirBase, 'Organization', query, search.page, total, found.map(organizationResource)));
  });

  app.get<{ Params: { id: string } }>('/Organization/:id', async (request, reply) => {
    checkId(request.params.id, 'Organization');
    const found = await directory.organization(request.params.id);
    if (!found) throw FhirError.of(404, 'not-found', `no Organization ${request.params.id}`);
    return sendFhir(reply, organizationResource(found));
  });
}
