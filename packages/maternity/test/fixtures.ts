/** Form payloads of the maternity's reports, as the JSON API takes them (realistic values). */

export const CHOICES = { patientInformed: true, patientRefused: false, maskedToProfessionals: false, invisibleToPatient: false };

/** A caesarean in emergency (code orange) of a single girl at 39+2, an hour ago. */
export function caesareanDelivery(now = new Date()): Record<string, unknown> {
  const at = new Date(now.getTime() - 3_600_000).toISOString();
  return {
    deliveredAt: at,
    labourStartedAt: new Date(now.getTime() - 9 * 3_600_000).toISOString(),
    gestationalWeeks: 39,
    gestationalDays: 2,
    mode: 'cesarienne_urgence',
    presentation: 'sommet',
    anaesthesia: 'rachianesthesie',
    placentalDelivery: 'artificielle',
    perineum: 'non_applicable',
    bloodLossMl: 650,
    birthPlace: 'maternite',
    events: 'Anomalies du rythme cardiaque fœtal persistantes en phase active.',
    newborns: [{ sex: 'F', weightGrams: 3280, lengthCm: 49.5, headCircumferenceCm: 34, apgar1: 8, apgar5: 10, apgar10: 10, givenName: 'Alice', transferredToNeonatology: false }],
    choices: CHOICES,
  };
}

export function caesareanOperation(now = new Date(), anaesthetistNationalId = '810010000004'): Record<string, unknown> {
  return {
    startedAt: new Date(now.getTime() - 3_900_000).toISOString(),
    endedAt: new Date(now.getTime() - 1_800_000).toISOString(),
    urgency: 'orange',
    indication: 'Anomalies du rythme cardiaque fœtal en phase active du travail',
    anaesthesia: 'rachianesthesie',
    anaesthetistNationalId,
    incision: 'pfannenstiel',
    hysterotomy: 'segmentaire_transversale',
    technique: 'Extraction céphalique aisée. Délivrance manuelle. Fermeture en deux plans.',
    findings: 'Liquide amniotique clair. Utérus et annexes normaux.',
    bloodLossMl: 650,
    choices: CHOICES,
  };
}

export function discharge(now = new Date()): Record<string, unknown> {
  return {
    dischargedAt: now.toISOString(),
    admissionMode: 'urgence',
    mode: 'domicile',
    reasonForStay: 'Accouchement par césarienne en urgence à 39 SA + 2 j',
    summary: 'Suites opératoires simples. Allaitement maternel bien installé. Cicatrice propre.',
    treatmentsAtDischarge: 'Enoxaparine 4000 UI ; 1 injection sous-cutanée par jour pendant 6 semaines\nParacétamol 1 g ; 1 comprimé jusqu’à 4 fois par jour si douleur',
    treatmentsStopped: '',
    followUp: 'Consultation postnatale avec la sage-femme à 6 semaines\nAblation des agrafes à J7 par l’infirmière à domicile',
    pendingResults: '',
    allergiesKnown: true,
    allergies: '',
    mdroScreeningDone: false,
    transfusion: false,
    bloodDerivatives: false,
    choices: CHOICES,
  };
}
