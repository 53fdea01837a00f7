import type { Language, PortalError } from '../api-contract.js';
import type { PasswordWeakness } from './password-policy.js';

/** The stable codes of the portal's sign-in errors, with their HTTP status. */
export const AUTH_ERRORS = {
  'invalid-request': 400,
  'invalid-credentials': 401,
  'otp-invalid': 401,
  'session-required': 401,
  'activation-invalid': 401,
  'reset-invalid': 400,
  csrf: 403,
  forbidden: 403,
  'account-exists': 409,
  'activation-required': 409,
  'weak-password': 422,
  'identity-not-found': 422,
  'signup-not-holder': 422,
  'signup-minor': 422,
  'totp-invalid': 422,
  'rate-limited': 429,
} as const;

export type AuthErrorCode = keyof typeof AUTH_ERRORS;

const MESSAGES: Record<AuthErrorCode, Record<Language, string>> = {
  'invalid-request': { fr: 'La demande est incomplète ou mal formée.', en: 'The request is incomplete or malformed.' },
  'invalid-credentials': {
    fr: 'Identifiant ou mot de passe incorrect. Après plusieurs erreurs, le compte est bloqué quelques minutes : un e-mail vous en avertit.',
    en: 'Wrong login id or password. After several mistakes the account is locked for a few minutes: an e-mail tells you so.',
  },
  'otp-invalid': {
    fr: 'Ce code est incorrect, expiré ou déjà utilisé. Reconnectez-vous pour recevoir un nouveau code.',
    en: 'This code is wrong, expired or already used. Sign in again to receive a new code.',
  },
  'session-required': { fr: 'Votre session a expiré. Veuillez vous reconnecter.', en: 'Your session has expired. Please sign in again.' },
  'activation-invalid': {
    fr: 'Ce code d’activation est incorrect ou expiré. Demandez-en un nouveau à votre professionnel de santé ou à votre caisse.',
    en: 'This activation code is wrong or expired. Ask your health professional or your insurance office for a new one.',
  },
  'reset-invalid': { fr: 'Ce lien de réinitialisation est invalide, expiré ou déjà utilisé.', en: 'This reset link is invalid, expired or already used.' },
  csrf: { fr: 'Requête refusée : rechargez la page et réessayez.', en: 'Request refused: reload the page and try again.' },
  forbidden: { fr: 'Vous n’avez pas accès à ce dossier.', en: 'You do not have access to this record.' },
  'account-exists': {
    fr: 'Un compte existe déjà pour ce dossier. Connectez-vous, ou réinitialisez votre mot de passe.',
    en: 'An account already exists for this record. Sign in, or reset your password.',
  },
  'activation-required': {
    fr: 'Votre dossier a été créé par un professionnel de santé : activez-le avec le code d’activation qui vous a été remis.',
    en: 'Your record was created by a health professional: activate it with the activation code you were given.',
  },
  'weak-password': { fr: 'Ce mot de passe n’est pas assez sûr.', en: 'This password is not strong enough.' },
  'identity-not-found': {
    fr: 'Aucune identité ne correspond à ces informations de carte Vitale. Vérifiez-les.',
    en: 'No identity matches this Carte Vitale information. Please check it.',
  },
  'signup-not-holder': {
    fr: 'Seul le titulaire du dossier peut créer son compte (rang 1 sur la carte Vitale). Le compte d’un enfant est ouvert par ses représentants légaux auprès d’un professionnel.',
    en: 'Only the record’s holder can create their account (rank 1 on the Carte Vitale). A child’s account is opened by their legal representatives with a professional.',
  },
  'signup-minor': {
    fr: 'Le dossier d’un mineur est ouvert par ses représentants légaux auprès d’un professionnel de santé.',
    en: 'A minor’s record is opened by their legal representatives with a health professional.',
  },
  'totp-invalid': { fr: 'Ce code de l’application d’authentification est incorrect.', en: 'This authenticator app code is wrong.' },
  'rate-limited': { fr: 'Trop de tentatives. Réessayez dans quelques minutes.', en: 'Too many attempts. Try again in a few minutes.' },
};

const PASSWORD_MESSAGES: Record<PasswordWeakness, Record<Language, string>> = {
  'too-short': { fr: 'Le mot de passe doit compter au moins 12 caractères. Une phrase de plusieurs mots est plus facile à retenir.', en: 'The password must have at least 12 characters. A phrase of several words is easier to remember.' },
  'too-long': { fr: 'Le mot de passe ne doit pas dépasser 128 caractères.', en: 'The password must not exceed 128 characters.' },
  common: { fr: 'Ce mot de passe fait partie des plus utilisés : choisissez-en un autre.', en: 'This password is one of the most used: choose another one.' },
  repetitive: { fr: 'Ce mot de passe répète trop les mêmes caractères.', en: 'This password repeats the same characters too much.' },
  personal: {
    fr: 'Le mot de passe ne doit contenir ni votre identifiant, ni votre nom, ni votre date de naissance.',
    en: 'The password must not contain your login id, your name or your birth date.',
  },
};

/** An error of the sign-in part of the portal: a stable code, an HTTP status, a message in the user's language. */
export class PortalAuthError extends Error {
  override readonly name = 'PortalAuthError';
  readonly statusCode: number;

  constructor(
    readonly code: AuthErrorCode,
    readonly fields?: Record<string, string>,
  ) {
    super(MESSAGES[code].fr);
    this.statusCode = AUTH_ERRORS[code];
  }

  /** The JSON body (PortalError) in `language`. */
  toPortalError(language: Language): PortalError {
    return { code: this.code, message: MESSAGES[this.code][language], ...(this.fields ? { fields: this.fields } : {}) };
  }

  static weakPassword(reason: PasswordWeakness, language: Language): PortalAuthError {
    return new PortalAuthError('weak-password', { password: PASSWORD_MESSAGES[reason][language] });
  }

  static invalidField(field: string, language: Language): PortalAuthError {
    return new PortalAuthError('invalid-request', { [field]: language === 'en' ? 'Missing or invalid.' : 'Champ manquant ou invalide.' });
  }
}

/** The user's language from `Accept-Language` (French unless English comes first). */
export function languageFromHeader(header: string | undefined): Language {
  const first = header?.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'fr';
}
