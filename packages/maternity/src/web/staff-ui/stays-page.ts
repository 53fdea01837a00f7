import type { FastifyInstance } from 'fastify';
import type { IdentityStatus } from '../../records/patients.js';
import { displayName } from '../../records/patients.js';
import { listStays } from '../../records/stays.js';
import { flashMessage } from './flash.js';
import { IDENTITY_STATUS_LABELS, frenchDate, frenchDateTime } from './format.js';
import { html, type SafeHtml } from './html.js';
import { page, sendPage } from './layout.js';
import { pageStaff, type StaffUi } from './ui-session.js';

/** The identity status as a badge: `QUAL`, with its meaning for screen readers and on hover. */
export function identityBadge(status: IdentityStatus): SafeHtml {
  return html`<span class="badge badge-${status.toLowerCase()}" title="${IDENTITY_STATUS_LABELS[status]}">${status}<span class="visually-hidden"> (${IDENTITY_STATUS_LABELS[status]})</span></span>`;
}

/** `GET /`: the stays, most recent first, with where their documents stand. */
export async function registerStaysPage(app: FastifyInstance, ui: StaffUi): Promise<void> {
  app.get('/', async (request, reply) => {
    const staff = await pageStaff(ui, request);
    const stays = await listStays(ui.ctx, { limit: 100 });
    const rows = stays.map(
      (s) => html`<tr>
<th scope="row"><a href="/sejours/${s.id}">${displayName(s.mother.traits)}</a><br><span class="muted">née le ${frenchDate(s.mother.traits.birthDate)}</span></th>
<td>${s.mother.ipp}</td>
<td>${identityBadge(s.mother.identityStatus)}</td>
<td>${frenchDateTime(s.admittedAt)}</td>
<td>${s.dischargedAt ? frenchDateTime(s.dischargedAt) : html`<span class="muted">En cours</span>`}</td>
<td class="num">${s.documents.sent}</td>
<td class="num">${s.documents.waiting}</td>
<td class="num">${s.documents.problems > 0 ? html`<strong class="text-error">${s.documents.problems}</strong>` : '0'}</td>
</tr>`,
    );
    const flash = flashMessage(request.query);
    return sendPage(
      reply,
      200,
      page({
        title: 'Séjours',
        staff,
        ...(flash ? { flash } : {}),
        body: html`<p class="toolbar"><a class="button" href="/admissions/nouvelle">Nouvelle admission</a> <a href="/">Rafraîchir</a></p>
${stays.length === 0
  ? html`<p>Aucun séjour pour l'instant.</p>`
  : html`<div class="table-wrap"><table class="table">
<caption>Séjours en cours et récents (documents vers le DMP : versés, en attente, problèmes)</caption>
<thead><tr><th scope="col">Patiente</th><th scope="col">IPP</th><th scope="col">Identité</th><th scope="col">Admission</th><th scope="col">Sortie</th><th scope="col">Versés</th><th scope="col">En attente</th><th scope="col">Problèmes</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>`}`,
      }),
    );
  });
}
