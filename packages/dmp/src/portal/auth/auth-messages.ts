import type { Language, OtpChannel } from '../api-contract.js';

/** The texts the portal sends (e-mail subjects carry no personal data: they are stored in clear in the outbox). */
export const AUTH_MESSAGES = {
  otp: {
    subject: { fr: 'Votre code de connexion', en: 'Your sign-in code' },
    body: (code: string, minutes: number, language: Language): string =>
      language === 'en'
        ? `Your sign-in code for your shared medical record (DMP): ${code}\nIt is valid for ${minutes} minutes, once. Never give it to anyone: no one will ever ask you for it.`
        : `Votre code de connexion à votre dossier médical partagé (DMP) : ${code}\nIl est valable ${minutes} minutes, une seule fois. Ne le communiquez jamais : personne ne vous le demandera.`,
  },
  welcome: {
    subject: { fr: 'Votre identifiant DMP', en: 'Your DMP login id' },
    body: (loginId: string, language: Language): string =>
      language === 'en'
        ? `Your account for your shared medical record (DMP) is ready.\nYour login id: ${loginId}\nKeep it: you sign in with it, your password and a code sent to you.`
        : `Votre compte d’accès à votre dossier médical partagé (DMP) est ouvert.\nVotre identifiant : ${loginId}\nConservez-le : vous vous connectez avec lui, votre mot de passe et un code qui vous est envoyé.`,
  },
  lockout: {
    subject: { fr: 'Votre compte DMP est temporairement bloqué', en: 'Your DMP account is temporarily locked' },
    body: (until: Date, language: Language): string =>
      language === 'en'
        ? `Several wrong passwords were typed for your account. It is locked until ${until.toISOString().slice(11, 16)} UTC.\nIf it was not you, reset your password.`
        : `Plusieurs mots de passe erronés ont été saisis pour votre compte. Il est bloqué jusqu’à ${parisTime(until)}.\nSi ce n’était pas vous, réinitialisez votre mot de passe.`,
  },
  reset: {
    subject: { fr: 'Réinitialisation de votre mot de passe DMP', en: 'Resetting your DMP password' },
    body: (link: string, minutes: number, language: Language): string =>
      language === 'en'
        ? `To choose a new password, open this link within ${minutes} minutes (it works once):\n${link}\nIf you did not ask for it, ignore this message: your password is unchanged.`
        : `Pour choisir un nouveau mot de passe, ouvrez ce lien dans les ${minutes} minutes (il ne sert qu’une fois) :\n${link}\nSi vous n’êtes pas à l’origine de cette demande, ignorez ce message : votre mot de passe n’a pas changé.`,
  },
  passwordChanged: {
    subject: { fr: 'Votre mot de passe DMP a été modifié', en: 'Your DMP password was changed' },
    body: (language: Language): string =>
      language === 'en'
        ? 'Your password was changed and all your sessions were closed. If it was not you, contact the DMP support at once.'
        : 'Votre mot de passe a été modifié et toutes vos sessions ont été fermées. Si ce n’était pas vous, contactez immédiatement l’assistance DMP.',
  },
  activation: {
    subject: { fr: 'Votre code d’activation DMP', en: 'Your DMP activation code' },
    body: (code: string, until: Date, language: Language): string =>
      language === 'en'
        ? `Your activation code for your shared medical record (DMP): ${code}\nValid until ${until.toISOString().slice(0, 10)}. Create your account on the patient portal with it.`
        : `Votre code d’activation de votre dossier médical partagé (DMP) : ${code}\nValable jusqu’au ${parisDate(until)}. Créez votre accès sur le portail patient avec ce code.`,
  },
} as const;

/** The letter an administrator prints for a patient without e-mail or mobile phone. */
export function activationLetter(code: string, until: Date, portalBaseUrl: string): string {
  return [
    'Dossier Médical Partagé — activation de votre dossier',
    '',
    'Madame, Monsieur,',
    '',
    'Un dossier médical partagé a été créé pour vous par un professionnel de santé.',
    `Pour y accéder, rendez-vous sur ${portalBaseUrl}, choisissez « Activer mon dossier »,`,
    'saisissez les informations de votre carte Vitale et le code d’activation suivant :',
    '',
    `    ${code}`,
    '',
    `Ce code est valable jusqu’au ${parisDate(until)} et ne sert qu’une fois.`,
    'Ne le communiquez à personne.',
  ].join('\n');
}

/** "c***@example.org" or "06 ** ** ** 12". */
export function maskDestination(channel: OtpChannel, destination: string): string {
  if (channel === 'email') {
    const [local = '', domain = ''] = destination.split('@');
    return `${local.slice(0, 1)}***@${domain}`;
  }
  const national = destination.startsWith('+33') ? `0${destination.slice(3)}` : destination;
  return `${national.slice(0, 2)} ** ** ** ${national.slice(-2)}`;
}

function parisTime(at: Date): string {
  return new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(at);
}

function parisDate(at: Date): string {
  return new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: 'numeric', month: 'long', year: 'numeric' }).format(at);
}
