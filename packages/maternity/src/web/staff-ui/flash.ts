/**
 * Success messages after a change, named in the redirect's query string (`?ok=accouchement`) and
 * mapped to fixed French text: the page never echoes text from the URL.
 */
export const FLASH_MESSAGES = {
  'admission-insi-trouvee': "Patiente admise. INSi a trouvé son identité : l'INS et les traits stricts sont enregistrés.",
  'admission-insi-inconnue': "Patiente admise avec une identité provisoire (PROV) : INSi ne trouve pas cette identité. Ses documents attendront la qualification de l'identité.",
  'admission-insi-ambigue': "Patiente admise avec une identité provisoire (PROV) : INSi a répondu que l'identité est ambiguë. Ses documents attendront la qualification de l'identité.",
  'admission-sans-insi': "Patiente admise avec une identité provisoire (PROV) : sans carte Vitale, INSi n'a pas été interrogé. Ses documents attendront la qualification de l'identité.",
  accouchement: "L'accouchement est enregistré : le compte rendu d'accouchement et la synthèse salle de naissance sont produits.",
  'accouchement-corrige': "La correction de l'accouchement est enregistrée : une nouvelle version des documents remplace la précédente.",
  cesarienne: 'Le compte rendu opératoire est enregistré.',
  'cesarienne-corrige': 'La correction du compte rendu opératoire est enregistrée : une nouvelle version remplace la précédente.',
  sortie: 'La sortie est enregistrée : la lettre de liaison est produite et envoyée par messagerie sécurisée selon les choix de la patiente.',
  'sortie-corrige': 'La correction de la sortie est enregistrée : une nouvelle version de la lettre de liaison remplace la précédente.',
  'identite-qual': "L'identité est qualifiée (QUAL) : les documents en attente partent vers le DMP.",
  'identite-recup': "INSi a retourné l'identité (RECUP). Vérifiez une pièce d'identité ou l'acte de naissance pour la qualifier.",
  information: "L'information de la patiente est enregistrée pour ce document.",
  refus: "Le refus de la patiente est enregistré : ce document ne sera pas versé au DMP.",
  renvoi: 'Le document est de nouveau en file d’envoi vers le DMP.',
  deconnexion: 'Vous êtes déconnecté(e).',
} as const;

export type FlashKey = keyof typeof FLASH_MESSAGES;

/** The message for `?ok=…`, if it is one of ours. */
export function flashMessage(query: unknown): string | undefined {
  const key = query !== null && typeof query === 'object' ? (query as Record<string, unknown>).ok : undefined;
  return typeof key === 'string' && Object.hasOwn(FLASH_MESSAGES, key) ? FLASH_MESSAGES[key as FlashKey] : undefined;
}
