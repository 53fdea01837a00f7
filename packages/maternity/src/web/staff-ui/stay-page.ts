import type { FastifyInstance } from 'fastify';
import type { MaternityContext } from '../../context.js';
import type { DeliveryInput } from '../../records/clinical-input.js';
import { displayName, type PatientRecord } from '../../records/patients.js';
import type { ReportKind } from '../../records/reports.js';
import { stayView, type StayView } from '../../records/stay-view.js';
import { flashMessage } from './flash.js';
import { checkboxField, csrfField, errorSummary, formState, textField, type FormState } from './form-fields.js';
import { IDENTITY_STATUS_LABELS, SEX_LABELS, frenchDate, frenchDateTime, staffNames } from './format.js';
import { html, type SafeHtml } from './html.js';
import { page, sendPage, type SignedIn } from './layout.js';
import { documentsTable, lettersTable } from './stay-documents.js';
import { identityBadge } from './stays-page.js';
import { idParam, pageStaff, type StaffUi } from './ui-session.js';

/** A qualification form shown again with its errors (INSi did not find the identity...). */
export interface IdentityFormState {
  readonly patientId: string;
  readonly state: FormState;
  readonly message: string;
}

const idPrefix = (p: PatientRecord) => `q${p.ipp.replace(/[^A-Za-z0-9]/g, '')}`;

/** "Qualifier l'identité": for an INS already known, the identity document checked; else INSi asked with the Carte Vitale. */
function identityForm(stayId: string, patient: PatientRecord, csrfToken: string, retry?: IdentityFormState): SafeHtml {
  if (patient.identityStatus === 'QUAL') return html``;
  const newborn = patient.kind === 'newborn';
  const defaults: Record<string, string> = patient.ins ? {} : { rank: newborn ? '' : '1', givenName: patient.traits.givenNames[0] ?? '' };
  const state = retry?.patientId === patient.id ? retry.state : formState(defaults, [], idPrefix(patient));
  const checked = checkboxField(state, { name: 'identityChecked', label: newborn ? 'Acte de naissance vérifié' : "Pièce d'identité vérifiée" });
  const card = patient.ins
    ? html``
    : html`${textField(state, { name: 'insuredNir', label: newborn ? "NIR de l'assuré (le parent qui porte l'enfant sur sa carte Vitale)" : "NIR de l'assuré", inputmode: 'numeric', width: 'medium' })}
${textField(state, { name: 'rank', label: newborn ? "Rang de l'enfant sur la carte Vitale" : 'Rang du bénéficiaire', inputmode: 'numeric', width: 'short' })}
${textField(state, { name: 'givenName', label: newborn ? "Prénom de l'enfant" : 'Prénom', width: 'medium' })}`;
  const button = newborn ? (patient.ins ? 'Qualifier le nouveau-né' : 'Interroger INSi pour le nouveau-né') : "Qualifier l'identité";
  const summary = retry?.patientId === patient.id ? errorSummary(state, retry.message) : html``;
  return html`<div class="panel">${summary}
<form method="post" action="/sejours/${stayId}/identite/${patient.id}" novalidate class="form">
${csrfField(csrfToken)}
<fieldset class="fieldset"><legend>${newborn ? "Qualifier l'identité du nouveau-né" : "Qualifier l'identité"}</legend>
<p class="hint">${patient.ins ? "L'INS est connu (INSi). Une pièce d'identité vérifiée rend l'identité qualifiée : les documents en attente partent vers le DMP." : "Identité provisoire : INSi est interrogé avec la carte Vitale, le nom de naissance et la date de naissance enregistrés."}</p>
${card}${checked}
</fieldset>
<div class="actions"><button type="submit" class="button">${button}</button></div>
</form></div>`;
}

function identityList(patient: PatientRecord): SafeHtml {
  const t = patient.traits;
  return html`<dl class="facts">
<div><dt>Nom de naissance</dt><dd>${t.birthName}</dd></div>
${t.usedName ? html`<div><dt>Nom d'usage</dt><dd>${t.usedName}</dd></div>` : ''}
<div><dt>Prénoms</dt><dd>${t.givenNames.length ? t.givenNames.join(' ') : '—'}</dd></div>
<div><dt>Sexe</dt><dd>${SEX_LABELS[t.sex] ?? t.sex}</dd></div>
<div><dt>Date de naissance</dt><dd>${frenchDate(t.birthDate)}</dd></div>
<div><dt>IPP</dt><dd>${patient.ipp}</dd></div>
<div><dt>INS</dt><dd>${patient.ins?.value ?? 'Pas encore d’INS'}</dd></div>
<div><dt>Statut de l'identité</dt><dd>${identityBadge(patient.identityStatus)} ${IDENTITY_STATUS_LABELS[patient.identityStatus]}</dd></div>
</dl>`;
}

const REPORTS: readonly { kind: ReportKind; name: string; slug: string; record: string; correct: string }[] = [
  { kind: 'delivery', name: 'Accouchement', slug: 'accouchement', record: "Saisir l'accouchement", correct: "Corriger l'accouchement" },
  { kind: 'caesarean', name: 'Compte rendu opératoire (césarienne)', slug: 'cesarienne', record: 'Saisir le compte rendu opératoire', correct: 'Corriger le compte rendu opératoire' },
  { kind: 'discharge', name: 'Sortie (lettre de liaison)', slug: 'sortie', record: 'Saisir la sortie', correct: 'Corriger la sortie' },
];

function reportsTable(view: StayView, authors: ReadonlyMap<string, string>): SafeHtml {
  const delivery = view.reports.delivery?.content as DeliveryInput | undefined;
  const rows = REPORTS.map((r) => {
    const recorded = view.reports[r.kind];
    const path = `/sejours/${view.stay.id}/${r.slug}`;
    const possible = r.kind !== 'caesarean' || delivery?.mode.startsWith('cesarienne') === true;
    const action = !possible
      ? html`<span class="muted">${delivery ? 'Sans objet : accouchement sans césarienne' : 'Après un accouchement par césarienne'}</span>`
      : recorded
        ? html`<a class="button button-secondary button-small" href="${path}?correction=1">${r.correct}</a>`
        : html`<a class="button button-small" href="${path}">${r.record}</a>`;
    return html`<tr><th scope="row">${r.name}</th>
<td>${recorded ? html`Enregistré le ${frenchDateTime(recorded.validatedAt)} par ${authors.get(recorded.validatedBy) ?? '—'}` : html`<span class="muted">Non enregistré</span>`}</td>
<td class="num">${recorded ? recorded.version : '—'}</td><td>${action}</td></tr>`;
  });
  return html`<div class="table-wrap"><table class="table"><caption>Comptes rendus du séjour</caption>
<thead><tr><th scope="col">Compte rendu</th><th scope="col">État</th><th scope="col">Version</th><th scope="col">Action</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

async function careTeamNames(ctx: MaternityContext, view: StayView): Promise<{ gp: string; referring: string }> {
  const name = async (id: string | undefined) => {
    if (!id) return 'Non renseigné';
    const p = await ctx.directory.professional(id);
    return p ? `${p.civility === 'DR' ? 'Dr ' : ''}${p.givenName} ${p.familyName} (${id})` : id;
  };
  const [gp, referring] = await Promise.all([name(view.stay.careTeam.medecinTraitantNationalId), name(view.stay.careTeam.referringNationalId)]);
  return { gp, referring };
}

/** The stay page: the mother, the newborns, the reports, the documents and the letters. */
export async function stayPage(ui: StaffUi, staff: SignedIn, view: StayView, options: { flash?: string; retry?: IdentityFormState } = {}): Promise<SafeHtml> {
  const [authors, care] = await Promise.all([staffNames(ui.ctx.pool), careTeamNames(ui.ctx, view)]);
  const stayId = view.stay.id;
  const { mother, newborns } = view;
  const newbornSections = newborns.map(
    (n, i) => html`<section class="subsection" aria-labelledby="nn-${i}"><h3 id="nn-${i}">Nouveau-né ${i + 1} : ${displayName(n.traits)}</h3>
${identityList(n)}${identityForm(stayId, n, staff.csrfToken, options.retry)}</section>`,
  );
  return page({
    title: `Séjour de ${displayName(mother.traits)}`,
    staff,
    hasErrors: options.retry !== undefined,
    back: ['/', 'Séjours'],
    ...(options.flash ? { flash: options.flash } : {}),
    body: html`<p class="toolbar"><a href="/sejours/${stayId}">Rafraîchir</a></p>
<section aria-labelledby="mere"><h2 id="mere">La mère</h2>
${identityList(mother)}
<dl class="facts">
<div><dt>Admission</dt><dd>${frenchDateTime(view.stay.admittedAt)}</dd></div>
<div><dt>Sortie</dt><dd>${view.stay.dischargedAt ? frenchDateTime(view.stay.dischargedAt) : 'En cours'}</dd></div>
<div><dt>Médecin traitant</dt><dd>${care.gp}</dd></div>
<div><dt>Praticien adresseur</dt><dd>${care.referring}</dd></div>
${mother.traits.mssAddress ? html`<div><dt>Messagerie sécurisée</dt><dd>${mother.traits.mssAddress}</dd></div>` : ''}
</dl>
${identityForm(stayId, mother, staff.csrfToken, options.retry)}
</section>
<section aria-labelledby="nouveau-nes"><h2 id="nouveau-nes">Nouveau-nés</h2>
${newborns.length ? html`<p class="hint">Identité provisoire (PROV) à la naissance : leurs documents attendent l'INS, obtenu par INSi avec la carte Vitale du parent une fois l'enfant immatriculé.</p>${newbornSections}` : html`<p>Aucun nouveau-né enregistré.</p>`}
</section>
<section aria-labelledby="comptes-rendus"><h2 id="comptes-rendus">Comptes rendus</h2>${reportsTable(view, authors)}</section>
<section aria-labelledby="documents"><h2 id="documents">Documents</h2>${documentsTable(view, authors, staff.csrfToken)}</section>
<section aria-labelledby="lettres"><h2 id="lettres">Lettres de liaison par messagerie sécurisée</h2>${lettersTable(view)}</section>`,
  });
}

/** `GET /sejours/:id`. */
export async function registerStayPage(app: FastifyInstance, ui: StaffUi): Promise<void> {
  app.get<{ Params: { id: string } }>('/sejours/:id', async (request, reply) => {
    const staff = await pageStaff(ui, request);
    const view = await stayView(ui.ctx, staff.member, idParam(request.params.id, 'Séjour'));
    const flash = flashMessage(request.query);
    return sendPage(reply, 200, await stayPage(ui, staff, view, flash ? { flash } : {}));
  });
}
