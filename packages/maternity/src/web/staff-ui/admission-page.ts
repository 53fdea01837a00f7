import type { FastifyInstance } from 'fastify';
import type { DirectoryProfessional } from '@dmp/national';
import { MaternityError } from '../../context.js';
import { admitMother, type AdmissionResult } from '../../records/stays.js';
import type { FlashKey } from './flash.js';
import { checkboxField, csrfField, errorSummary, fieldset, formState, selectField, textField, type FormState } from './form-fields.js';
import { formValues, nestedInput } from './form-input.js';
import { localInputValue } from './format.js';
import { html } from './html.js';
import { page, sendPage, type SignedIn } from './layout.js';
import { changeStaff, pageStaff, seeOther, type StaffUi } from './ui-session.js';

const INSI_FLASH: Record<AdmissionResult['insi'], FlashKey> = {
  found: 'admission-insi-trouvee',
  'not-found': 'admission-insi-inconnue',
  ambiguous: 'admission-insi-ambigue',
  'not-asked': 'admission-sans-insi',
};

/** A few professionals of the directory to choose from: general practitioners, midwives, obstetricians. */
async function suggestions(ui: StaffUi): Promise<{ gps: [string, string][]; referrers: [string, string][] }> {
  const d = ui.ctx.directory;
  const option = (p: DirectoryProfessional): [string, string] => {
    const title = p.civility === 'DR' ? 'Dr ' : p.civility === 'MME' ? 'Mme ' : p.civility === 'M' ? 'M. ' : '';
    const city = p.roles[0]?.organization.city;
    return [p.nationalId, `${title}${p.givenName} ${p.familyName} — ${p.specialtyLabel ?? p.professionLabel}${city ? `, ${city}` : ''}`];
  };
  const [gp1, gp2, midwives, obstetricians] = await Promise.all([
    d.searchProfessionals({ specialty: 'SM26', limit: 20 }),
    d.searchProfessionals({ specialty: 'SM54', limit: 20 }),
    d.searchProfessionals({ profession: '50', limit: 20 }),
    d.searchProfessionals({ specialty: 'SM20', limit: 20 }),
  ]);
  return { gps: [...gp1, ...gp2].map(option), referrers: [...midwives, ...obstetricians].map(option) };
}

async function admissionPage(ui: StaffUi, staff: SignedIn, state: FormState, message?: string) {
  const { gps, referrers } = await suggestions(ui);
  const fields = html`${textField(state, { name: 'admittedAt', label: "Date et heure d'admission", type: 'datetime-local', width: 'medium' })}
${fieldset(
  'Carte Vitale',
  [
    textField(state, { name: 'insuredNir', label: "NIR de l'assuré", hint: "15 caractères, lus sur la carte Vitale. Sans carte, laissez vide : l'identité sera provisoire (PROV).", inputmode: 'numeric', width: 'medium' }),
    textField(state, { name: 'rank', label: 'Rang du bénéficiaire', hint: "1 pour l'assurée elle-même.", inputmode: 'numeric', width: 'short' }),
  ],
  'INSi est interrogé avec ces données, le nom de naissance, le prénom et la date de naissance.',
)}
${fieldset('Identité de la patiente', [
  textField(state, { name: 'familyName', label: 'Nom de naissance', autocomplete: 'off', width: 'medium' }),
  textField(state, { name: 'givenName', label: 'Prénom', autocomplete: 'off', width: 'medium' }),
  textField(state, { name: 'usedName', label: "Nom d'usage (facultatif)", autocomplete: 'off', width: 'medium' }),
  textField(state, { name: 'birthDate', label: 'Date de naissance', type: 'date', width: 'medium' }),
  checkboxField(state, { name: 'identityChecked', label: "Pièce d'identité vérifiée", hint: "Carte d'identité, passeport ou titre de séjour : l'identité trouvée par INSi est alors qualifiée (QUAL)." }),
])}
${fieldset(
  'Professionnels qui reçoivent la lettre de liaison',
  [
    selectField(state, { name: 'medecinTraitantSuggestion', label: 'Médecin traitant (annuaire santé)', choices: gps, placeholder: '— Aucun ou autre —' }),
    textField(state, { name: 'medecinTraitantNationalId', label: 'Médecin traitant : autre identifiant national (8 + RPPS)', hint: 'Remplace le choix ci-dessus.', inputmode: 'numeric', width: 'medium' }),
    selectField(state, { name: 'referringSuggestion', label: 'Praticien adresseur (annuaire santé)', choices: referrers, placeholder: '— Aucun ou autre —' }),
    textField(state, { name: 'referringNationalId', label: 'Praticien adresseur : autre identifiant national (8 + RPPS)', hint: 'Remplace le choix ci-dessus.', inputmode: 'numeric', width: 'medium' }),
  ],
  'Leurs adresses de messagerie sécurisée viennent de l’annuaire santé.',
)}
${textField(state, { name: 'mssAddress', label: 'Messagerie sécurisée de la patiente (facultatif)', hint: 'Son adresse MSSanté, pour lui envoyer la lettre de liaison.', type: 'email', inputmode: 'email', width: 'long' })}`;
  return page({
    title: 'Nouvelle admission',
    staff,
    hasErrors: state.problems.length > 0 || message !== undefined,
    back: ['/', 'Séjours'],
    body: html`${errorSummary(state, message)}
<form method="post" action="/admissions/nouvelle" novalidate class="form">
${csrfField(staff.csrfToken)}
${fields}
<div class="actions"><button type="submit" class="button">Admettre la patiente</button> <a href="/">Annuler</a></div>
</form>`,
  });
}

/** A chosen suggestion when no national id was typed (the command checks each id against the directory). */
function careTeamInput(values: Record<string, string>): Record<string, string> {
  const merged = { ...values };
  for (const who of ['medecinTraitant', 'referring'] as const) {
    merged[`${who}NationalId`] = (merged[`${who}NationalId`] ?? '').trim() || (merged[`${who}Suggestion`] ?? '').trim();
  }
  return merged;
}

/** `GET /admissions/nouvelle`, `POST /admissions/nouvelle`: the admission from the Carte Vitale, through INSi. */
export async function registerAdmissionPage(app: FastifyInstance, ui: StaffUi): Promise<void> {
  app.get('/admissions/nouvelle', async (request, reply) => {
    const staff = await pageStaff(ui, request);
    return sendPage(reply, 200, await admissionPage(ui, staff, formState({ admittedAt: localInputValue(ui.ctx.now()), rank: '1' })));
  });

  app.post('/admissions/nouvelle', async (request, reply) => {
    const staff = await changeStaff(ui, request);
    const typed = formValues(request.body);
    const values = careTeamInput(typed);
    const shown = { ...typed };
    try {
      const result = await admitMother(ui.ctx, staff.member, nestedInput(values));
      ui.afterChange();
      return seeOther(reply, `/sejours/${result.stay.id}?ok=${INSI_FLASH[result.insi]}`);
    } catch (error) {
      if (!(error instanceof MaternityError) || error.code !== 'invalid') throw error;
      return sendPage(reply, 400, await admissionPage(ui, staff, formState(shown, error.problems), error.message));
    }
  });
}
