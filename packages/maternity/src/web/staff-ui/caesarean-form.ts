import type { StaffMember } from '../../context.js';
import { ANAESTHESIAS, CAESAREAN_URGENCIES, HYSTEROTOMIES, INCISIONS, type DeliveryInput } from '../../records/clinical-input.js';
import { fieldset, selectField, textArea, textField } from './form-fields.js';
import { html } from './html.js';
import { choicesFieldset, DEFAULT_CHOICES, type ReportForm } from './report-form.js';

/** Anaesthetists first (specialty SM02, anesthésie-réanimation); every staff member if none. */
export function anaesthetists(staff: readonly StaffMember[]): readonly StaffMember[] {
  const found = staff.filter((s) => s.specialty?.endsWith('/SM02'));
  return found.length > 0 ? found : staff;
}

const option = (s: StaffMember): [string, string] => [s.nationalId, `${s.givenName} ${s.familyName} — ${s.roleLabel}`];

/** The caesarean operation: the CRO. Only once a caesarean delivery is recorded. */
export const caesareanForm: ReportForm = {
  kind: 'caesarean',
  slug: 'cesarienne',
  title: 'Saisir le compte rendu opératoire',
  correctionTitle: 'Corriger le compte rendu opératoire',
  submitLabel: 'Enregistrer le compte rendu opératoire',
  keepEmpty: new Set(),
  defaults(view) {
    const delivery = view.reports.delivery?.content as DeliveryInput | undefined;
    return {
      ...(delivery ? { anaesthesia: delivery.anaesthesia, bloodLossMl: String(delivery.bloodLossMl) } : {}),
      incision: 'pfannenstiel',
      hysterotomy: 'segmentaire_transversale',
      ...DEFAULT_CHOICES,
    };
  },
  fields({ state, staffList }) {
    return html`${fieldset('Intervention', [
      textField(state, { name: 'startedAt', label: "Début de l'intervention", type: 'datetime-local', width: 'medium' }),
      textField(state, { name: 'endedAt', label: "Fin de l'intervention", type: 'datetime-local', width: 'medium' }),
      selectField(state, { name: 'urgency', label: "Degré d'urgence", choices: CAESAREAN_URGENCIES, placeholder: '— Choisir —' }),
      textArea(state, { name: 'indication', label: 'Indication', rows: 3 }),
    ])}
${fieldset('Équipe et anesthésie', [
  selectField(state, { name: 'anaesthetistNationalId', label: 'Anesthésiste', choices: anaesthetists(staffList).map(option), placeholder: '— Choisir —' }),
  selectField(state, { name: 'assistantNationalId', label: 'Aide opératoire (facultatif)', choices: staffList.map(option), placeholder: '— Aucun —' }),
  selectField(state, { name: 'anaesthesia', label: 'Anesthésie', choices: ANAESTHESIAS, placeholder: '— Choisir —' }),
])}
${fieldset('Technique et constatations', [
  selectField(state, { name: 'incision', label: 'Incision', choices: INCISIONS }),
  selectField(state, { name: 'hysterotomy', label: 'Hystérotomie', choices: HYSTEROTOMIES }),
  textArea(state, { name: 'technique', label: 'Technique opératoire (facultatif)' }),
  textArea(state, { name: 'findings', label: 'Constatations (facultatif)' }),
  textArea(state, { name: 'complications', label: 'Complications (facultatif)', rows: 3 }),
  textField(state, { name: 'bloodLossMl', label: 'Pertes sanguines (ml)', inputmode: 'numeric', width: 'short' }),
])}
${choicesFieldset(state)}`;
  },
};
