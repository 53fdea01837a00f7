/**
 * The JSON contract between the patient portal (packages/portal, React) and its backend
 * (packages/dmp/src/portal, served under `/api` on the portal listener). Session by cookie
 * (`dmp_session`, HttpOnly, Secure, SameSite=Strict); every state-changing request carries the
 * `x-csrf-token` header equal to the `csrfToken` the session endpoints return.
 * Errors: HTTP 4xx with `PortalError` (a stable `code` and a message in the user's language).
 */

export interface PortalError {
  readonly code: string;
  readonly message: string;
  /** Field-level messages for forms. */
  readonly fields?: Record<string, string>;
}

export type Language = 'fr' | 'en';
export type OtpChannel = 'email' | 'sms';

// ---------------------------------------------------------------- accounts and sign-in

/** POST /api/auth/signup: create the record (or find the one a professional created) from Carte Vitale data, and the account. */
export interface SignupRequest {
  readonly insuredNir: string;
  readonly rank: number;
  readonly familyName: string;
  readonly givenName: string;
  /** YYYY-MM-DD */
  readonly birthDate: string;
  readonly email: string;
  /** French mobile, +33... or 06... */
  readonly phone?: string;
  readonly password: string;
  readonly otpChannel: OtpChannel;
}
/** The login id is given to the patient once the account exists (also sent by e-mail). */
export interface SignupResponse {
  readonly loginId: string;
}

/** POST /api/auth/login: first factor. Sends a one-time code by the account's channel. */
export interface LoginRequest {
  readonly loginId: string;
  readonly password: string;
}
export interface LoginChallenge {
  readonly challengeId: string;
  readonly channel: OtpChannel | 'totp';
  /** e.g. "c***@example.org" or "06 ** ** ** 12" */
  readonly maskedDestination: string;
  readonly expiresAt: string;
}

/** POST /api/auth/otp: second factor. Sets the session cookie. */
export interface OtpRequest {
  readonly challengeId: string;
  readonly code: string;
}

/** PUT /api/account/language: the language of the portal and of the messages the account receives. */
export interface LanguageRequest {
  readonly language: Language;
}

/** POST /api/auth/totp/setup: a new authenticator-app secret, pending until confirmed. */
export interface TotpSetup {
  /** `otpauth://totp/...`: opens the authenticator app on a phone. */
  readonly otpauthUri: string;
  /** The same secret in base32, to type into the app. */
  readonly secret: string;
}

/** POST /api/auth/totp/confirm: a code the app shows, proving it holds the secret. */
export interface TotpConfirmRequest {
  readonly code: string;
}

/** GET /api/session (and the answer of /api/auth/otp). */
export interface SessionInfo {
  readonly csrfToken: string;
  readonly account: {
    readonly loginId: string;
    readonly language: Language;
    readonly email: string;
    readonly phone?: string;
    /** How sign-in asks for the second factor: a code by e-mail or SMS, or an authenticator app. */
    readonly secondFactor: OtpChannel | 'totp';
  };
  /** The records this account may act on: its own, and those of minors it represents. */
  readonly records: readonly { readonly ins: string; readonly displayName: string; readonly relation: 'self' | 'legal-representative' }[];
  readonly idleExpiresAt: string;
  readonly absoluteExpiresAt: string;
  /** The session ends after this long without a request (the portal warns shortly before). */
  readonly idleTimeoutSeconds: number;
}

// ---------------------------------------------------------------- the record

/** The six parts of the record (seed text) plus the patient's own documents. */
export type RecordPart =
  | 'care-history'
  | 'medical-history'
  | 'exam-results'
  | 'hospital-reports'
  | 'emergency-contacts'
  | 'advance-directives'
  | 'patient-documents';

export interface DocumentSummary {
  readonly id: string;
  readonly title: string;
  readonly typeCode: string;
  readonly typeLabel: string;
  readonly classCode: string;
  readonly part: RecordPart;
  /** ISO instant */
  readonly date?: string;
  readonly author: { readonly name: string; readonly profession?: string; readonly structure?: string };
  readonly mimeType: string;
  readonly size: number;
  readonly maskedFromProfessionals: boolean;
  readonly status: 'current' | 'superseded' | 'entered-in-error';
  readonly archived: boolean;
}

/** GET /api/records/:ins/summary */
export interface RecordSummary {
  readonly ins: string;
  readonly status: 'open' | 'closed';
  readonly parts: readonly { readonly part: RecordPart; readonly count: number; readonly latest: readonly DocumentSummary[] }[];
}

/** GET /api/records/:ins/documents?part=&type=&author=&from=&to=&q=&offset=&count= */
export interface DocumentList {
  readonly total: number;
  readonly documents: readonly DocumentSummary[];
}

/**
 * GET /api/records/:ins/documents/:id/view: how to show the document.
 * - PDF: `contentUrl` (GET /api/records/:ins/documents/:id/content, served with
 *   `Content-Security-Policy: sandbox` and `X-Content-Type-Options: nosniff`) to put in a sandboxed iframe;
 * - CDA: `html`, rendered on the server from the CDA narrative as inert HTML (no script, no
 *   external resource, no event handler), for a sandboxed iframe `srcdoc`;
 * - images: `contentUrl` for an <img>.
 */
export interface DocumentView {
  readonly document: DocumentSummary;
  readonly kind: 'pdf' | 'cda' | 'image' | 'text' | 'other';
  readonly contentUrl: string;
  readonly html?: string;
  /** Who has opened this document (from the access history). */
  readonly seenBy: readonly { readonly name: string; readonly profession?: string; readonly at: string }[];
}

/** POST /api/records/:ins/documents (multipart: file, title, type DOCPAT01..09 / EXPPAT_1..3): the patient's own document. */
export interface UploadResponse {
  readonly id: string;
}

/** PATCH /api/records/:ins/documents/:id  { maskedFromProfessionals: boolean } */
export interface DocumentVisibilityRequest {
  readonly maskedFromProfessionals: boolean;
}

// ---------------------------------------------------------------- structured entries

export type EntryKind = 'pathology' | 'allergy' | 'emergency-contact' | 'advance-directive';

export interface StructuredEntry {
  readonly id: string;
  readonly kind: EntryKind;
  /** pathology / allergy: label; contact: name; directive: title */
  readonly label: string;
  /** contact: relation (e.g. "sœur"); allergy: reaction; pathology: since */
  readonly detail?: string;
  /** contact only */
  readonly phone?: string;
  /** directive only: the text */
  readonly text?: string;
  /** ISO date the entry states (directive: date written) */
  readonly date?: string;
  readonly recordedAt: string;
}

/** GET /api/records/:ins/entries?kind=  → StructuredEntry[]; POST (without id, recordedAt) → StructuredEntry; PUT /:id; DELETE /:id */
export type NewEntry = Omit<StructuredEntry, 'id' | 'recordedAt'>;

// ---------------------------------------------------------------- the patient's controls

export interface ProfessionalRef {
  readonly nationalId: string;
  readonly name: string;
  readonly profession: string;
  readonly specialty?: string;
  readonly city?: string;
  readonly structure?: string;
}

/** GET /api/records/:ins/access */
export interface AccessSettings {
  readonly status: 'open' | 'closed';
  readonly authorised: readonly ProfessionalRef[];
  readonly blocked: readonly ProfessionalRef[];
  readonly medecinTraitant?: ProfessionalRef;
  readonly emergencyAccessOpposed: boolean;
}

/**
 * POST /api/records/:ins/access  body: one change
 * { kind: 'authorise' | 'revoke-authorisation' | 'block' | 'unblock' | 'declare-medecin-traitant', nationalId }
 * | { kind: 'withdraw-medecin-traitant' | 'oppose-emergency-access' | 'accept-emergency-access' | 'close' | 'reopen' }
 */
export type AccessChange =
  | { readonly kind: 'authorise' | 'revoke-authorisation' | 'block' | 'unblock' | 'declare-medecin-traitant'; readonly nationalId: string }
  | { readonly kind: 'withdraw-medecin-traitant' | 'oppose-emergency-access' | 'accept-emergency-access' | 'close' | 'reopen' };

/** GET /api/directory?q=&profession=&city=&rpps= → ProfessionalRef[] (at most 50) */
export type DirectorySearchResult = readonly ProfessionalRef[];

// ---------------------------------------------------------------- access history

export interface HistoryEvent {
  readonly id: string;
  readonly at: string;
  /** The whole sentence, in the account's language, e.g. "Sophie Bernard, sage-femme à Maternité Sainte Félicité, a ouvert votre compte rendu d'accouchement le 12 mars à 14:05". */
  readonly sentence: string;
  readonly actor: { readonly name: string; readonly kind: string; readonly profession?: string; readonly structure?: string };
  readonly action: string;
  readonly kind: 'read' | 'search' | 'deposit' | 'change' | 'consent' | 'emergency' | 'refusal' | 'other';
  readonly emergency: boolean;
  readonly refused: boolean;
  readonly documentId?: string;
  readonly documentTitle?: string;
}

/** GET /api/records/:ins/history?person=&document=&kind=&cursor= */
export interface HistoryPage {
  readonly events: readonly HistoryEvent[];
  readonly nextCursor?: string;
  /** Result of verifying the record's hash chain (and the last signed checkpoint). */
  readonly integrity: { readonly ok: boolean; readonly checkedAt: string; readonly entries: number; readonly problem?: string };
}

// ---------------------------------------------------------------- notifications

export interface NotificationPreferences {
  readonly newDocument: readonly OtpChannel[];
  readonly newProfessionalAccess: readonly OtpChannel[];
  readonly emergencyAccess: readonly OtpChannel[];
}
