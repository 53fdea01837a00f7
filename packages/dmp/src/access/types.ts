/**
 * The vocabulary of access decisions: who acts (Actor), on what (Target), how (AccessContext).
 * These types are the contract between the API, the commands and `access/decide.ts`.
 */

/** A health professional as the assertion (VIHF) and the certificate describe them. */
export interface ProfessionalIdentity {
  /** National id of the professional (idNat_PS): `8` + RPPS, `0` + ADELI. */
  readonly nationalId: string;
  /** Profession code from TRE_G15 (`10` médecin, `21` pharmacien, `50` sage-femme, `60` infirmier, ...), or a J48 code for other professionals. */
  readonly profession: string;
  /** Profession/specialty as used in documents (value set J01), e.g. `G15_10/SM26`, `G15_50`. */
  readonly specialty?: string;
  /** The structure the professional acts for, if any. */
  readonly structure?: StructureIdentity;
  /**
   * Practice setting of the activity the professional acts in (value set J04, e.g. `SAMU_SMUR`),
   * as the assertion (VIHF) states it. Access mode `centre_15` requires a médecin acting in `SAMU_SMUR`.
   */
  readonly practiceSetting?: string;
  readonly familyName?: string;
  readonly givenName?: string;
}

/** A structure (establishment, practice) identified by its national structure id. */
export interface StructureIdentity {
  /** National id of the structure (idNat_Struct): `1` + FINESS, `3` + SIRET, ... */
  readonly nationalId: string;
  /** Facility type (J02 code, e.g. `SA07`, `SA66` for occupational health services). */
  readonly facilityType?: string;
  readonly name?: string;
}

/** Who is acting. The médecin traitant is a professional whose national id the record declares. */
export type Actor =
  | { readonly kind: 'patient'; readonly ins: string }
  | { readonly kind: 'legal-representative'; readonly representativeId: string }
  | { readonly kind: 'professional'; readonly professional: ProfessionalIdentity; readonly establishment?: StructureIdentity }
  | { readonly kind: 'assurance-maladie'; readonly systemId: string }
  /** An administrator of the host carrying out a patient's request (CLI, front desk). */
  | { readonly kind: 'administrator'; readonly operatorId: string }
  /** Any other declared party (bank, insurer, ...): always refused. */
  | { readonly kind: 'other'; readonly description: string };

/** Access modes, TRE_R248. */
export type AccessMode = 'normal' | 'bris_de_glace' | 'centre_15';

/** Visibility codes, TRE_A07. */
export type VisibilityFlag = 'MASQUE_PS' | 'INVISIBLE_PATIENT' | 'INVISIBLE_REPRESENTANTS_LEGAUX';

/** What the actor wants to do. */
export type Action =
  /** TD0.2: learn whether a record exists and what the caller may do. */
  | 'record.status'
  /** Create a record from Carte Vitale data. */
  | 'record.create'
  /** Close or reopen the record; change authorisations, blocks, opposition, médecin traitant. */
  | 'record.manage'
  | 'document.search'
  | 'document.read'
  | 'document.deposit'
  | 'document.mask'
  | 'document.unmask'
  /** Lift INVISIBLE_PATIENT / INVISIBLE_REPRESENTANTS_LEGAUX (author only). */
  | 'document.set-visibility'
  | 'document.archive'
  | 'document.delete'
  | 'history.read';

/** The record as the access rules need it, loaded before deciding. */
export interface RecordAccessState {
  readonly ins: string;
  readonly status: 'open' | 'closed';
  /** National ids of professionals the patient authorised to read. */
  readonly authorised: ReadonlySet<string>;
  /** National ids of professionals the patient blocked. */
  readonly blocked: ReadonlySet<string>;
  /** National id of the declared médecin traitant, if any. */
  readonly medecinTraitant?: string;
  /** The patient opposed emergency access (bris de glace, centre 15). */
  readonly emergencyOpposed: boolean;
  /** The patient is a minor; their legal representatives act for them. */
  readonly minor: boolean;
  /** Ids of the legal representatives of a minor. */
  readonly legalRepresentatives: ReadonlySet<string>;
}

/** A document as the access rules need it. */
export interface DocumentAccessState {
  readonly typeCode: string;
  readonly classCode: string;
  readonly visibility: ReadonlySet<VisibilityFlag>;
  /** National id of the professional who authored it (for patient documents, the patient's INS). */
  readonly authorId: string;
  readonly status: 'current' | 'superseded' | 'entered-in-error' | 'archived';
}

/** How the access is made. */
export interface AccessContext {
  readonly mode: AccessMode;
  /** Required in the emergency modes. */
  readonly reason?: string;
  /** The document the action concerns, when there is one. */
  readonly document?: DocumentAccessState;
  /** For deposits: the type of the document being deposited. */
  readonly depositTypeCode?: string;
  readonly depositClassCode?: string;
}

/** The outcome of a decision, always with the rule that applied (it goes to the audit log). */
export type Decision =
  | { readonly allowed: true; readonly rule: string }
  | { readonly allowed: false; readonly rule: string; readonly reason: string };

/**
 * What a search may return, as data the repository turns into SQL (so paging counts only what may be seen).
 * `none` means nothing; otherwise documents must satisfy every clause.
 */
export type SearchScope =
  | { readonly kind: 'none'; readonly rule: string; readonly reason: string }
  | {
      readonly kind: 'documents';
      readonly rule: string;
      /** Documents carrying any of these flags are hidden, unless `unlessAuthor` authored them. */
      readonly hiddenFlags: readonly VisibilityFlag[];
      /** National id whose own documents are exempt from `hiddenFlags` (a document's author still sees it). */
      readonly unlessAuthor?: string;
      /** When set, only documents whose type code is in this list (habilitation). */
      readonly allowedTypeCodes?: readonly string[];
      /** Documents whose type code is in this list are excluded (habilitation). */
      readonly excludedTypeCodes?: readonly string[];
      /** When set, only documents of these classes. */
      readonly allowedClassCodes?: readonly string[];
      /** Documents of these classes are excluded. */
      readonly excludedClassCodes?: readonly string[];
    };
