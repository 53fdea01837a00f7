import type { AuditActor, AuditEntry } from '../audit/index.js';
import type { HistoryEvent, Language } from './api-contract.js';

/**
 * The access history in plain sentences (issue: "Sophie Bernard, sage-femme at Maternité Sainte
 * Félicité, opened your compte rendu d'accouchement on 12 March at 14:05"), in French or English,
 * dates and times in Europe/Paris.
 */
/** Labels of the TRE_G15 professions the portal names (others are named without a profession). */
export const PROFESSIONS: Readonly<Record<string, { fr: string; en: string }>> = {
  '10': { fr: 'médecin', en: 'doctor' },
  '21': { fr: 'pharmacien', en: 'pharmacist' },
  '40': { fr: 'chirurgien-dentiste', en: 'dentist' },
  '50': { fr: 'sage-femme', en: 'midwife' },
  '60': { fr: 'infirmier', en: 'nurse' },
  '70': { fr: 'masseur-kinésithérapeute', en: 'physiotherapist' },
};

type Phrase = { fr: (doc: string) => string; en: (doc: string) => string; kind: HistoryEvent['kind'] };

const ACTIONS: Readonly<Record<string, Phrase>> = {
  'document.search': { fr: () => 'a consulté la liste de vos documents', en: () => 'looked at the list of your documents', kind: 'search' },
  'list.search': { fr: () => 'a consulté la liste de vos dépôts', en: () => 'looked at the list of your submissions', kind: 'search' },
  'document.read': { fr: (d) => `a consulté les informations de ${d}`, en: (d) => `looked at the details of ${d}`, kind: 'read' },
  'document.retrieve': { fr: (d) => `a ouvert ${d}`, en: (d) => `opened ${d}`, kind: 'read' },
  'document.deposit': { fr: (d) => `a ajouté ${d} à votre dossier`, en: (d) => `added ${d} to your record`, kind: 'deposit' },
  'document.mask': { fr: (d) => `a masqué ${d} aux professionnels`, en: (d) => `hid ${d} from professionals`, kind: 'change' },
  'document.unmask': { fr: (d) => `a rendu ${d} visible aux professionnels`, en: (d) => `made ${d} visible to professionals`, kind: 'change' },
  'document.set-visibility': { fr: (d) => `a modifié la visibilité de ${d}`, en: (d) => `changed the visibility of ${d}`, kind: 'change' },
  'document.archive': { fr: (d) => `a archivé ${d}`, en: (d) => `archived ${d}`, kind: 'change' },
  'document.delete': { fr: (d) => `a supprimé ${d}`, en: (d) => `deleted ${d}`, kind: 'change' },
  'record.status': { fr: () => 'a vérifié l’existence de votre dossier et ses droits', en: () => 'checked your record exists and their rights', kind: 'other' },
  'record.create': { fr: () => 'a créé votre dossier', en: () => 'created your record', kind: 'consent' },
  'record.authorise': { fr: () => 'a autorisé un professionnel à consulter votre dossier', en: () => 'authorised a professional to read your record', kind: 'consent' },
  'record.revoke-authorisation': { fr: () => 'a retiré une autorisation', en: () => 'withdrew an authorisation', kind: 'consent' },
  'record.block': { fr: () => 'a bloqué un professionnel', en: () => 'blocked a professional', kind: 'consent' },
  'record.unblock': { fr: () => 'a débloqué un professionnel', en: () => 'unblocked a professional', kind: 'consent' },
  'record.declare-medecin-traitant': { fr: () => 'a déclaré votre médecin traitant', en: () => 'declared your médecin traitant', kind: 'consent' },
  'record.withdraw-medecin-traitant': { fr: () => 'a retiré la déclaration de médecin traitant', en: () => 'withdrew the médecin traitant declaration', kind: 'consent' },
  'record.oppose-emergency-access': { fr: () => 's’est opposé à l’accès en urgence', en: () => 'opposed emergency access', kind: 'consent' },
  'record.accept-emergency-access': { fr: () => 'a levé l’opposition à l’accès en urgence', en: () => 'withdrew the opposition to emergency access', kind: 'consent' },
  'record.close': { fr: () => 'a fermé votre dossier', en: () => 'closed your record', kind: 'consent' },
  'record.reopen': { fr: () => 'a rouvert votre dossier', en: () => 'reopened your record', kind: 'consent' },
  'history.read': { fr: () => 'a consulté l’historique des accès', en: () => 'read the access history', kind: 'other' },
  'record.settings': { fr: () => 'a consulté les autorisations d’accès au dossier', en: () => 'looked at who may access the record', kind: 'other' },
  'record.notification-preferences': { fr: () => 'a modifié les préférences de notification', en: () => 'changed the notification preferences', kind: 'consent' },
  'entry.read': { fr: () => 'a consulté les informations saisies par le patient', en: () => 'looked at the information the patient recorded', kind: 'read' },
  'entry.create': { fr: () => 'a ajouté une information (antécédent, allergie, contact ou directive)', en: () => 'added an entry (history, allergy, contact or directive)', kind: 'change' },
  'entry.replace': { fr: () => 'a mis à jour une information saisie', en: () => 'updated an entry', kind: 'change' },
  'entry.delete': { fr: () => 'a supprimé une information saisie', en: () => 'deleted an entry', kind: 'change' },
  'portal.sign-up': { fr: () => 'a créé son compte sur l’espace patient', en: () => 'created the patient space account', kind: 'other' },
  'portal.activation': { fr: () => 'a activé l’espace patient', en: () => 'activated the patient space', kind: 'other' },
  'portal.activation-code': { fr: () => 'a émis un code d’activation de l’espace patient', en: () => 'issued an activation code for the patient space', kind: 'other' },
  'portal.password': { fr: () => 'a saisi le mot de passe de l’espace patient', en: () => 'entered the patient space password', kind: 'other' },
  'portal.otp': { fr: () => 'a saisi un code de vérification', en: () => 'entered a verification code', kind: 'other' },
  'portal.sign-in': { fr: () => 'a ouvert une session sur l’espace patient', en: () => 'signed in to the patient space', kind: 'other' },
  'portal.logout': { fr: () => 'a fermé sa session', en: () => 'signed out', kind: 'other' },
  'portal.logout-all': { fr: () => 'a fermé toutes les sessions', en: () => 'signed out everywhere', kind: 'other' },
  'portal.lockout': { fr: () => 'a déclenché le blocage temporaire du compte (mots de passe erronés)', en: () => 'caused a temporary lockout (wrong passwords)', kind: 'other' },
  'portal.password-reset-request': { fr: () => 'a demandé à changer de mot de passe', en: () => 'asked to reset the password', kind: 'other' },
  'portal.password-reset': { fr: () => 'a changé de mot de passe', en: () => 'reset the password', kind: 'other' },
  'portal.totp-enrolment': { fr: () => 'a configuré une application d’authentification', en: () => 'set up an authenticator app', kind: 'other' },
};

const ATTEMPTS: Readonly<Record<string, { fr: string; en: string }>> = {
  'document.search': { fr: 'a tenté de consulter vos documents', en: 'tried to look at your documents' },
  'document.read': { fr: 'a tenté d’ouvrir un document', en: 'tried to open a document' },
  'document.retrieve': { fr: 'a tenté d’ouvrir un document', en: 'tried to open a document' },
  'document.deposit': { fr: 'a tenté d’ajouter un document', en: 'tried to add a document' },
};

/** Who, as a sentence subject: "Sophie Bernard, sage-femme à Maternité Sainte Félicité". */
export function actorPhrase(actor: AuditActor, language: Language): { name: string; phrase: string } {
  switch (actor.kind) {
    case 'patient':
      return { name: language === 'fr' ? 'Vous' : 'You', phrase: language === 'fr' ? 'Vous' : 'You' };
    case 'legal-representative':
      return { name: language === 'fr' ? 'Votre représentant légal' : 'Your legal representative', phrase: language === 'fr' ? 'Votre représentant légal' : 'Your legal representative' };
    case 'administrator':
      return { name: language === 'fr' ? 'Le service DMP' : 'The DMP service', phrase: language === 'fr' ? 'Le service DMP, à votre demande,' : 'The DMP service, at your request,' };
    case 'assurance-maladie':
      return { name: 'Assurance Maladie', phrase: 'L’Assurance Maladie' };
    case 'professional': {
      const name = [actor.givenName, capitalise(actor.familyName)].filter(Boolean).join(' ') || actor.id;
      const profession = actor.profession ? PROFESSIONS[actor.profession]?.[language] : undefined;
      const where = actor.structure?.name ?? actor.establishment?.name;
      const details = [profession, where ? `${language === 'fr' ? 'à' : 'at'} ${where}` : undefined].filter(Boolean).join(' ');
      return { name, phrase: details ? `${name}, ${details},` : name };
    }
    default:
      return { name: actor.id, phrase: actor.id };
  }
}

/** "le 12 mars à 14:05" / "on 12 March at 14:05" (the year when it is not the current one). */
export function whenPhrase(at: Date, language: Language, now: Date = new Date()): string {
  const sameYear = at.getUTCFullYear() === now.getUTCFullYear();
  const locale = language === 'fr' ? 'fr-FR' : 'en-GB';
  const day = new Intl.DateTimeFormat(locale, { timeZone: 'Europe/Paris', day: 'numeric', month: 'long', ...(sameYear ? {} : { year: 'numeric' }) }).format(at);
  const time = new Intl.DateTimeFormat(locale, { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  return language === 'fr' ? `le ${day} à ${time}` : `on ${day} at ${time}`;
}

/** One audit entry as the patient reads it. `documentTitle` names the document the entry concerns. */
export function historyEvent(entry: AuditEntry, language: Language, documentTitle: string | undefined, now: Date = new Date()): HistoryEvent {
  const actor = actorPhrase(entry.actor, language);
  const refused = entry.outcome !== 'allowed';
  const emergency = entry.mode === 'bris_de_glace' || entry.mode === 'centre_15';
  const doc = documentTitle ? (language === 'fr' ? `votre document « ${documentTitle} »` : `your document “${documentTitle}”`) : language === 'fr' ? 'un document' : 'a document';
  const phrase = ACTIONS[entry.action];
  let what: string;
  if (refused) {
    const attempt = ATTEMPTS[entry.action]?.[language] ?? (language === 'fr' ? `a tenté une action (${entry.action})` : `attempted an action (${entry.action})`);
    what = `${attempt} : ${language === 'fr' ? 'accès refusé' : 'access refused'}`;
  } else {
    what = phrase ? phrase[language](doc) : entry.action;
  }
  const mode = emergency
    ? language === 'fr'
      ? ` en accès d’urgence (${entry.mode === 'centre_15' ? 'centre 15' : 'bris de glace'}${entry.reason ? ` : « ${entry.reason} »` : ''})`
      : ` in emergency mode (${entry.mode === 'centre_15' ? 'centre 15' : 'break-the-glass'}${entry.reason ? `: “${entry.reason}”` : ''})`
    : '';
  const sentence = `${actor.phrase} ${entry.actor.kind === 'patient' && language === 'fr' ? secondPerson(what) : what}${mode} ${whenPhrase(entry.recordedAt, language, now)}.`;
  return {
    id: `${entry.partition}-${entry.seq}`,
    at: entry.recordedAt.toISOString(),
    sentence,
    actor: {
      name: actor.name,
      kind: entry.actor.kind,
      ...(entry.actor.profession && PROFESSIONS[entry.actor.profession] ? { profession: PROFESSIONS[entry.actor.profession]![language] } : {}),
      ...(entry.actor.structure?.name ? { structure: entry.actor.structure.name } : {}),
    },
    action: entry.action,
    kind: refused ? 'refusal' : emergency ? 'emergency' : (phrase?.kind ?? 'other'),
    emergency,
    refused,
    ...(entry.documentId ? { documentId: entry.documentId } : {}),
    ...(documentTitle ? { documentTitle } : {}),
  };
}

/** French verbs after "Vous": "a consulté" → "avez consulté", "s’est opposé" → "vous êtes opposé(e)". */
function secondPerson(phrase: string): string {
  return phrase
    .replace(/^a /, 'avez ')
    .replace(/^s’est (\S+)/, 'vous êtes $1(e)')
    .replace(/ son compte/, ' votre compte')
    .replace(/ sa session/, ' votre session');
}

function capitalise(value: string | undefined): string | undefined {
  if (!value) return value;
  return value
    .toLowerCase()
    .split(/([ -])/)
    .map((part) => (part.length > 0 ? part[0]!.toUpperCase() + part.slice(1) : part))
    .join('');
}
