import type { FastifyInstance } from 'fastify';
import { MaternityError } from '../../context.js';
import { documentContent, loadDocument, retryDeposit } from '../../records/documents.js';
import { qualifyIdentity, recordConsent } from '../../records/identity.js';
import { stayView } from '../../records/stay-view.js';
import { formState, type FieldProblem } from './form-fields.js';
import { bodyField, formValues } from './form-input.js';
import { sendPage } from './layout.js';
import { stayPage } from './stay-page.js';
import { changeStaff, idParam, pageStaff, seeOther, type StaffUi } from './ui-session.js';

interface StayPatient {
  Params: { id: string; patientId: string };
}
interface StayDocument {
  Params: { id: string; documentId: string };
}

/** The Carte Vitale typed in a qualification form, or the problems with it. */
function cardOf(values: Readonly<Record<string, string>>): { card?: { insuredNir: string; rank: number; givenName: string }; problems: FieldProblem[] } {
  const insuredNir = (values.insuredNir ?? '').trim().replace(/\s/g, '');
  if (insuredNir === '') return { problems: [] };
  const problems: FieldProblem[] = [];
  if (!/^\d{5}(\d{2}|2A|2B)\d{8}$/i.test(insuredNir)) problems.push({ field: 'insuredNir', message: 'Le NIR de la carte Vitale a 15 caractères' });
  const rank = Number((values.rank ?? '').trim());
  if (!Number.isInteger(rank) || rank < 1 || rank > 20) problems.push({ field: 'rank', message: 'Le rang est un nombre entier de 1 à 20' });
  const givenName = (values.givenName ?? '').trim();
  if (givenName === '') problems.push({ field: 'givenName', message: 'Le prénom est obligatoire' });
  return problems.length ? { problems } : { card: { insuredNir, rank, givenName }, problems };
}

/**
 * The stay page's actions: `POST /sejours/:id/identite/:patientId` (qualify the mother's or a
 * newborn's identity), `POST /sejours/:id/documents/:documentId/choix` (`decision=informee|refus`),
 * and the downloads `GET /documents/:id/pdf`, `GET /documents/:id/cda`.
 */
export async function registerStayActions(app: FastifyInstance, ui: StaffUi): Promise<void> {
  app.post<StayPatient>('/sejours/:id/identite/:patientId', async (request, reply) => {
    const staff = await changeStaff(ui, request);
    const stayId = idParam(request.params.id, 'Séjour');
    const patientId = idParam(request.params.patientId, 'Patient');
    const values = formValues(request.body);
    const view = await stayView(ui.ctx, staff.member, stayId);
    const patient = [view.mother, ...view.newborns].find((p) => p.id === patientId);
    if (!patient) throw new MaternityError('not-found', "Cette personne n'appartient pas à ce séjour");
    const { card, problems } = cardOf(values);
    const identityChecked = values.identityChecked === 'on';
    try {
      if (problems.length) throw new MaternityError('invalid', 'Qualification impossible : vérifiez la saisie', problems);
      const updated = await qualifyIdentity(ui.ctx, staff.member, patientId, { identityChecked, ...(card ? { card } : {}) });
      ui.afterChange();
      return seeOther(reply, `/sejours/${stayId}?ok=${updated.identityStatus === 'QUAL' ? 'identite-qual' : 'identite-recup'}`);
    } catch (error) {
      if (!(error instanceof MaternityError) || error.code !== 'invalid') throw error;
      const prefix = `q${patient.ipp.replace(/[^A-Za-z0-9]/g, '')}`;
      const retry = { patientId, state: formState(values, error.problems, prefix), message: error.message };
      return sendPage(reply, 400, await stayPage(ui, staff, view, { retry }));
    }
  });

  app.post<StayDocument>('/sejours/:id/documents/:documentId/choix', async (request, reply) => {
    const staff = await changeStaff(ui, request);
    const stayId = idParam(request.params.id, 'Séjour');
    const document = await loadDocument(ui.ctx.pool, idParam(request.params.documentId, 'Document'));
    if (document.stay_id !== stayId) throw new MaternityError('not-found', "Ce document n'appartient pas à ce séjour");
    const decision = bodyField(request.body, 'decision');
    if (decision !== 'informee' && decision !== 'refus') throw new MaternityError('invalid', 'Décision inconnue');
    await recordConsent(ui.ctx, staff.member, document.id, decision === 'refus' ? { patientInformed: true, patientRefused: true } : { patientInformed: true, patientRefused: false });
    ui.afterChange();
    return seeOther(reply, `/sejours/${stayId}?ok=${decision === 'refus' ? 'refus' : 'information'}#documents`);
  });

  app.post<StayDocument>('/sejours/:id/documents/:documentId/renvoi', async (request, reply) => {
    const staff = await changeStaff(ui, request);
    const stayId = idParam(request.params.id, 'Séjour');
    const document = await loadDocument(ui.ctx.pool, idParam(request.params.documentId, 'Document'));
    if (document.stay_id !== stayId) throw new MaternityError('not-found', "Ce document n'appartient pas à ce séjour");
    await retryDeposit(ui.ctx, staff.member, document.id);
    ui.afterChange();
    return seeOther(reply, `/sejours/${stayId}?ok=renvoi#documents`);
  });

  for (const part of ['pdf', 'cda'] as const) {
    app.get<{ Params: { id: string } }>(`/documents/:id/${part}`, async (request, reply) => {
      const staff = await pageStaff(ui, request);
      const content = await documentContent(ui.ctx, staff.member, idParam(request.params.id, 'Document'), part);
      return reply
        .type(part === 'pdf' ? 'application/pdf' : 'text/xml; charset=utf-8')
        .header('content-disposition', `attachment; filename="${content.kind.toLowerCase()}-v${content.metadata.version}.${part === 'pdf' ? 'pdf' : 'xml'}"`)
        .send(content.bytes);
    });
  }
}
