import type { StaffMember } from '../../context.js';
import type { ReportKind } from '../../records/reports.js';
import type { StayView } from '../../records/stay-view.js';
import { checkboxField, fieldset, type FormState } from './form-fields.js';
import type { SafeHtml } from './html.js';

/** What a report's page needs to draw its form. */
export interface ReportFormContext {
  readonly view: StayView;
  readonly state: FormState;
  /** The maternity's staff (the anaesthetist and the assistant of a caesarean). */
  readonly staffList: readonly StaffMember[];
  /** How many newborn fieldsets the delivery form shows. */
  readonly newbornCount: number;
}

/** One of the three reports' forms: delivery, caesarean operation, discharge. */
export interface ReportForm {
  readonly kind: ReportKind;
  /** The page's path under the stay: `/sejours/:id/accouchement`. */
  readonly slug: 'accouchement' | 'cesarienne' | 'sortie';
  readonly title: string;
  readonly correctionTitle: string;
  readonly submitLabel: string;
  /** Textareas of lines that may be left empty (sent as `''`, not left out). */
  readonly keepEmpty: ReadonlySet<string>;
  /** The values of a new form (the mother's choices: informed, checked). */
  defaults(view: StayView, now: Date): Record<string, string>;
  fields(form: ReportFormContext): SafeHtml;
}

/** The mother's information and choices for the documents of a report. */
export function choicesFieldset(state: FormState): SafeHtml {
  return fieldset(
    'Information et choix de la patiente pour ces documents',
    [
      checkboxField(state, { name: 'choices.patientInformed', label: 'Patiente informée du versement au DMP' }),
      checkboxField(state, { name: 'choices.patientRefused', label: 'La patiente refuse le versement au DMP', hint: 'Les documents restent à la maternité et ne sont jamais envoyés.' }),
      checkboxField(state, { name: 'choices.maskedToProfessionals', label: 'Masquer aux professionnels', hint: "Dans le DMP, visible seulement par la patiente, l'auteur et le médecin traitant ; la lettre n'est envoyée à aucun professionnel." }),
      checkboxField(state, { name: 'choices.invisibleToPatient', label: 'Non visible par la patiente', hint: "En attente d'une consultation d'annonce." }),
    ],
  );
}

export const DEFAULT_CHOICES: Readonly<Record<string, string>> = { 'choices.patientInformed': 'on' };
