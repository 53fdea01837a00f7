/**
 * The one access decision of the DMP host (DESIGN.md §2.1, DOMAIN.md §1 and §3): pure, synchronous,
 * over data loaded first. Deny by default; every outcome names the rule that applied.
 *
 * Order of the checks: forbidden actors; `record.status` and `record.create` (which need no record);
 * the actor's relation to the record (own record, legal representative, blocked, ...); a closed
 * record; then the action. Reads and searches go through one SearchScope (`searchScope`), and a
 * single-document read is that scope applied to the document, so list, search and read agree.
 */
import { PATIENT_DEPOSIT_TYPES, CARE_HISTORY, DOCUMENT_CLASS, RESERVED_FROM_PROFESSIONALS } from './document-codes.js';
import { forbiddenActor } from './forbidden.js';
import { habilitationFilter } from './habilitation-matrix.js';
import { RULE, type RuleName } from './rules.js';
import { scopeExclusion } from './scope-match.js';
import type {
  AccessContext,
  Action,
  Actor,
  Decision,
  DocumentAccessState,
  ProfessionalIdentity,
  RecordAccessState,
  SearchScope,
  VisibilityFlag,
} from './types.js';

type ProfessionalActor = Extract<Actor, { kind: 'professional' }>;
type DocumentsScope = Extract<SearchScope, { kind: 'documents' }>;
type Refusal = Extract<Decision, { allowed: false }>;

/**
 * Who may use access mode `centre_15`: the SAMU's regulating doctor, identified as a médecin
 * (TRE_G15 `10`) whose assertion states the practice setting J04 `SAMU_SMUR`. J04 has no code for the
 * regulation centre alone, so SMUR doctors also qualify; they are emergency doctors too.
 */
export const CENTRE_15_REGULATOR = { profession: '10', practiceSetting: 'SAMU_SMUR' } as const;

/** Actions the patient side (patient, legal representative, administrator) may still take on a closed record. */
const ALLOWED_ON_CLOSED_RECORD: ReadonlySet<Action> = new Set<Action>(['record.manage', 'history.read']);

const allow = (rule: string): Decision => ({ allowed: true, rule });
const deny = (rule: string, reason: string): Refusal => ({ allowed: false, rule, reason });
const none = (rule: RuleName | string, reason: string): SearchScope => ({ kind: 'none', rule, reason });

/** Patient and legal representative: who they are to the record and what stays hidden from them. */
interface PatientSide {
  readonly rule: RuleName;
  readonly hiddenFlags: readonly VisibilityFlag[];
  /** Author ids whose documents they may delete or change the visibility of. */
  readonly authorIds: readonly string[];
}

function patientSide(actor: Actor, record: RecordAccessState): PatientSide | Refusal {
  if (actor.kind === 'patient') {
    if (actor.ins !== record.ins) return deny(RULE.notOwnRecord, 'not the patient of this record');
    return { rule: RULE.patientOwnRecord, hiddenFlags: ['INVISIBLE_PATIENT'], authorIds: [actor.ins] };
  }
  if (actor.kind === 'legal-representative') {
    if (!record.minor || !record.legalRepresentatives.has(actor.representativeId)) {
      return deny(RULE.notLegalRepresentative, 'not a legal representative of this minor');
    }
    return {
      rule: RULE.legalRepresentative,
      hiddenFlags: ['INVISIBLE_PATIENT', 'INVISIBLE_REPRESENTANTS_LEGAUX'],
      // Documents the minor or this representative deposited (a patient document's author is the INS).
      authorIds: [record.ins, actor.representativeId],
    };
  }
  return deny(RULE.notPermitted, 'not the patient side');
}

/** The patient's own view of their documents (used for what an administrator may act on for them). */
const PATIENT_VIEW: DocumentsScope = { kind: 'documents', rule: RULE.administratorForPatient, hiddenFlags: ['INVISIBLE_PATIENT'] };

/** National ids of the structures a professional acts for (the patient may authorise or block them). */
function structureIds(actor: ProfessionalActor): string[] {
  const ids = [actor.professional.structure?.nationalId, actor.establishment?.nationalId];
  return ids.filter((id): id is string => id !== undefined);
}

function isMedecinTraitant(professional: ProfessionalIdentity, record: RecordAccessState): boolean {
  return record.medecinTraitant !== undefined && record.medecinTraitant === professional.nationalId;
}

/**
 * Blocked by the patient, personally or through a structure. The declared médecin traitant is never
 * blocked: the patient must withdraw the declaration first, so a block recorded while the declaration
 * stands is stale data and the médecin traitant rule wins.
 */
function isBlocked(actor: ProfessionalActor, record: RecordAccessState): boolean {
  if (isMedecinTraitant(actor.professional, record)) return false;
  return record.blocked.has(actor.professional.nationalId) || structureIds(actor).some((id) => record.blocked.has(id));
}

/** Reading rights of a professional before habilitation: which rule grants them and what stays masked. */
function professionalGrant(
  actor: ProfessionalActor,
  record: RecordAccessState,
  context: AccessContext,
): { readonly rule: RuleName; readonly seesMasked: boolean } | SearchScope {
  const professional = actor.professional;
  // Normal rights come first, whatever mode the caller asked for: an authorised professional using an
  // emergency mode is recorded (and not notified) as a normal access.
  if (isMedecinTraitant(professional, record)) return { rule: RULE.medecinTraitant, seesMasked: true };
  if (record.authorised.has(professional.nationalId)) return { rule: RULE.authorisedProfessional, seesMasked: false };
  if (structureIds(actor).some((id) => record.authorised.has(id))) return { rule: RULE.authorisedEstablishment, seesMasked: false };

  if (context.mode === 'normal') return none(RULE.notAuthorised, 'the patient has not authorised this professional');
  if (
    context.mode === 'centre_15' &&
    (professional.profession !== CENTRE_15_REGULATOR.profession || professional.practiceSetting !== CENTRE_15_REGULATOR.practiceSetting)
  ) {
    return none(RULE.centre15NotRegulator, 'centre_15 is for the SAMU regulating doctor');
  }
  if (record.emergencyOpposed) return none(RULE.emergencyOpposed, 'the patient opposed emergency access');
  if ((context.reason ?? '').trim() === '') return none(RULE.emergencyReasonMissing, 'an emergency access must state a reason');
  // Emergency opens the record, not the patient's masks.
  return { rule: context.mode === 'centre_15' ? RULE.centre15 : RULE.brisDeGlace, seesMasked: false };
}

function professionalScope(actor: ProfessionalActor, record: RecordAccessState, context: AccessContext): SearchScope {
  if (isBlocked(actor, record)) return none(RULE.blockedByPatient, 'the patient blocked this professional');
  if (record.status === 'closed') return none(RULE.recordClosed, 'the record is closed');
  const grant = professionalGrant(actor, record, context);
  if ('kind' in grant) return grant;
  const filter = habilitationFilter(actor.professional.profession);
  if (!filter) return none(RULE.habilitation, `profession ${actor.professional.profession} may read no document`);
  const masking = grant.seesMasked
    ? { hiddenFlags: [] }
    : { hiddenFlags: ['MASQUE_PS' as const], unlessAuthor: actor.professional.nationalId };
  return { kind: 'documents', rule: grant.rule, ...masking, ...filter };
}

/**
 * What a search of this record may return for this actor, as data the repository turns into SQL
 * (IHE ITI-67 / ITI-66 as profiled by PDSm), so paging counts only what may be seen. The same rules
 * as `decide(actor, 'document.read', ...)`: `documentInScope(searchScope(...), document)` is true
 * exactly when that read is allowed.
 *
 * @example
 * searchScope(nurse, record, { mode: 'normal' })
 * // { kind: 'documents', rule: 'authorised-professional', hiddenFlags: ['MASQUE_PS'], unlessAuthor: '8…',
 * //   excludedClassCodes: ['95'], excludedTypeCodes: ['68599-0', '83901-9', '75496-0'] }
 */
export function searchScope(actor: Actor, record: RecordAccessState | undefined, context: AccessContext): SearchScope {
  const forbidden = forbiddenActor(actor);
  if (forbidden) return none(forbidden.rule, forbidden.reason);
  if (!record) return none(RULE.recordNotFound, 'no such record');
  switch (actor.kind) {
    case 'patient':
    case 'legal-representative': {
      const side = patientSide(actor, record);
      if ('allowed' in side) return none(side.rule, side.reason);
      if (record.status === 'closed') return none(RULE.recordClosed, 'the record is closed');
      return { kind: 'documents', rule: side.rule, hiddenFlags: side.hiddenFlags };
    }
    case 'professional':
      return professionalScope(actor, record, context);
    case 'assurance-maladie':
      return none(RULE.assuranceMaladieDepositOnly, 'the Assurance Maladie never reads');
    case 'administrator':
      return none(RULE.notPermitted, 'administrators manage records; they do not read documents');
    case 'other':
      return none(RULE.forbiddenThirdParty, 'forbidden actor');
  }
}

function withDocument(context: AccessContext, then: (document: DocumentAccessState) => Decision): Decision {
  return context.document ? then(context.document) : deny(RULE.documentRequired, 'this action concerns one document');
}

/** A document the scope shows, or the rule that hides it. */
function visibleThen(scope: SearchScope, document: DocumentAccessState, then: () => Decision): Decision {
  const exclusion = scopeExclusion(scope, document);
  return exclusion ? deny(exclusion.rule, exclusion.reason) : then();
}

function decideDeposit(actor: Actor, rule: RuleName, context: AccessContext): Decision {
  const type = context.depositTypeCode;
  const cls = context.depositClassCode;
  if (type === undefined) return deny(RULE.depositTypeRequired, 'a deposit must state its document type');
  const ok =
    actor.kind === 'professional'
      ? !RESERVED_FROM_PROFESSIONALS.includes(type) && cls !== DOCUMENT_CLASS.reimbursement
      : actor.kind === 'assurance-maladie'
        ? type === CARE_HISTORY.code && (cls === undefined || cls === CARE_HISTORY.classCode)
        : PATIENT_DEPOSIT_TYPES.some((t) => t.code === type) || cls === DOCUMENT_CLASS.patientDocument;
  return ok ? allow(rule) : deny(RULE.depositTypeNotAllowed, `${actor.kind} may not deposit type ${type}`);
}

function decidePatientSide(actor: Actor, action: Action, record: RecordAccessState, context: AccessContext): Decision {
  const side = patientSide(actor, record);
  if ('allowed' in side) return side;
  if (record.status === 'closed' && !ALLOWED_ON_CLOSED_RECORD.has(action)) return deny(RULE.recordClosed, 'the record is closed');
  const scope: DocumentsScope = { kind: 'documents', rule: side.rule, hiddenFlags: side.hiddenFlags };
  switch (action) {
    case 'record.manage':
    case 'history.read':
      return allow(side.rule);
    case 'document.deposit':
      return decideDeposit(actor, side.rule, context);
    case 'document.mask':
    case 'document.unmask':
    case 'document.archive':
      return withDocument(context, (doc) => visibleThen(scope, doc, () => allow(side.rule)));
    case 'document.delete':
    case 'document.set-visibility':
      return withDocument(context, (doc) =>
        visibleThen(scope, doc, () =>
          side.authorIds.includes(doc.authorId) ? allow(RULE.documentAuthor) : deny(RULE.notAuthor, 'only the author may do this'),
        ),
      );
    default:
      return deny(RULE.notPermitted, `${actor.kind} may not ${action}`);
  }
}

function decideAdministrator(action: Action, record: RecordAccessState, context: AccessContext): Decision {
  if (record.status === 'closed' && !ALLOWED_ON_CLOSED_RECORD.has(action)) return deny(RULE.recordClosed, 'the record is closed');
  switch (action) {
    case 'record.manage':
    case 'history.read':
      return allow(RULE.administratorForPatient);
    case 'document.mask':
    case 'document.unmask':
      // Acting for the patient: only on documents the patient can see.
      return withDocument(context, (doc) => visibleThen(PATIENT_VIEW, doc, () => allow(RULE.administratorForPatient)));
    default:
      return deny(RULE.notPermitted, `administrator may not ${action}`);
  }
}

function decideProfessional(actor: ProfessionalActor, action: Action, record: RecordAccessState, context: AccessContext): Decision {
  if (isBlocked(actor, record)) return deny(RULE.blockedByPatient, 'the patient blocked this professional');
  if (record.status === 'closed') return deny(RULE.recordClosed, 'the record is closed');
  switch (action) {
    case 'document.deposit':
      // Deposit needs no authorisation and no habilitation (DOMAIN.md §1: "may deposit for a patient they treat").
      return decideDeposit(actor, RULE.professionalDeposit, context);
    case 'document.archive':
    case 'document.delete':
    case 'document.set-visibility':
      return withDocument(context, (doc) =>
        doc.authorId === actor.professional.nationalId ? allow(RULE.documentAuthor) : deny(RULE.notAuthor, 'only the author may do this'),
      );
    default:
      return deny(RULE.notPermitted, `professional may not ${action}`);
  }
}

function decideCreate(actor: Actor, record: RecordAccessState | undefined): Decision {
  if (record) return deny(RULE.recordAlreadyExists, 'a record already exists for this INS');
  switch (actor.kind) {
    case 'patient':
    case 'legal-representative':
    case 'administrator':
      return allow(RULE.recordCreate);
    case 'professional':
      // "by a doctor, or at an establishment's front desk"
      return actor.professional.profession === '10' || actor.establishment !== undefined
        ? allow(RULE.recordCreate)
        : deny(RULE.notPermitted, 'a record is created by the patient, a doctor or an establishment');
    default:
      return deny(RULE.notPermitted, `${actor.kind} may not create a record`);
  }
}

/**
 * Decides whether `actor` may take `action` on a patient's record (DOMAIN.md §3 "Access",
 * "Documents", "Closing"; DESIGN.md §2.1). Pure and synchronous: `record` (undefined when no record
 * exists for the INS) and `context.document` are loaded by the caller. Deny by default; the returned
 * rule goes to the audit log. An allowed decision whose rule is in EMERGENCY_RULES must be notified to
 * the patient and the médecin traitant (see `isEmergencyAccess`).
 *
 * @example
 * decide(nurse, 'document.read', record, { mode: 'normal', document })
 * // { allowed: false, rule: 'habilitation', reason: 'profession may not read type 68599-0 (class 11)' }
 */
export function decide(actor: Actor, action: Action, record: RecordAccessState | undefined, context: AccessContext): Decision {
  const forbidden = forbiddenActor(actor);
  if (forbidden) return deny(forbidden.rule, forbidden.reason);
  // TD0.2: every authenticated, non-forbidden actor learns whether a record exists and their own rights.
  if (action === 'record.status') return allow(RULE.recordStatus);
  if (action === 'record.create') return decideCreate(actor, record);
  if (!record) return deny(RULE.recordNotFound, 'no such record');

  if (action === 'document.search' || action === 'document.read') {
    const scope = searchScope(actor, record, context);
    if (scope.kind === 'none') return deny(scope.rule, scope.reason);
    if (action === 'document.search') return allow(scope.rule);
    return withDocument(context, (doc) => visibleThen(scope, doc, () => allow(scope.rule)));
  }

  switch (actor.kind) {
    case 'patient':
    case 'legal-representative':
      return decidePatientSide(actor, action, record, context);
    case 'administrator':
      return decideAdministrator(action, record, context);
    case 'assurance-maladie':
      if (record.status === 'closed') return deny(RULE.recordClosed, 'the record is closed');
      return action === 'document.deposit'
        ? decideDeposit(actor, RULE.assuranceMaladieCareHistory, context)
        : deny(RULE.assuranceMaladieDepositOnly, 'the Assurance Maladie only feeds the care history');
    case 'professional':
      return decideProfessional(actor, action, record, context);
    case 'other':
      return deny(RULE.forbiddenThirdParty, 'forbidden actor');
  }
}
