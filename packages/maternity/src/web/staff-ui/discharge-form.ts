import { ADMISSION_MODES, DELIVERY_MODES, DISCHARGE_MODES, type DeliveryInput } from '../../records/clinical-input.js';
import { checkboxField, fieldset, selectField, textArea, textField } from './form-fields.js';
import { localInputValue } from './format.js';
import { html } from './html.js';
import { choicesFieldset, DEFAULT_CHOICES, type ReportForm } from './report-form.js';

const LINES = 'Une ligne par élément.';

/** The discharge: the lettre de liaison (LDL-SES), also sent by MSS. */
export const dischargeForm: ReportForm = {
  kind: 'discharge',
  slug: 'sortie',
  title: 'Saisir la sortie',
  correctionTitle: 'Corriger la sortie',
  submitLabel: 'Enregistrer la sortie',
  keepEmpty: new Set(['treatmentsAtDischarge', 'treatmentsStopped', 'followUp', 'pendingResults', 'allergies']),
  defaults(view, now) {
    const delivery = view.reports.delivery?.content as DeliveryInput | undefined;
    return {
      dischargedAt: localInputValue(now),
      mode: 'domicile',
      ...(delivery ? { reasonForStay: `Accouchement : ${DELIVERY_MODES[delivery.mode].toLowerCase()}` } : {}),
      ...DEFAULT_CHOICES,
    };
  },
  fields({ state }) {
    return html`${fieldset('Séjour', [
      textField(state, { name: 'dischargedAt', label: 'Date et heure de sortie', type: 'datetime-local', width: 'medium' }),
      selectField(state, { name: 'admissionMode', label: "Mode d'entrée", choices: ADMISSION_MODES, placeholder: '— Choisir —' }),
      selectField(state, { name: 'mode', label: 'Mode de sortie', choices: DISCHARGE_MODES }),
      textArea(state, { name: 'reasonForStay', label: 'Motif du séjour', rows: 2 }),
      textArea(state, { name: 'summary', label: 'Synthèse du séjour', rows: 6 }),
      textArea(state, { name: 'adverseEvents', label: 'Événements indésirables (facultatif)', rows: 3 }),
    ])}
${fieldset('Traitements et suivi', [
  textArea(state, { name: 'treatmentsAtDischarge', label: 'Traitements de sortie', hint: `${LINES} Exemple : Fer (Tardyferon 80 mg) — 1 comprimé par jour pendant 3 mois.` }),
  textArea(state, { name: 'treatmentsStopped', label: 'Traitements arrêtés', hint: LINES, rows: 3 }),
  textArea(state, { name: 'followUp', label: 'Suivi', hint: `${LINES} Exemple : Consultation postnatale avec la sage-femme à 6 semaines.` }),
  textArea(state, { name: 'pendingResults', label: 'Résultats en attente', hint: LINES, rows: 3 }),
])}
${fieldset('Vigilances', [
  checkboxField(state, { name: 'allergiesKnown', label: 'Allergies recherchées', hint: 'Non coché : « non renseigné » ; coché sans allergie listée : « aucune allergie connue ».' }),
  textArea(state, { name: 'allergies', label: 'Allergies', hint: `${LINES} Agent : réaction.`, rows: 3 }),
  checkboxField(state, { name: 'mdroScreeningDone', label: 'Dépistage BMR/BHRe réalisé' }),
  textField(state, { name: 'mdroFindings', label: 'Résultat du dépistage BMR/BHRe (facultatif)' }),
  checkboxField(state, { name: 'transfusion', label: 'Transfusion pendant le séjour' }),
  checkboxField(state, { name: 'bloodDerivatives', label: 'Administration de dérivés du sang' }),
])}
${choicesFieldset(state)}`;
  },
};
