import type { FastifyReply } from 'fastify';
import type { StaffMember } from '../../context.js';
import { html, type SafeHtml } from './html.js';

/** The signed-in staff member of a page and the CSRF token its forms carry. */
export interface SignedIn {
  readonly member: StaffMember;
  readonly csrfToken: string;
}

export interface PageOptions {
  /** The page's `<h1>` and the start of its `<title>`. */
  readonly title: string;
  readonly body: SafeHtml;
  readonly staff?: SignedIn;
  /** A fixed success message (see `flash.ts`). */
  readonly flash?: string;
  /** The page shows errors: its `<title>` starts with « Erreur ». */
  readonly hasErrors?: boolean;
  /** Breadcrumb back link: `[href, text]`. */
  readonly back?: readonly [string, string];
}

/** A whole page: French, a skip link, the header with who is signed in, one `<h1>`. */
export function page(options: PageOptions): SafeHtml {
  const staff = options.staff;
  return html`<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.hasErrors ? 'Erreur : ' : ''}${options.title} — Maternité Sainte Félicité</title>
<link rel="stylesheet" href="/assets/staff.css">
</head>
<body>
<a class="skip-link" href="#contenu">Aller au contenu</a>
<header class="site-header">
<div class="container header-row">
<p class="brand"><a href="/">Maternité Sainte Félicité</a> <span class="brand-sub">Dossiers de séjour</span></p>
${staff
  ? html`<nav aria-label="Compte" class="account">
<span class="who">${staff.member.givenName} ${staff.member.familyName} <span class="role">(${staff.member.roleLabel})</span></span>
<form method="post" action="/deconnexion" class="inline"><input type="hidden" name="_csrf" value="${staff.csrfToken}"><button type="submit" class="button button-quiet">Se déconnecter</button></form>
</nav>`
  : ''}
</div>
</header>
<main id="contenu" class="container" tabindex="-1">
${options.back ? html`<p class="back"><a href="${options.back[0]}">← ${options.back[1]}</a></p>` : ''}
<h1>${options.title}</h1>
${options.flash ? html`<div class="notice notice-success" role="status"><p>${options.flash}</p></div>` : ''}
${options.body}
</main>
<footer class="site-footer"><div class="container"><p>Maternité Sainte Félicité — logiciel de la maternité. Les documents sont versés au DMP de la patiente selon ses choix.</p></div></footer>
</body>
</html>
`;
}

/** Sends a page as HTML with a status. */
export function sendPage(reply: FastifyReply, status: number, markup: SafeHtml): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(markup.markup);
}

/** A page that says one thing: an error, a refusal, a conflict. */
export function messagePage(title: string, message: string, details: readonly string[] = [], link: readonly [string, string] = ['/', 'Retour à la liste des séjours']): SafeHtml {
  return page({
    title,
    hasErrors: true,
    body: html`<div class="notice notice-error" role="alert"><p>${message}</p>${details.length ? html`<ul>${details.map((d) => html`<li>${d}</li>`)}</ul>` : ''}</div>
<p><a class="button" href="${link[0]}">${link[1]}</a></p>`,
  });
}
