import type { FastifyInstance, FastifyRequest } from 'fastify';
import { validateCda } from '../cda/validation/index.js';
import { MaternityError, type MaternityContext } from '../context.js';
import { DMP_STATUS_LABELS, documentContent, retryDeposit } from '../records/documents.js';
import { qualifyIdentity, recordConsent } from '../records/identity.js';
import { saveReport, type ReportKind } from '../records/reports.js';
import { stayView } from '../records/stay-view.js';
import { admitMother, listStays } from '../records/stays.js';
import { listStaff, signIn, signOut, SESSION_HOURS } from '../staff/staff-accounts.js';
import { requireStaff, sessionToken } from './staff-session.js';

const REPORT_KINDS: readonly ReportKind[] = ['delivery', 'caesarean', 'discharge'];

function reportKind(value: string): ReportKind {
  if (!(REPORT_KINDS as readonly string[]).includes(value)) throw new MaternityError('not-found', `Type de compte rendu inconnu: ${value.slice(0, 40)}`);
  return value as ReportKind;
}

function body(request: FastifyRequest): Record<string, unknown> {
  const b = request.body;
  if (b === null || typeof b !== 'object' || Array.isArray(b)) throw new MaternityError('invalid', 'Le corps de la requête est un objet JSON');
  return b as Record<string, unknown>;
}

/**
 * The JSON API for the maternity's other systems (`/api/v1`), on the same commands as the staff UI.
 * A system signs in as a professional (`POST /api/v1/session`) and sends the token as
 * `Authorization: Bearer`; the professional is the author of what is recorded.
 *
 * - `POST /session` `{login, password}` → `{token, expiresAt, staff}`; `DELETE /session`
 * - `GET /stays`; `POST /stays` (admission); `GET /stays/:id` (mother, newborns, reports, documents, letters)
 * - `POST /stays/:id/reports/:kind` (`delivery`, `caesarean`, `discharge`); `POST /stays/:id/reports/:kind/corrections`
 * - `POST /patients/:id/identity` `{identityChecked, card?: {insuredNir, rank, givenName}}`
 * - `POST /documents/:id/consent` `{patientInformed, patientRefused}`; `POST /documents/:id/retry` (a deposit the DMP refused)
 * - `GET /documents/:id/cda`, `GET /documents/:id/pdf`
 * - `GET /documents/:id/validation`: the CDA checked against the ANS schema and CI-SIS Schematrons
 * - `GET /staff`
 */
export async function registerApiRoutes(app: FastifyInstance, options: { ctx: MaternityContext; afterChange?: () => void }): Promise<void> {
  const { ctx } = options;
  const changed = () => options.afterChange?.();

  app.post('/session', async (request, reply) => {
    const b = body(request);
    if (typeof b.login !== 'string' || typeof b.password !== 'string') throw new MaternityError('invalid', 'login et password sont obligatoires');
    const session = await signIn(ctx, b.login, b.password, request.ip);
    return reply.status(201).send({ token: session.token, expiresAt: session.expiresAt.toISOString(), staff: session.member, validForHours: SESSION_HOURS });
  });

  app.delete('/session', async (request, reply) => {
    const found = sessionToken(request);
    if (found) await signOut(ctx, found.token);
    return reply.status(204).send();
  });

  app.get('/staff', async (request) => {
    await requireStaff(ctx, request);
    return { staff: await listStaff(ctx.pool) };
  });

  app.get('/stays', async (request) => {
    await requireStaff(ctx, request);
    const query = request.query as Record<string, string | undefined>;
    const limit = Number(query.limit ?? 50);
    const offset = Number(query.offset ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset) || offset < 0) throw new MaternityError('invalid', 'limit et offset sont des entiers positifs');
    return { stays: await listStays(ctx, { limit, offset }) };
  });

  app.post('/stays', async (request, reply) => {
    const staff = await requireStaff(ctx, request, { changes: true });
    const result = await admitMother(ctx, staff, body(request));
    return reply.status(201).send(result);
  });

  app.get<{ Params: { id: string } }>('/stays/:id', async (request) => {
    const staff = await requireStaff(ctx, request);
    const view = await stayView(ctx, staff, request.params.id);
    return { ...view, documents: view.documents.map((d) => ({ ...d, dmpStatusLabel: DMP_STATUS_LABELS[d.dmpStatus] })) };
  });

  app.post<{ Params: { id: string; kind: string } }>('/stays/:id/reports/:kind', async (request, reply) => {
    const staff = await requireStaff(ctx, request, { changes: true });
    const result = await saveReport(ctx, staff, request.params.id, reportKind(request.params.kind), body(request));
    changed();
    return reply.status(201).send(result);
  });

  app.post<{ Params: { id: string; kind: string } }>('/stays/:id/reports/:kind/corrections', async (request, reply) => {
    const staff = await requireStaff(ctx, request, { changes: true });
    const result = await saveReport(ctx, staff, request.params.id, reportKind(request.params.kind), body(request), { correction: true });
    changed();
    return reply.status(201).send(result);
  });

  app.post<{ Params: { id: string } }>('/patients/:id/identity', async (request) => {
    const staff = await requireStaff(ctx, request, { changes: true });
    const b = body(request);
    const card = b.card as { insuredNir?: unknown; rank?: unknown; givenName?: unknown } | undefined;
    if (card !== undefined && (typeof card.insuredNir !== 'string' || typeof card.rank !== 'number' || typeof card.givenName !== 'string')) {
      throw new MaternityError('invalid', 'card: {insuredNir: string, rank: number, givenName: string}');
    }
    const patient = await qualifyIdentity(ctx, staff, request.params.id, {
      identityChecked: b.identityChecked === true,
      ...(card ? { card: { insuredNir: card.insuredNir as string, rank: card.rank as number, givenName: card.givenName as string } } : {}),
    });
    changed();
    return { patient: { id: patient.id, ipp: patient.ipp, identityStatus: patient.identityStatus, ins: patient.ins } };
  });

  app.post<{ Params: { id: string } }>('/documents/:id/consent', async (request) => {
    const staff = await requireStaff(ctx, request, { changes: true });
    const b = body(request);
    if (typeof b.patientInformed !== 'boolean' || typeof b.patientRefused !== 'boolean') throw new MaternityError('invalid', 'patientInformed et patientRefused sont des booléens');
    const document = await recordConsent(ctx, staff, request.params.id, { patientInformed: b.patientInformed, patientRefused: b.patientRefused });
    changed();
    return { document };
  });

  app.post<{ Params: { id: string } }>('/documents/:id/retry', async (request) => {
    const staff = await requireStaff(ctx, request, { changes: true });
    const document = await retryDeposit(ctx, staff, request.params.id);
    changed();
    return { document };
  });

  app.get<{ Params: { id: string } }>('/documents/:id/validation', async (request) => {
    const staff = await requireStaff(ctx, request);
    const content = await documentContent(ctx, staff, request.params.id, 'cda');
    return { document: request.params.id, kind: content.kind, report: await validateCda(content.bytes.toString('utf8'), { formatCode: content.metadata.formatCode }) };
  });

  for (const part of ['cda', 'pdf'] as const) {
    app.get<{ Params: { id: string } }>(`/documents/:id/${part}`, async (request, reply) => {
      const staff = await requireStaff(ctx, request);
      const content = await documentContent(ctx, staff, request.params.id, part);
      return reply
        .type(part === 'pdf' ? 'application/pdf' : 'text/xml; charset=utf-8')
        .header('content-disposition', `attachment; filename="${content.kind.toLowerCase()}-v${content.metadata.version}.${part === 'pdf' ? 'pdf' : 'xml'}"`)
        .send(content.bytes);
    });
  }
}
