/**
 * What the maternity's document builders are given: plain immutable data, independent of any
 * database. Times are ISO 8601 strings; a date-time carries its UTC offset
 * (`2024-03-12T08:30:00+01:00`), which the documents keep as written.
 */
import type { InsOid } from '@dmp/core';

/** `YYYY-MM-DD`. */
export type IsoDate = string;
/** `YYYY-MM-DDTHH:MM[:SS]±HH:MM` (or `Z`). */
export type IsoDateTime = string;

/**
 * Namespace of the maternity's own identifiers: `2.25.` + the decimal form of the UUID
 * ea9eb70e-ec33-46c8-8a5d-16b3e54374a7, drawn once for Maternité Sainte Félicité (ITU-T X.667,
 * so no registration is needed). Arcs below it: `.1` patient identifiers (IPP, newborns included),
 * `.2` stays, `.3` document identifiers.
 */
export const MATERNITY_OID = '2.25.311863446780571012279797527218221184167';
/** OID of the maternity's patient identifiers (IPP). */
export const MATERNITY_PATIENT_ID_OID = `${MATERNITY_OID}.1`;
/** OID of the maternity's stay numbers. */
export const MATERNITY_STAY_ID_OID = `${MATERNITY_OID}.2`;
/** OID under which the maternity may number its documents (root + extension). */
export const MATERNITY_DOCUMENT_ID_OID = `${MATERNITY_OID}.3`;

/** FINESS of Maternité Sainte Félicité; its structure id is `1` + FINESS (idNat_Struct). */
export const MATERNITY_FINESS = '330000012';

/** An HL7 instance identifier: an OID (or UUID) root, optionally an extension. */
export interface InstanceIdentifier {
  readonly root: string;
  readonly extension?: string;
}

/** A code with its system (OID, as CDA writes it) and label. */
export interface Coded {
  readonly code: string;
  readonly system: string;
  readonly display: string;
}

/** A postal address as the maternity's records hold it: free lines, postal code, city. */
export interface Address {
  /** Street lines, first the number and street (`12 rue des Lilas`), then complements. */
  readonly lines: readonly string[];
  readonly postalCode: string;
  readonly city: string;
  readonly country?: string;
}

/** A telephone number, fax or e-mail address. */
export interface Telecom {
  readonly kind: 'tel' | 'fax' | 'mail';
  readonly value: string;
  /** HL7 use: H home, WP work, MC mobile, EC emergency. */
  readonly use?: 'H' | 'WP' | 'MC' | 'EC';
}

/** An establishment identified by FINESS (structure id `1` + FINESS under 1.2.250.1.71.4.2.2). */
export interface Organisation {
  readonly finess: string;
  readonly name: string;
  readonly address: Address;
  readonly telecoms: readonly Telecom[];
}

/** A health professional identified by RPPS (national id `8` + RPPS under 1.2.250.1.71.4.2.1). */
export interface Professional {
  readonly rpps: string;
  readonly given: string;
  readonly family: string;
  /** Civility (JDV_J245): M, MME. */
  readonly civility?: 'M' | 'MME';
  /** Title (JDV_J246), written as the name suffix: DR, PR. */
  readonly title?: 'DR' | 'PR';
  /** Profession, TRE_G15 code: `10` médecin, `50` sage-femme, `60` infirmier... */
  readonly profession: string;
  /** Profession and specialty as used in documents (JDV_J01), e.g. `G15_10/SM20`, `G15_50`. */
  readonly role: string;
  readonly telecoms?: readonly Telecom[];
  /** Where the professional practises, when not the maternity. */
  readonly organisation?: Organisation;
}

/** Status of an identity in the maternity's software (référentiel INS). */
export type IdentityStatus = 'PROV' | 'RECUP' | 'VALI' | 'QUAL';

/** The patient (the mother) as the maternity's identity server knows her. */
export interface PatientIdentity {
  /** INS (NIR or NIA) with its OID; used in documents only when the identity is QUAL. */
  readonly ins?: { readonly value: string; readonly oid: InsOid };
  readonly status: IdentityStatus;
  /** The maternity's identifier (IPP), by default under {@link MATERNITY_PATIENT_ID_OID}. */
  readonly localId: InstanceIdentifier;
  /** Nom de naissance. */
  readonly birthFamilyName: string;
  /** Nom utilisé, when it differs. */
  readonly usedFamilyName?: string;
  /** Prénoms de naissance, in order (the first is the premier prénom). */
  readonly givenNames: readonly string[];
  /** Prénom utilisé, when it differs from the first given name. */
  readonly usedGivenName?: string;
  readonly sex: 'F' | 'M' | 'U';
  readonly birthDate: IsoDate;
  /** INSEE code of the birth commune (99xxx for a country abroad). */
  readonly birthplaceInsee?: string;
  readonly address?: Address;
  readonly telecoms?: readonly Telecom[];
}

/** The provisional identity a newborn gets at birth (no INS yet). */
export interface NewbornIdentity {
  readonly localId: InstanceIdentifier;
  readonly familyName: string;
  readonly givenName?: string;
}

/** Anaesthesia or analgesia for the birth. */
export type AnaesthesiaKind = 'aucune' | 'peridurale' | 'rachianesthesie' | 'generale' | 'rachi_peri_combinee';

/** Fetal presentation (JDV_PresentationFoetale_CISIS). */
export type Presentation = 'sommet' | 'face' | 'front' | 'siege_complet' | 'siege_decomplete' | 'epaule' | 'occipito_sacre';

/** A child born of the delivery. */
export interface Newborn {
  /** Birth rank among the fetuses (1, 2...). */
  readonly rank: number;
  readonly sex: 'F' | 'M' | 'U';
  readonly birthTime: IsoDateTime;
  readonly weightG: number;
  readonly lengthCm?: number;
  readonly headCircumferenceCm?: number;
  /** Apgar scores at 1, 5 and 10 minutes (those measured). */
  readonly apgar: { readonly at1?: number; readonly at5?: number; readonly at10?: number };
  readonly alive: boolean;
  readonly presentation?: Presentation;
  readonly transferToNeonatology: boolean;
  readonly identity: NewbornIdentity;
}

/** How the child was born. */
export type DeliveryMode =
  | { readonly kind: 'voie_basse_spontanee' }
  | { readonly kind: 'voie_basse_instrumentale'; readonly instrument: 'ventouse' | 'forceps' | 'spatules' }
  | { readonly kind: 'cesarienne'; readonly urgency: 'programmee' | 'urgence' };

/** State of the perineum after the birth. */
export type Perineum =
  | { readonly kind: 'intact' }
  | { readonly kind: 'dechirure'; readonly degree: 1 | 2 | 3 | 4 }
  | { readonly kind: 'episiotomie' };

/** Something that happened during labour or just after: free text, optionally coded (e.g. CIM-10). */
export interface DeliveryEvent {
  readonly text: string;
  readonly code?: Coded;
  /** During labour (default) or in the immediate post-partum. */
  readonly phase?: 'travail' | 'post_partum';
}

/** The delivery, as the CRA and the OBP-SNM describe it. */
export interface Delivery {
  /** Admission to the maternity; after the birth for a birth at home or on the way. */
  readonly admission: IsoDateTime;
  readonly labourStart?: IsoDateTime;
  /** How labour began; by default spontaneous, or "before labour" for a caesarean without labour. */
  readonly labourOnset?: 'spontane' | 'declenche' | 'cesarienne_avant_travail';
  /** Why labour was induced (JDV_MotifDeclenchementTravail), when induced. */
  readonly inductionReason?: Coded;
  /** Time of birth (of the first child). */
  readonly deliveryTime: IsoDateTime;
  readonly gestationalAge: { readonly weeks: number; readonly days: number };
  readonly fetusCount: number;
  readonly mode: DeliveryMode;
  readonly anaesthesia: AnaesthesiaKind;
  /** Anaesthesia after the birth (e.g. for a perineal repair), when there was a decision about it. */
  readonly anaesthesiaAfterBirth?: AnaesthesiaKind;
  readonly placentalDelivery: 'naturelle' | 'dirigee' | 'artificielle' | 'revision_uterine';
  readonly perineum: Perineum;
  readonly bloodLossMl?: number;
  readonly transfusion?: boolean;
  readonly events: readonly DeliveryEvent[];
  readonly place: 'maternite' | 'domicile' | 'trajet';
  readonly midwife?: Professional;
  readonly obstetrician?: Professional;
  readonly anaesthetist?: Professional;
  readonly newborns: readonly Newborn[];
  /** Where the mother went from the delivery room (default: suites de couches in the maternity). */
  readonly motherDisposition?: 'suites_de_couches' | 'transfert' | 'deces';
}

/** Urgency of a caesarean: programmed, or the French colour code of urgent caesareans. */
export type CaesareanUrgency = 'programmee' | 'vert' | 'orange' | 'rouge';

/** The caesarean, as the compte rendu opératoire describes it. */
export interface CaesareanOperation {
  readonly start: IsoDateTime;
  readonly end: IsoDateTime;
  readonly indication: { readonly text: string; readonly urgency: CaesareanUrgency; readonly code?: Coded };
  readonly team: {
    readonly surgeon: Professional;
    readonly assistant?: Professional;
    readonly anaesthetist: Professional;
    readonly midwife?: Professional;
  };
  readonly anaesthesia: AnaesthesiaKind;
  /** e.g. incision de Pfannenstiel, hystérotomie segmentaire transversale. */
  readonly technique: { readonly incision: string; readonly hysterotomy: string; readonly details?: string };
  readonly findings: string;
  readonly complications?: string;
  readonly bloodLossMl: number;
  readonly closing?: string;
  readonly postoperativeInstructions?: string;
}

/** A drug treatment, stopped during the stay or given at discharge. */
export interface Treatment {
  /** Drug as prescribed (speciality or DCI, strength, form). */
  readonly name: string;
  readonly posology: string;
  /** CIS code (Base de données publique des médicaments), when known. */
  readonly cis?: string;
  /** ATC code, when known. */
  readonly atc?: Coded;
  readonly start?: IsoDate;
  readonly end?: IsoDate;
  readonly comment?: string;
}

/** Something to do after discharge (appointment, examination, surveillance). */
export interface FollowUp {
  readonly description: string;
  /** Who: a professional, or a service in words. */
  readonly who?: Professional | string;
  readonly date?: IsoDate;
}

/** A known allergy or intolerance. */
export interface AllergyItem {
  readonly agent: string;
  readonly reaction?: string;
  /** Kind of reaction (JDV_TypeEvenementIndesirablePrevisible, SNOMED CT), e.g. 416098002 allergie médicamenteuse. */
  readonly type?: Coded;
}

/** Allergies: none known, not asked, or a list. */
export type Allergies = { readonly kind: 'aucune_connue' } | { readonly kind: 'non_renseigne' } | { readonly kind: 'liste'; readonly items: readonly AllergyItem[] };

/** The stay at discharge, as the lettre de liaison describes it. */
export interface Discharge {
  readonly admission: IsoDateTime;
  readonly discharge: IsoDateTime;
  readonly admissionMode: 'urgence' | 'programmee' | 'transfert' | 'autre';
  readonly dischargeMode: 'domicile' | 'autre_etablissement' | 'had' | 'autre';
  readonly reasonForStay: string;
  readonly summary: string;
  readonly adverseEvents?: string;
  /** Screening for multi-resistant organisms: done or not, and what was found. */
  readonly mdroScreening: { readonly done: boolean; readonly findings?: string };
  readonly transfusion: boolean;
  readonly bloodDerivatives: boolean;
  readonly treatmentsStopped: readonly Treatment[];
  readonly treatmentsAtDischarge: readonly Treatment[];
  readonly followUp: readonly FollowUp[];
  readonly pendingResults: readonly string[];
  readonly allergies: Allergies;
  readonly generalPractitioner?: Professional;
  readonly referringPractitioner?: Professional;
}

/** The author (or validator) of a document and when they acted. */
export interface Signed {
  readonly professional: Professional;
  readonly time: IsoDateTime;
}

/** What every document's header needs. */
export interface DocumentHeaderInput {
  /** Document unique id: `2.25.<decimal of a UUID>` or root + extension. */
  readonly id: InstanceIdentifier;
  /** Common to all versions of the document. */
  readonly setId: InstanceIdentifier;
  /** 1, then 2 for a corrected report... */
  readonly version: number;
  /** The document this version replaces (required when version > 1). */
  readonly replaces?: InstanceIdentifier;
  readonly effectiveTime: IsoDateTime;
  readonly confidentiality: 'N' | 'R' | 'V';
  readonly author: Signed;
  readonly legalAuthenticator: Signed;
  /** The maternity, custodian of the document and the author's organisation. */
  readonly custodian: Organisation;
  readonly encounter: {
    readonly start: IsoDateTime;
    readonly end?: IsoDateTime;
    /** JDV_J02, default SA01 (établissement public de santé). */
    readonly facilityType?: string;
    /** JDV_J04, default ETABLISSEMENT. */
    readonly practiceSetting?: string;
    readonly responsible?: Professional;
    /** The maternity's stay number, under {@link MATERNITY_STAY_ID_OID}. */
    readonly stayId?: string;
  };
  /** Only fr-FR is produced. */
  readonly language?: 'fr-FR';
}

/** Input of {@link buildCraDocument}. */
export interface CraInput {
  readonly header: DocumentHeaderInput;
  readonly patient: PatientIdentity;
  readonly delivery: Delivery;
  /** Free comments of the author, printed at the end of the report. */
  readonly comments?: string;
}

/** Input of {@link buildObpSnmDocument}. */
export interface ObpSnmInput {
  readonly header: DocumentHeaderInput;
  readonly patient: PatientIdentity;
  readonly delivery: Delivery;
  readonly generalPractitioner?: Professional;
  /** Status of the synthesis (JDV_StatutDoc): approved by default. */
  readonly status?: 'en_cours' | 'approuve';
}

/** Input of {@link buildCroDocument}. */
export interface CroInput {
  readonly header: DocumentHeaderInput;
  readonly patient: PatientIdentity;
  readonly operation: CaesareanOperation;
  /** The births of the operation, summarised in the report. */
  readonly newborns: readonly Newborn[];
}

/** Input of {@link buildLdlSesDocument}. */
export interface LdlSesInput {
  readonly header: DocumentHeaderInput;
  readonly patient: PatientIdentity;
  readonly discharge: Discharge;
  /** Document status: final by default. */
  readonly status?: 'en_cours' | 'valide';
}
