import { ANAESTHESIAS, BIRTH_PLACES, DELIVERY_MODES, INSTRUMENTS, PERINEUM_STATES, PLACENTAL_DELIVERIES, PRESENTATIONS, SEXES } from '../../records/clinical-input.js';
import { checkboxField, fieldset, selectField, textArea, textField, type FormState } from './form-fields.js';
import { html, type SafeHtml } from './html.js';
import { choicesFieldset, DEFAULT_CHOICES, type ReportForm } from './report-form.js';

/** Newborns a delivery form can hold (the command takes up to six). */
export const MAX_NEWBORNS = 6;

function newbornFieldset(state: FormState, index: number): SafeHtml {
  const n = (field: string) => `newborns.${index}.${field}`;
  const context = `Nouveau-né ${index + 1} : `;
  return fieldset(`Nouveau-né ${index + 1}`, [
    selectField(state, { name: n('sex'), label: 'Sexe', choices: SEXES, placeholder: '— Choisir —', context }),
    textField(state, { name: n('weightGrams'), label: 'Poids de naissance (g)', inputmode: 'numeric', width: 'short', context }),
    textField(state, { name: n('lengthCm'), label: 'Taille (cm, facultatif)', inputmode: 'decimal', width: 'short', context }),
    textField(state, { name: n('headCircumferenceCm'), label: 'Périmètre crânien (cm, facultatif)', inputmode: 'decimal', width: 'short', context }),
    textField(state, { name: n('apgar1'), label: 'Apgar à 1 minute', hint: 'De 0 à 10.', inputmode: 'numeric', width: 'short', context }),
    textField(state, { name: n('apgar5'), label: 'Apgar à 5 minutes', hint: 'De 0 à 10.', inputmode: 'numeric', width: 'short', context }),
    textField(state, { name: n('apgar10'), label: 'Apgar à 10 minutes (facultatif)', inputmode: 'numeric', width: 'short', context }),
    index > 0 ? textField(state, { name: n('bornAt'), label: 'Heure de naissance (si différente du premier enfant)', type: 'datetime-local', width: 'medium', context }) : html``,
    textField(state, { name: n('givenName'), label: 'Prénom (facultatif)', autocomplete: 'off', width: 'medium', context }),
    checkboxField(state, { name: n('transferredToNeonatology'), label: 'Transfert en néonatologie', context }),
  ]);
}

/** The delivery: CRA and OBP-SNM; one fieldset per newborn (twins: choose the number and redraw). */
export const deliveryForm: ReportForm = {
  kind: 'delivery',
  slug: 'accouchement',
  title: "Saisir l'accouchement",
  correctionTitle: "Corriger l'accouchement",
  submitLabel: "Enregistrer l'accouchement",
  keepEmpty: new Set(),
  defaults: () => ({ birthPlace: 'maternite', newbornCount: '1', ...DEFAULT_CHOICES }),
  fields({ state, newbornCount }) {
    const counts: [string, string][] = Array.from({ length: MAX_NEWBORNS }, (_, i) => [String(i + 1), String(i + 1)]);
    const newborns = Array.from({ length: newbornCount }, (_, i) => newbornFieldset(state, i));
    return html`${fieldset('Accouchement', [
      textField(state, { name: 'deliveredAt', label: "Date et heure de l'accouchement", type: 'datetime-local', width: 'medium' }),
      textField(state, { name: 'labourStartedAt', label: 'Début du travail (facultatif)', type: 'datetime-local', width: 'medium' }),
      textField(state, { name: 'gestationalWeeks', label: "Terme : semaines d'aménorrhée", hint: 'De 22 à 44.', inputmode: 'numeric', width: 'short' }),
      textField(state, { name: 'gestationalDays', label: 'Terme : jours', hint: 'De 0 à 6.', inputmode: 'numeric', width: 'short' }),
      selectField(state, { name: 'birthPlace', label: "Lieu de l'accouchement", hint: "Une naissance avant l'admission (à domicile, pendant le trajet) s'enregistre ici aussi.", choices: BIRTH_PLACES }),
      selectField(state, { name: 'mode', label: "Mode d'accouchement", choices: DELIVERY_MODES, placeholder: '— Choisir —' }),
      selectField(state, { name: 'instrument', label: 'Instrument (voie basse instrumentale)', choices: INSTRUMENTS, placeholder: '— Sans objet —' }),
      selectField(state, { name: 'presentation', label: 'Présentation', choices: PRESENTATIONS, placeholder: '— Choisir —' }),
      selectField(state, { name: 'anaesthesia', label: 'Anesthésie', choices: ANAESTHESIAS, placeholder: '— Choisir —' }),
      selectField(state, { name: 'placentalDelivery', label: 'Délivrance', choices: PLACENTAL_DELIVERIES, placeholder: '— Choisir —' }),
      selectField(state, { name: 'perineum', label: 'Périnée', choices: PERINEUM_STATES, placeholder: '— Choisir —' }),
      textField(state, { name: 'bloodLossMl', label: 'Pertes sanguines (ml)', inputmode: 'numeric', width: 'short' }),
      textArea(state, { name: 'events', label: 'Événements (facultatif)', rows: 3 }),
    ])}
${fieldset(
  'Nouveau-nés',
  html`${selectField(state, { name: 'newbornCount', label: 'Nombre de nouveau-nés', choices: counts })}
<p><button type="submit" name="_action" value="newborns" class="button button-secondary">Afficher les champs des nouveau-nés</button></p>`,
  'Pour des jumeaux, choisissez le nombre puis affichez les champs : ce qui est déjà saisi est conservé.',
)}
${newborns}
${choicesFieldset(state)}`;
  },
};
