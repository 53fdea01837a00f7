/**
 * The directory of health professionals and structures (Annuaire Santé): who a professional is
 * (RPPS, profession, specialty), where they practise (structures identified by FINESS or SIRET)
 * and their secure messaging (MSSanté) address. `HealthDirectory` is what the rest of the system
 * uses; `SimulatedDirectory` answers from a synthetic register, and a client of the real Annuaire
 * Santé FHIR API can take its place.
 */

/** A structure where professionals practise. */
export interface DirectoryOrganization {
  /** National structure id (OID 1.2.250.1.71.4.2.2): `1`+FINESS or `3`+SIRET. */
  readonly id: string;
  readonly name: string;
  /** Facility type: activity sector code of value set J02 (TRE_R02, e.g. SA01, SA07, SA66). */
  readonly facilityType: string;
  /** French label of the facility type. */
  readonly facilityTypeLabel: string;
  readonly address: string;
  readonly postalCode: string;
  readonly city: string;
  /** The structure's own MSSanté address (organisational mailbox), if any. */
  readonly mssAddress?: string;
}

/** A professional's practice in one structure. */
export interface DirectoryRole {
  readonly organization: DirectoryOrganization;
  /** The MSSanté address used in this practice, when it differs from the professional's main one. */
  readonly mssAddress?: string;
}

/**
 * Where a profession code comes from: TRE_G15 for health professionals, TRE_R94 (value set J48)
 * for the social professionals of the care team.
 */
export type ProfessionSystem = 'G15' | 'R94';

export interface DirectoryProfessional {
  /** National professional id (OID 1.2.250.1.71.4.2.1): `8`+RPPS. */
  readonly nationalId: string;
  /** RPPS number, 11 digits. */
  readonly rpps: string;
  /** Family name as the directory writes it (capitals). */
  readonly familyName: string;
  readonly givenName: string;
  /** e.g. "M", "MME", "DR" (TRE_R81 civilité d'exercice is not modelled; a plain prefix). */
  readonly civility?: string;
  /** Profession code: TRE_G15 (`10` médecin, `50` sage-femme...) or, for social professions, TRE_R94 (`41`). */
  readonly profession: string;
  readonly professionSystem: ProfessionSystem;
  /** French label of the profession. */
  readonly professionLabel: string;
  /** Profession and specialty as documents carry it (value set J01, TRE_A02): `G15_10/SM26`, `G15_50`... */
  readonly specialty?: string;
  readonly specialtyLabel?: string;
  readonly roles: readonly DirectoryRole[];
  /** The professional's main MSSanté address. */
  readonly mssAddress?: string;
}

/** A search of professionals; every criterion given must match. */
export interface ProfessionalQuery {
  /** Words of the name: each word must start the family or a given name (accents and case ignored). */
  readonly text?: string;
  /** Beginning of the family name. */
  readonly family?: string;
  /** Beginning of the given name. */
  readonly given?: string;
  /** Profession code (`50`), J01 code (`G15_50`), or words of the profession label ("sage-femme"). */
  readonly profession?: string;
  /** J01 specialty code (`G15_10/SM20`) or the specialty part of it (`SM20`). */
  readonly specialty?: string;
  /** City of one of the professional's structures (accents, case, hyphens ignored). */
  readonly city?: string;
  /** RPPS, exactly. */
  readonly rpps?: string;
  /** National id (`8`+RPPS), exactly. */
  readonly nationalId?: string;
  /** National id of one of the professional's structures. */
  readonly organizationId?: string;
  /** Default 20, at most 50. */
  readonly limit?: number;
  /** Matches to skip (paging). */
  readonly offset?: number;
}

/** One practice of one professional (what FHIR calls a PractitionerRole). */
export interface DirectoryRoleMatch {
  readonly professional: DirectoryProfessional;
  readonly role: DirectoryRole;
}

export interface OrganizationQuery {
  /** Words of the name, each starting a word of it (accents and case ignored). */
  readonly name?: string;
  /** National structure id, exactly (`1`+FINESS or `3`+SIRET). */
  readonly id?: string;
  readonly city?: string;
  /** Facility type (J02 code). */
  readonly facilityType?: string;
  /** Default 20, at most 50. */
  readonly limit?: number;
  readonly offset?: number;
}

export interface HealthDirectory {
  /** Professionals matching every criterion, sorted by family then given name. */
  searchProfessionals(query: ProfessionalQuery): Promise<DirectoryProfessional[]>;
  /** How many professionals match (ignoring `limit`), for search totals. */
  countProfessionals(query: ProfessionalQuery): Promise<number>;
  /**
   * The practices of the professionals matching the query; `city` and `organizationId` select the
   * practice itself (a professional working in Bordeaux and Paris gives only the Paris practice for
   * city=Paris). Sorted like professionals, then by structure name.
   */
  searchRoles(query: ProfessionalQuery): Promise<DirectoryRoleMatch[]>;
  countRoles(query: ProfessionalQuery): Promise<number>;
  professional(nationalId: string): Promise<DirectoryProfessional | undefined>;
  organization(id: string): Promise<DirectoryOrganization | undefined>;
  /** Structures matching every criterion, sorted by name. */
  searchOrganizations(query: OrganizationQuery): Promise<DirectoryOrganization[]>;
  countOrganizations(query: OrganizationQuery): Promise<number>;
}

export const DIRECTORY_DEFAULT_LIMIT = 20;
export const DIRECTORY_MAX_LIMIT = 50;
