import {
  DIRECTORY_DEFAULT_LIMIT,
  DIRECTORY_MAX_LIMIT,
  type DirectoryOrganization,
  type DirectoryProfessional,
  type DirectoryRoleMatch,
  type HealthDirectory,
  type OrganizationQuery,
  type ProfessionalQuery,
} from './health-directory.js';
import { DIRECTORY_ORGANIZATIONS, DIRECTORY_PROFESSIONALS } from './register.js';

/** Lower case, accents removed, every run of other characters (hyphen, apostrophe, space) as one space. */
export function foldForSearch(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

function words(value: string): string[] {
  const folded = foldForSearch(value);
  return folded.length === 0 ? [] : folded.split(' ');
}

/** Whether every word of `query` begins some word of `haystack` (both already split). */
function everyWordStartsOne(query: readonly string[], haystack: readonly string[]): boolean {
  return query.every((q) => haystack.some((w) => w.startsWith(q)));
}

/** Whether the folded `value` starts with the folded `prefix` (a phrase: "le go" finds LE GOFF). */
function startsWithFolded(value: string, prefix: string): boolean {
  return foldForSearch(value).startsWith(foldForSearch(prefix));
}

/**
 * Everyday words a patient types for a profession or specialty, beside the value-set labels
 * ("pédiatre" where the label says "Pédiatrie"). Keys: J01 code, or `G15_<profession>`.
 */
const SEARCH_ALIASES: Record<string, string> = {
  'G15_10/SM26': 'généraliste médecin traitant',
  'G15_10/SM54': 'généraliste médecin traitant',
  'G15_10/SM53': 'généraliste médecin traitant',
  'G15_10/SM20': 'gynécologue obstétricien obstétricienne gynéco',
  'G15_10/SM19': 'gynécologue gynéco',
  'G15_10/SM40': 'pédiatre',
  'G15_10/SM42': 'psychiatre',
  'G15_10/SM02': 'anesthésiste',
  'G15_10/SM04': 'cardiologue',
  'G15_10/SM25': 'médecin du travail',
  G15_40: 'dentiste',
  G15_50: 'sage-femme maïeuticien',
  G15_60: 'infirmière',
  G15_70: 'kiné kinésithérapeute',
  G15_21: 'pharmacienne',
  R94_41: 'assistante sociale',
};

/** The words a profession search is matched against. */
function professionWords(p: DirectoryProfessional): string[] {
  const professionKey = `${p.professionSystem === 'G15' ? 'G15' : 'R94'}_${p.profession}`;
  return [
    ...words(p.professionLabel),
    ...words(p.specialtyLabel ?? ''),
    ...words(SEARCH_ALIASES[professionKey] ?? ''),
    ...words((p.specialty && SEARCH_ALIASES[p.specialty]) ?? ''),
  ];
}

function matchesProfession(p: DirectoryProfessional, query: string): boolean {
  const q = query.trim();
  if (/^\d{1,3}$/.test(q)) return p.profession === q;
  if (/^G1[56]_/i.test(q)) {
    const code = q.toUpperCase();
    return p.professionSystem === 'G15' && (`G15_${p.profession}` === code || p.specialty === code || (p.specialty ?? '').startsWith(`${code}/`));
  }
  const wanted = words(q);
  return wanted.length > 0 && everyWordStartsOne(wanted, professionWords(p));
}

function matchesSpecialty(p: DirectoryProfessional, query: string): boolean {
  const q = query.trim().toUpperCase();
  if (!p.specialty) return false;
  return p.specialty === q || p.specialty.endsWith(`/${q}`);
}

function matchesCity(org: DirectoryOrganization, city: string): boolean {
  return /^\d{2,5}$/.test(city.trim()) ? org.postalCode.startsWith(city.trim()) : startsWithFolded(org.city, city);
}

/** The criteria that select a professional as a whole (not one of their practices). */
function matchesPerson(p: DirectoryProfessional, q: ProfessionalQuery): boolean {
  if (q.rpps !== undefined && p.rpps !== q.rpps.trim()) return false;
  if (q.nationalId !== undefined && p.nationalId !== q.nationalId.trim()) return false;
  if (q.family !== undefined && !startsWithFolded(p.familyName, q.family)) return false;
  if (q.given !== undefined && !startsWithFolded(p.givenName, q.given)) return false;
  if (q.text !== undefined) {
    const wanted = words(q.text);
    const nameWords = [...words(p.familyName), ...words(p.givenName)];
    // "Le Goff" as typed, or "legoff", or "le goff yann"
    const whole = [foldForSearch(p.familyName).replace(/ /g, ''), foldForSearch(p.givenName).replace(/ /g, '')];
    if (wanted.length === 0 || !wanted.every((w) => nameWords.some((n) => n.startsWith(w)) || whole.some((n) => n.startsWith(w)))) return false;
  }
  if (q.profession !== undefined && !matchesProfession(p, q.profession)) return false;
  if (q.specialty !== undefined && !matchesSpecialty(p, q.specialty)) return false;
  return true;
}

/** The practices of `p` the query keeps (city and structure select practices). */
function matchingRoles(p: DirectoryProfessional, q: ProfessionalQuery): DirectoryRoleMatch[] {
  return p.roles
    .filter((role) => (q.city === undefined || matchesCity(role.organization, q.city)) && (q.organizationId === undefined || role.organization.id === q.organizationId.trim()))
    .map((role) => ({ professional: p, role }));
}

function byName(a: DirectoryProfessional, b: DirectoryProfessional): number {
  return (
    foldForSearch(a.familyName).localeCompare(foldForSearch(b.familyName)) ||
    foldForSearch(a.givenName).localeCompare(foldForSearch(b.givenName)) ||
    a.nationalId.localeCompare(b.nationalId)
  );
}

/** `limit` clamped to 1..50 (default 20), `offset` to 0.. */
export function directoryPage(query: { limit?: number; offset?: number }): { limit: number; offset: number } {
  const limit = query.limit === undefined || !Number.isFinite(query.limit) ? DIRECTORY_DEFAULT_LIMIT : Math.trunc(query.limit);
  const offset = query.offset === undefined || !Number.isFinite(query.offset) ? 0 : Math.trunc(query.offset);
  return { limit: Math.min(DIRECTORY_MAX_LIMIT, Math.max(1, limit)), offset: Math.max(0, offset) };
}

function slice<T>(all: readonly T[], query: { limit?: number; offset?: number }): T[] {
  const { limit, offset } = directoryPage(query);
  return all.slice(offset, offset + limit);
}

/**
 * The simulated Annuaire Santé: an in-memory register (by default the synthetic one of
 * `register.ts`). Answers as a remote directory would, asynchronously.
 */
export class SimulatedDirectory implements HealthDirectory {
  private readonly professionals: readonly DirectoryProfessional[];
  private readonly organizations: readonly DirectoryOrganization[];
  private readonly byNationalId: ReadonlyMap<string, DirectoryProfessional>;
  private readonly organizationsById: ReadonlyMap<string, DirectoryOrganization>;

  constructor(
    professionals: readonly DirectoryProfessional[] = DIRECTORY_PROFESSIONALS,
    organizations: readonly DirectoryOrganization[] = Object.values(DIRECTORY_ORGANIZATIONS),
  ) {
    this.professionals = [...professionals].sort(byName);
    const orgs = new Map<string, DirectoryOrganization>();
    for (const o of organizations) orgs.set(o.id, o);
    for (const p of professionals) for (const r of p.roles) if (!orgs.has(r.organization.id)) orgs.set(r.organization.id, r.organization);
    this.organizationsById = orgs;
    this.organizations = [...orgs.values()].sort((a, b) => foldForSearch(a.name).localeCompare(foldForSearch(b.name)) || a.id.localeCompare(b.id));
    this.byNationalId = new Map(professionals.map((p) => [p.nationalId, p]));
  }

  private allProfessionals(q: ProfessionalQuery): DirectoryProfessional[] {
    const byPlace = q.city !== undefined || q.organizationId !== undefined;
    return this.professionals.filter((p) => matchesPerson(p, q) && (!byPlace || matchingRoles(p, q).length > 0));
  }

  private allRoles(q: ProfessionalQuery): DirectoryRoleMatch[] {
    return this.professionals
      .filter((p) => matchesPerson(p, q))
      .flatMap((p) => matchingRoles(p, q).sort((a, b) => foldForSearch(a.role.organization.name).localeCompare(foldForSearch(b.role.organization.name))));
  }

  private allOrganizations(q: OrganizationQuery): DirectoryOrganization[] {
    const nameWords = q.name === undefined ? undefined : words(q.name);
    return this.organizations.filter(
      (o) =>
        (q.id === undefined || o.id === q.id.trim()) &&
        (nameWords === undefined || (nameWords.length > 0 && everyWordStartsOne(nameWords, words(o.name)))) &&
        (q.city === undefined || matchesCity(o, q.city)) &&
        (q.facilityType === undefined || o.facilityType === q.facilityType.trim().toUpperCase()),
    );
  }

  async searchProfessionals(query: ProfessionalQuery): Promise<DirectoryProfessional[]> {
    return slice(this.allProfessionals(query), query);
  }

  async countProfessionals(query: ProfessionalQuery): Promise<number> {
    return this.allProfessionals(query).length;
  }

  async searchRoles(query: ProfessionalQuery): Promise<DirectoryRoleMatch[]> {
    return slice(this.allRoles(query), query);
  }

  async countRoles(query: ProfessionalQuery): Promise<number> {
    return this.allRoles(query).length;
  }

  async professional(nationalId: string): Promise<DirectoryProfessional | undefined> {
    return this.byNationalId.get(nationalId);
  }

  async organization(id: string): Promise<DirectoryOrganization | undefined> {
    return this.organizationsById.get(id);
  }

  async searchOrganizations(query: OrganizationQuery): Promise<DirectoryOrganization[]> {
    return slice(this.allOrganizations(query), query);
  }

  async countOrganizations(query: OrganizationQuery): Promise<number> {
    return this.allOrganizations(query).length;
  }
}
