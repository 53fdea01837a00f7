import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MaternityError } from '../../context.js';
import type { DeliveryInput } from '../../records/clinical-input.js';
import { displayName } from '../../records/patients.js';
import { saveReport } from '../../records/reports.js';
import { stayView, type StayView } from '../../records/stay-view.js';
import { listStaff } from '../../staff/staff-accounts.js';
import { caesareanForm } from './caesarean-form.js';
import { deliveryForm, MAX_NEWBORNS } from './delivery-form.js';
import { dischargeForm } from './discharge-form.js';
import type { FlashKey } from './flash.js';
import { csrfField, errorSummary, formState, type FormState } from './form-fields.js';
import { bodyField, flatValues, formValues, nestedInput } from './form-input.js';
import { frenchDate, frenchDateTime } from './format.js';
import { html } from './html.js';
import { page, sendPage, type SignedIn } from './layout.js';
import type { ReportForm } from './report-form.js';
import { changeStaff, idParam, pageStaff, seeOther, type StaffUi } from './ui-session.js';

const FORMS: readonly ReportForm[] = [deliveryForm, caesareanForm, dischargeForm];

interface Request {
  Params: { id: string };
  Querystring: Record<string, string | undefined>;
}

const clampCount = (value: string | undefined) => Math.min(MAX_NEWBORNS, Math.max(1, Number.parseInt(value ?? '1', 10) || 1));

/** How many newborn fieldsets a submitted delivery form had. */
function submittedNewborns(values: Readonly<Record<string, string>>): number {
  const indexes = Object.keys(values).flatMap((k) => /^newborns\.(\d+)\./.exec(k)?.[1] ?? []);
  return indexes.length ? Math.max(...indexes.map(Number)) + 1 : 0;
}

/** The caesarean form only follows a delivery recorded as a caesarean. */
function checkCaesareanAllowed(view: StayView): void {
  const delivery = view.reports.delivery?.content as DeliveryInput | undefined;
  if (!delivery) throw new MaternityError('conflict', "Enregistrez d'abord l'accouchement par césarienne");
  if (!delivery.mode.startsWith('cesarienne')) throw new MaternityError('conflict', "L'accouchement enregistré n'est pas une césarienne : pas de compte rendu opératoire");
}

async function reportPage(
  ui: StaffUi,
  staff: SignedIn,
  form: ReportForm,
  view: StayView,
  state: FormState,
  options: { correction: boolean; newbornCount: number; message?: string; notice?: string },
) {
  const staffList = form.kind === 'caesarean' ? await listStaff(ui.ctx.pool) : [];
  const fields = form.fields({ view, state, staffList, newbornCount: options.newbornCount });
  const recorded = view.reports[form.kind];
  const stayPath = `/sejours/${view.stay.id}`;
  const mother = view.mother;
  const submitLabel = options.correction ? 'Enregistrer la correction' : form.submitLabel;
  // The form's first submit button is the one Enter in a field presses (implicit submission): the
  // save, out of sight and of the tab order, not "Afficher les champs des nouveau-nés" further down.
  return page({
    title: options.correction ? form.correctionTitle : form.title,
    staff,
    hasErrors: state.problems.length > 0 || options.message !== undefined,
    back: [stayPath, `Séjour de ${displayName(mother.traits)}`],
    body: html`<p class="lead">Patiente : <strong>${displayName(mother.traits)}</strong>, née le ${frenchDate(mother.traits.birthDate)}, IPP ${mother.ipp}.</p>
${options.correction && recorded ? html`<p class="notice notice-info">Version ${recorded.version} enregistrée le ${frenchDateTime(recorded.validatedAt)}. La correction produit une nouvelle version des documents, qui remplace la précédente (dans le DMP aussi).</p>` : ''}
${options.notice ? html`<div class="notice notice-info" role="status"><p>${options.notice}</p></div>` : ''}
${errorSummary(state, options.message)}
<form method="post" action="${stayPath}/${form.slug}${options.correction ? '?correction=1' : ''}" novalidate class="form">
${csrfField(staff.csrfToken)}
<button type="submit" class="visually-hidden" tabindex="-1" aria-hidden="true">${submitLabel}</button>
${fields}
<div class="actions"><button type="submit" class="button">${submitLabel}</button> <a href="${stayPath}">Annuler</a></div>
</form>`,
  });
}

/**
 * `GET|POST /sejours/:id/accouchement`, `/cesarienne`, `/sortie`, with `?correction=1` for a new
 * version prefilled with the latest one. A refused input comes back with the values typed and the
 * messages at the top and beside each field; nothing is recorded.
 */
export async function registerReportPages(app: FastifyInstance, ui: StaffUi): Promise<void> {
  const correctionOf = (request: FastifyRequest<Request>) => request.query.correction === '1';
  for (const form of FORMS) {
    app.get<Request>(`/sejours/:id/${form.slug}`, async (request, reply) => {
      const staff = await pageStaff(ui, request);
      const id = idParam(request.params.id, 'Séjour');
      const correction = correctionOf(request);
      const view = await stayView(ui.ctx, staff.member, id);
      const recorded = view.reports[form.kind];
      if (recorded && !correction) return seeOther(reply, `/sejours/${id}/${form.slug}?correction=1`);
      if (!recorded && correction) return seeOther(reply, `/sejours/${id}/${form.slug}`);
      if (form.kind === 'caesarean') checkCaesareanAllowed(view);
      const values = recorded ? flatValues(recorded.content) : form.defaults(view, ui.ctx.now());
      const newbornCount = recorded ? Math.max(1, submittedNewborns(values)) : clampCount(request.query['nouveau-nes']);
      return sendPage(reply, 200, await reportPage(ui, staff, form, view, formState({ ...values, newbornCount: String(newbornCount) }), { correction, newbornCount }));
    });

    app.post<Request>(`/sejours/:id/${form.slug}`, async (request, reply) => {
      const staff = await changeStaff(ui, request);
      const id = idParam(request.params.id, 'Séjour');
      const correction = correctionOf(request);
      const values = formValues(request.body);
      if (form.kind === 'delivery') {
        const count = clampCount(values.newbornCount);
        if (bodyField(request.body, '_action') === 'newborns' || count !== submittedNewborns(values)) {
          const view = await stayView(ui.ctx, staff.member, id);
          const notice = `Le formulaire compte maintenant ${count} nouveau-né${count > 1 ? 's' : ''}. Complétez-le puis enregistrez.`;
          return sendPage(reply, 200, await reportPage(ui, staff, form, view, formState({ ...values, newbornCount: String(count) }), { correction, newbornCount: count, notice }));
        }
      }
      try {
        // every box of the mother's choices left unticked still means "choices: all false"
        await saveReport(ui.ctx, staff.member, id, form.kind, { choices: {}, ...nestedInput(values, form.keepEmpty) }, { correction });
      } catch (error) {
        if (!(error instanceof MaternityError) || error.code !== 'invalid') throw error;
        const view = await stayView(ui.ctx, staff.member, id);
        const newbornCount = clampCount(values.newbornCount);
        return sendPage(reply, 400, await reportPage(ui, staff, form, view, formState(values, error.problems), { correction, newbornCount, message: error.message }));
      }
      ui.afterChange();
      const flash: FlashKey = correction ? `${form.slug}-corrige` : form.slug;
      return seeOther(reply, `/sejours/${id}?ok=${flash}`);
    });
  }
}
