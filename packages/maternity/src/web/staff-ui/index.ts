import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyError, FastifyInstance } from 'fastify';
import { MaternityError, type MaternityContext } from '../../context.js';
import { registerAdmissionPage } from './admission-page.js';
import { messagePage, sendPage } from './layout.js';
import { registerLoginRoutes } from './login-page.js';
import { registerReportPages } from './report-routes.js';
import { registerStayActions } from './stay-actions.js';
import { registerStayPage } from './stay-page.js';
import { registerStaysPage } from './stays-page.js';
import { seeOther, signInLocation, type StaffUi } from './ui-session.js';

export interface StaffUiOptions {
  /** Session cookie marked Secure (behind TLS). */
  readonly secureCookies?: boolean;
  /** Called after every change that may have queued work (the host nudges the outbox). */
  readonly afterChange?: () => void;
}

const ASSETS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');
/** The static files, by name, and their content types: nothing else is served from the folder. */
const ASSETS: Readonly<Record<string, string>> = { 'staff.css': 'text/css; charset=utf-8' };

const TITLES: Record<MaternityError['code'], [number, string]> = {
  invalid: [400, 'Saisie incorrecte'],
  unauthenticated: [401, 'Connexion nécessaire'],
  forbidden: [403, 'Action refusée'],
  'not-found': [404, 'Introuvable'],
  conflict: [409, 'Action impossible'],
  locked: [423, 'Compte verrouillé'],
  'rate-limited': [429, 'Trop de tentatives'],
};

/**
 * The staff web UI of Maternité Sainte Félicité: server-rendered French HTML forms that work
 * without JavaScript, on the same commands as the JSON API.
 *
 * - `GET|POST /connexion`, `POST /deconnexion`
 * - `GET /` the stays; `GET|POST /admissions/nouvelle`
 * - `GET /sejours/:id` the stay; `GET|POST /sejours/:id/accouchement|cesarienne|sortie` (`?correction=1`)
 * - `POST /sejours/:id/identite/:patientId`, `POST /sejours/:id/documents/:documentId/choix`
 * - `GET /documents/:id/pdf|cda`, `GET /assets/staff.css`
 *
 * Every POST carries the session's CSRF token (`_csrf`) and answers 303 to the next page.
 */
export async function registerStaffUi(app: FastifyInstance, ctx: MaternityContext, options: StaffUiOptions = {}): Promise<void> {
  const ui: StaffUi = { ctx, secureCookies: options.secureCookies ?? false, afterChange: () => options.afterChange?.() };
  const assets = new Map<string, Buffer>();
  for (const name of Object.keys(ASSETS)) assets.set(name, await readFile(path.join(ASSETS_DIR, name)));

  app.get<{ Params: { name: string } }>('/assets/:name', async (request, reply) => {
    const content = Object.hasOwn(ASSETS, request.params.name) ? assets.get(request.params.name) : undefined;
    if (!content) return sendPage(reply, 404, messagePage('Introuvable', 'Ce fichier n’existe pas.'));
    return reply.type(ASSETS[request.params.name]!).header('cache-control', 'public, max-age=3600').send(content);
  });

  app.setErrorHandler(async (error: FastifyError | MaternityError, request, reply) => {
    const stay = /^\/sejours\/([0-9a-f-]{36})/.exec(request.url)?.[1];
    const back: [string, string] = stay ? [`/sejours/${stay}`, 'Retour au séjour'] : ['/', 'Retour à la liste des séjours'];
    if (error instanceof MaternityError) {
      if (error.code === 'unauthenticated') return seeOther(reply, signInLocation(request));
      const [status, title] = TITLES[error.code];
      return sendPage(reply, status, messagePage(title, error.message, error.problems.map((p) => p.message), back));
    }
    const status = error.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      const message = status === 413 ? 'Formulaire trop volumineux (1 Mo au plus).' : 'Requête illisible : rechargez la page et recommencez.';
      return sendPage(reply, status, messagePage('Requête refusée', message, [], back));
    }
    request.log.error({ err: { message: error.message, name: error.name } }, 'staff UI: unexpected error');
    return sendPage(reply, 500, messagePage('Erreur interne', 'Une erreur inattendue est survenue. Réessayez ; si elle persiste, prévenez le support informatique.', [], back));
  });

  await registerLoginRoutes(app, ui);
  await registerStaysPage(app, ui);
  await registerAdmissionPage(app, ui);
  await registerStayPage(app, ui);
  await registerReportPages(app, ui);
  await registerStayActions(app, ui);
}
