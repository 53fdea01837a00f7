import type { FastifyInstance } from 'fastify';
import { MaternityError } from '../../context.js';
import { csrfMatches, SESSION_HOURS, signIn, signOut } from '../../staff/staff-accounts.js';
import { clearStaffCookie, currentStaff, sessionToken, setStaffCookie } from '../staff-session.js';
import { errorSummary, formState, textField, type FormState } from './form-fields.js';
import { bodyField } from './form-input.js';
import { flashMessage } from './flash.js';
import { html } from './html.js';
import { page, sendPage } from './layout.js';
import { safeReturnPath, seeOther, type StaffUi } from './ui-session.js';

function loginPage(state: FormState, back: string, message?: string, flash?: string) {
  const fields = html`${textField(state, { name: 'login', label: 'Identifiant', autocomplete: 'username', width: 'medium' })}
${textField(state, { name: 'password', label: 'Mot de passe', type: 'password', autocomplete: 'current-password', width: 'medium' })}`;
  return page({
    title: 'Connexion',
    hasErrors: state.problems.length > 0,
    ...(flash ? { flash } : {}),
    body: html`${errorSummary(state, message)}
<p>Connectez-vous avec votre identifiant de la maternité. Chaque compte rendu que vous validez porte votre nom et votre RPPS.</p>
<form method="post" action="/connexion" novalidate class="form form-narrow">
<input type="hidden" name="retour" value="${back}">
${fields}
<div class="actions"><button type="submit" class="button">Se connecter</button></div>
</form>`,
  });
}

/**
 * `GET /connexion`, `POST /connexion` (identifiant, mot de passe; five failures lock the account
 * for 15 minutes) and `POST /deconnexion`.
 */
export async function registerLoginRoutes(app: FastifyInstance, ui: StaffUi): Promise<void> {
  app.get('/connexion', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const back = safeReturnPath(query.retour);
    if (await currentStaff(ui.ctx, request)) return seeOther(reply, back);
    return sendPage(reply, 200, loginPage(formState({}), back, undefined, flashMessage(query)));
  });

  app.post('/connexion', async (request, reply) => {
    const login = (bodyField(request.body, 'login') ?? '').trim();
    const password = bodyField(request.body, 'password') ?? '';
    const back = safeReturnPath(bodyField(request.body, 'retour'));
    if (login === '' || password === '') {
      const problems = [...(login === '' ? [{ field: 'login', message: "Saisissez votre identifiant" }] : []), ...(password === '' ? [{ field: 'password', message: 'Saisissez votre mot de passe' }] : [])];
      return sendPage(reply, 400, loginPage(formState({ login }, problems), back));
    }
    try {
      const session = await signIn(ui.ctx, login, password, request.ip);
      setStaffCookie(reply, session.token, SESSION_HOURS * 3600, ui.secureCookies);
      return seeOther(reply, back);
    } catch (error) {
      if (!(error instanceof MaternityError) || (error.code !== 'unauthenticated' && error.code !== 'locked' && error.code !== 'rate-limited')) throw error;
      const state = formState({ login }, [{ field: 'password', message: error.message }]);
      return sendPage(reply, error.code === 'locked' ? 423 : error.code === 'rate-limited' ? 429 : 401, loginPage(state, back, error.message));
    }
  });

  app.post('/deconnexion', async (request, reply) => {
    const found = sessionToken(request);
    const session = found ? await currentStaff(ui.ctx, request) : undefined;
    // a sign-out from another site (no CSRF token) is ignored: the session stays
    if (found && session && csrfMatches(session.csrfToken, bodyField(request.body, '_csrf'))) await signOut(ui.ctx, found.token);
    else if (session) throw new MaternityError('forbidden', 'Formulaire expiré : rechargez la page');
    clearStaffCookie(reply, ui.secureCookies);
    return seeOther(reply, '/connexion?ok=deconnexion');
  });
}
