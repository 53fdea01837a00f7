import { DMP_STATUS_LABELS, DOCUMENT_KIND_LABELS, type DocumentSummary } from '../../records/documents.js';
import type { StayView } from '../../records/stay-view.js';
import { csrfField } from './form-fields.js';
import { LETTER_STATUS_LABELS, RECIPIENT_KIND_LABELS, frenchDateTime } from './format.js';
import { html, type SafeHtml } from './html.js';

/** The mother's choices recorded with a document, in words. */
function choicesList(d: DocumentSummary): SafeHtml {
  const c = d.choices;
  const items = [
    c.patientInformed ? 'Informée' : 'Non informée',
    ...(c.patientRefused ? ['Refuse le versement'] : []),
    ...(c.maskedToProfessionals ? ['Masqué aux professionnels'] : []),
    ...(c.invisibleToPatient ? ['Non visible par la patiente'] : []),
  ];
  return html`<ul class="plain">${items.map((i) => html`<li>${i}</li>`)}</ul>`;
}

const documentName = (d: DocumentSummary) => `${DOCUMENT_KIND_LABELS[d.kind]} v${d.version}`;

/** "Patiente informée" / "La patiente refuse le versement", for a document not yet sent. */
function consentActions(stayId: string, d: DocumentSummary, csrfToken: string): SafeHtml {
  if (d.dmpStatus === 'sent' || d.dmpStatus === 'superseded_unsent') return html`<span class="muted">—</span>`;
  if (d.dmpStatus === 'rejected') {
    return html`<form method="post" action="/sejours/${stayId}/documents/${d.id}/renvoi" class="inline">
${csrfField(csrfToken)}<button type="submit" class="button button-small button-secondary">Renvoyer au DMP<span class="visually-hidden"> : ${documentName(d)}</span></button></form>`;
  }
  const form = (decision: 'informee' | 'refus', label: string, style: string) => html`<form method="post" action="/sejours/${stayId}/documents/${d.id}/choix" class="inline">
${csrfField(csrfToken)}<input type="hidden" name="decision" value="${decision}">
<button type="submit" class="button button-small ${style}">${label}<span class="visually-hidden"> : ${documentName(d)}</span></button></form>`;
  const c = d.choices;
  return html`${!c.patientInformed || c.patientRefused ? form('informee', 'Patiente informée', 'button-secondary') : ''}
${!c.patientRefused ? form('refus', 'La patiente refuse le versement', 'button-warning') : ''}`;
}

/** The documents of the stay: every version, where it stands with the DMP, downloads, the mother's decisions. */
export function documentsTable(view: StayView, authors: ReadonlyMap<string, string>, csrfToken: string): SafeHtml {
  if (view.documents.length === 0) return html`<p>Aucun document pour l'instant : ils sont produits quand un compte rendu est enregistré.</p>`;
  const rows = view.documents.map(
    (d) => html`<tr>
<th scope="row">${DOCUMENT_KIND_LABELS[d.kind]}${d.title.toLowerCase() !== DOCUMENT_KIND_LABELS[d.kind].toLowerCase() ? html`<br><span class="muted">${d.title}</span>` : ''}</th>
<td class="num">${d.version}</td>
<td>${frenchDateTime(d.createdAt)}</td>
<td>${authors.get(d.authorId) ?? '—'}</td>
<td><span class="status status-${d.dmpStatus}">${DMP_STATUS_LABELS[d.dmpStatus]}</span>${d.dmpDetail ? html`<br><span class="muted">${d.dmpDetail}</span>` : ''}${d.dmpSentAt ? html`<br><span class="muted">le ${frenchDateTime(d.dmpSentAt)}</span>` : ''}</td>
<td>${choicesList(d)}</td>
<td><a href="/documents/${d.id}/pdf">PDF<span class="visually-hidden"> : ${documentName(d)}</span></a> · <a href="/documents/${d.id}/cda">CDA<span class="visually-hidden"> : ${documentName(d)}</span></a></td>
<td>${consentActions(view.stay.id, d, csrfToken)}</td>
</tr>`,
  );
  return html`<div class="table-wrap"><table class="table">
<caption>Documents du séjour et leur versement au DMP</caption>
<thead><tr><th scope="col">Document</th><th scope="col">Version</th><th scope="col">Date</th><th scope="col">Auteur</th><th scope="col">Statut DMP</th><th scope="col">Choix de la patiente</th><th scope="col">Télécharger</th><th scope="col">Actions</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>`;
}

/** The lettre de liaison's MSS messages: to whom, sent or not, and why not. */
export function lettersTable(view: StayView): SafeHtml {
  if (view.letters.length === 0) return html`<p>Aucune lettre de liaison envoyée pour l'instant : elle part à la sortie.</p>`;
  const versions = new Map(view.documents.map((d) => [d.id, d.version]));
  const rows = view.letters.map(
    (l) => html`<tr>
<th scope="row">${RECIPIENT_KIND_LABELS[l.recipientKind] ?? l.recipientKind}</th>
<td class="num">${versions.get(l.documentId) ?? '—'}</td>
<td><span class="status status-letter-${l.status}">${LETTER_STATUS_LABELS[l.status]}</span></td>
<td class="num">${l.attempts}</td>
<td>${l.lastError ?? '—'}</td>
<td>${l.status === 'done' ? frenchDateTime(l.doneAt) : '—'}</td>
</tr>`,
  );
  return html`<div class="table-wrap"><table class="table">
<caption>Lettre de liaison par messagerie sécurisée (MSS)</caption>
<thead><tr><th scope="col">Destinataire</th><th scope="col">Version de la lettre</th><th scope="col">Statut</th><th scope="col">Tentatives</th><th scope="col">Dernière erreur ou motif</th><th scope="col">Envoyée le</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>`;
}
