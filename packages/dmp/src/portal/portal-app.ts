import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { HealthDirectory, InsiService } from '@dmp/national';
import { toProfessionalRef } from '../api/directory-routes.js';
import type { HostServices } from '../context.js';
import { FhirError } from '../fhir/fhir-error.js';
import { readDemoMailbox, readDemoSms } from '../messaging/index.js';
import { portalSecurityHeaders, PortalAuthError, registerPortalAuth, type PortalAuth } from './auth/index.js';
import type { AccessChange, EntryKind, Language, NotificationPreferences, PortalError, RecordPart } from './api-contract.js';
import { accessSettings, applyAccessChange, patientHistory } from './patient-access.js';
import { documentContent, listDocuments, PortalInputError, recordSummary, setMasked, uploadDocument, UPLOAD_MAX_BYTES, viewDocument } from './patient-documents.js';
import { checkEntry, deleteEntry, listEntries, saveEntry } from './patient-entries.js';
import { readPreferences, savePreferences } from './notification-preferences.js';
import { escape } from './cda-view.js';

export interface PortalAppOptions {
  readonly services: HostServices;
  readonly insi: InsiService;
  readonly directory: HealthDirectory;
  readonly dispatcher?: { kick(): void };
  /** Public URL of the portal (links in e-mails). */
  readonly portalBaseUrl: string;
  /** The built web app (packages/portal/dist); served with an SPA fallback when present. */
  readonly staticDir?: string;
  /** Demo mode: the demo mailbox and SMS outbox are readable at /demo/inbox. */
  readonly demo?: boolean;
  readonly logger?: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PARTS: readonly RecordPart[] = ['care-history', 'medical-history', 'exam-results', 'hospital-reports', 'emergency-contacts', 'advance-directives', 'patient-documents'];
const ENTRY_KINDS: readonly EntryKind[] = ['pathology', 'allergy', 'emergency-contact', 'advance-directive'];

/**
 * The patient portal's HTTP application: sign-in (`/api/auth/*`), the record's pages (`/api/records/:ins/*`),
 * the directory search, and the built web app. Every record route goes through the session guard
 * and the access decision (`requireRecordAccess`), then the same commands as the professional API.
 */
export async function buildPortalApp(options: PortalAppOptions): Promise<{ app: FastifyInstance; auth: PortalAuth }> {
  const { services } = options;
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: Math.ceil(UPLOAD_MAX_BYTES * 1.4) + 4096, trustProxy: false });
  await app.register(portalSecurityHeaders);
  const auth = await registerPortalAuth(app, { services, insi: options.insi, ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}), config: { portalBaseUrl: options.portalBaseUrl } });
  const language = (request: FastifyRequest): Language => request.portal?.account.language ?? 'fr';

  app.setErrorHandler((error, request, reply) => sendPortalError(auth, request, reply, error, language(request)));
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/')) return reply.code(404).send({ code: 'not-found', message: language(request) === 'fr' ? 'Page introuvable.' : 'Not found.' } satisfies PortalError);
    return reply.code(404).type('text/plain').send('Not found');
  });

  await app.register(async (scope) => {
    scope.addHook('preHandler', auth.requirePatientSession);
    type InsParams = { Params: { ins: string } };
    type DocParams = { Params: { ins: string; id: string } };
    const access = (request: FastifyRequest, ins: string, action?: Parameters<PortalAuth['requireRecordAccess']>[2]) => auth.requireRecordAccess(request, ins, action);

    scope.get<InsParams>('/api/records/:ins/summary', async (request) => {
      const { record, ctx } = await access(request, request.params.ins);
      return recordSummary(ctx, services, record.ins, record.status);
    });

    scope.get<InsParams & { Querystring: Record<string, string | undefined> }>('/api/records/:ins/documents', async (request) => {
      const { record, ctx } = await access(request, request.params.ins);
      const q = request.query;
      const part = q.part && (PARTS as readonly string[]).includes(q.part) ? (q.part as RecordPart) : undefined;
      const number = (value: string | undefined, fallback: number, max: number) => (value && /^\d{1,5}$/.test(value) ? Math.min(max, Number(value)) : fallback);
      return listDocuments(ctx, services, record.ins, {
        ...(part ? { part } : {}),
        ...(q.type ? { type: q.type } : {}),
        ...(q.author ? { author: q.author } : {}),
        ...(q.from && /^\d{4}-\d{2}-\d{2}$/.test(q.from) ? { from: q.from } : {}),
        ...(q.to && /^\d{4}-\d{2}-\d{2}$/.test(q.to) ? { to: q.to } : {}),
        ...(q.q ? { q: q.q.slice(0, 100) } : {}),
        offset: number(q.offset, 0, 100_000),
        count: number(q.count, 50, 200),
      });
    });

    scope.get<DocParams>('/api/records/:ins/documents/:id/view', async (request) => {
      const { record, ctx } = await access(request, request.params.ins);
      const id = documentId(request.params.id);
      return viewDocument(ctx, services, record.ins, id, `/api/records/${record.ins}/documents/${id}/content`);
    });

    scope.get<DocParams>('/api/records/:ins/documents/:id/content', async (request, reply) => {
      const { record, ctx } = await access(request, request.params.ins);
      const { mimeType, content, title } = await documentContent(ctx, services, record.ins, documentId(request.params.id));
      // The document's content is untrusted: nothing in it may run or reach out (DOMAIN, issue 3 item 4).
      return reply
        .header('content-security-policy', "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'")
        .header('x-content-type-options', 'nosniff')
        .header('x-frame-options', 'SAMEORIGIN')
        .header('cache-control', 'no-store')
        .header('content-disposition', `inline; filename="${title.replace(/[^\w.-]+/g, '_').slice(0, 80)}"`)
        .type(mimeType.startsWith('image/') || mimeType === 'application/pdf' ? mimeType : 'application/octet-stream')
        .send(content);
    });

    scope.post<InsParams & { Body: unknown }>('/api/records/:ins/documents', async (request, reply) => {
      const { record, ctx } = await access(request, request.params.ins);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const data = typeof body.data === 'string' && /^[A-Za-z0-9+/=\s]*$/.test(body.data) ? Buffer.from(body.data, 'base64') : Buffer.alloc(0);
      const created = await uploadDocument(ctx, services, record.ins, {
        title: typeof body.title === 'string' ? body.title : '',
        typeCode: typeof body.type === 'string' ? body.type : '',
        mimeType: typeof body.mimeType === 'string' ? body.mimeType : '',
        content: data,
      });
      return reply.code(201).send(created);
    });

    scope.patch<DocParams & { Body: unknown }>('/api/records/:ins/documents/:id', async (request) => {
      const { record, ctx } = await access(request, request.params.ins);
      const masked = (request.body as { maskedFromProfessionals?: unknown } | undefined)?.maskedFromProfessionals;
      if (typeof masked !== 'boolean') throw new PortalInputError({ maskedFromProfessionals: 'Valeur attendue : vrai ou faux.' });
      return setMasked(ctx, services, record.ins, documentId(request.params.id), masked);
    });

    scope.get<InsParams & { Querystring: { kind?: string } }>('/api/records/:ins/entries', async (request) => {
      const { record, ctx } = await access(request, request.params.ins);
      const kind = request.query.kind;
      if (kind !== undefined && !(ENTRY_KINDS as readonly string[]).includes(kind)) throw new PortalInputError({ kind: 'Type d’information inconnu.' });
      return listEntries(ctx, services, record.ins, kind as EntryKind | undefined);
    });
    scope.post<InsParams & { Body: unknown }>('/api/records/:ins/entries', async (request, reply) => {
      const { record, ctx } = await access(request, request.params.ins);
      const checked = checkEntry(request.body);
      if (!checked.ok) throw new PortalInputError(checked.fields);
      return reply.code(201).send(await saveEntry(ctx, services, record.ins, checked.entry));
    });
    scope.put<DocParams & { Body: unknown }>('/api/records/:ins/entries/:id', async (request) => {
      const { record, ctx } = await access(request, request.params.ins);
      const checked = checkEntry(request.body);
      if (!checked.ok) throw new PortalInputError(checked.fields);
      return saveEntry(ctx, services, record.ins, checked.entry, documentId(request.params.id));
    });
    scope.delete<DocParams>('/api/records/:ins/entries/:id', async (request, reply) => {
      const { record, ctx } = await access(request, request.params.ins);
      await deleteEntry(ctx, services, record.ins, documentId(request.params.id));
      return reply.code(204).send();
    });

    const lookup = async (nationalId: string) => {
      const found = await options.directory.professional(nationalId);
      return found ? toProfessionalRef(found) : undefined;
    };
    scope.get<InsParams>('/api/records/:ins/access', async (request) => {
      const { record, ctx } = await access(request, request.params.ins, 'record.manage');
      return accessSettings(ctx, services, record.ins, lookup);
    });
    scope.post<InsParams & { Body: unknown }>('/api/records/:ins/access', async (request) => {
      const { record, ctx } = await access(request, request.params.ins, 'record.manage');
      await applyAccessChange(ctx, services, record.ins, parseAccessChange(request.body));
      return accessSettings(ctx, services, record.ins, lookup);
    });

    scope.get<{ Querystring: Record<string, string | undefined> }>('/api/directory', async (request) => {
      const q = request.query;
      const clip = (v: string | undefined) => (v ? v.slice(0, 100) : undefined);
      const query = { ...(clip(q.q) ? { text: clip(q.q) } : {}), ...(clip(q.profession) ? { profession: clip(q.profession) } : {}), ...(clip(q.city) ? { city: clip(q.city) } : {}), ...(q.rpps && /^\d{11}$/.test(q.rpps) ? { rpps: q.rpps } : {}), limit: 50 };
      if (Object.keys(query).length === 1) return [];
      return (await options.directory.searchProfessionals(query)).map(toProfessionalRef);
    });

    scope.get<InsParams & { Querystring: Record<string, string | undefined> }>('/api/records/:ins/history', async (request) => {
      const { record, ctx } = await access(request, request.params.ins, 'history.read');
      const q = request.query;
      const kinds = ['read', 'search', 'deposit', 'change', 'consent', 'emergency', 'refusal', 'other'] as const;
      return patientHistory(ctx, services, record.ins, language(request), {
        count: 50,
        ...(q.person ? { person: q.person.slice(0, 100) } : {}),
        ...(q.document && UUID.test(q.document) ? { document: q.document } : {}),
        ...(q.kind && (kinds as readonly string[]).includes(q.kind) ? { kind: q.kind as (typeof kinds)[number] } : {}),
        ...(q.cursor && /^[A-Za-z0-9_-]{1,64}$/.test(q.cursor) ? { cursor: q.cursor } : {}),
      });
    });

    scope.get<InsParams>('/api/records/:ins/notifications', async (request) => {
      const { record } = await access(request, request.params.ins, 'record.manage');
      return readPreferences(services, record.ins);
    });
    scope.put<InsParams & { Body: unknown }>('/api/records/:ins/notifications', async (request) => {
      const { record, ctx } = await access(request, request.params.ins, 'record.manage');
      return savePreferences(ctx, services, record.ins, request.body as NotificationPreferences);
    });
  });

  if (options.demo) {
    // The demo's embedded SMTP server and SMS gateway keep what they receive: a newcomer reads the one-time code here.
    app.get('/demo/inbox', async (_request, reply) => {
      const [mails, sms] = await Promise.all([readDemoMailbox(services.pool, { limit: 20 }), readDemoSms(services.pool, { limit: 20 })]);
      const rows = [
        ...mails.map((m) => `<tr><td>${escape(m.receivedAt.toISOString())}</td><td>e-mail</td><td>${escape(m.to)}</td><td>${escape(m.subject)}</td><td><pre>${escape(m.text)}</pre></td></tr>`),
        ...sms.map((m) => `<tr><td>${escape(m.sentAt.toISOString())}</td><td>SMS</td><td>${escape(m.to)}</td><td></td><td><pre>${escape(m.text)}</pre></td></tr>`),
      ];
      return reply
        .type('text/html; charset=utf-8')
        .send(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Boîte de réception de démonstration</title></head><body><main><h1>Boîte de réception de démonstration</h1><p>Messages envoyés par le DMP de démonstration (e-mails reçus par le serveur SMTP embarqué, SMS de la passerelle de démonstration), les plus récents d’abord.</p><table><thead><tr><th scope="col">Reçu</th><th scope="col">Canal</th><th scope="col">Destinataire</th><th scope="col">Objet</th><th scope="col">Message</th></tr></thead><tbody>${rows.join('')}</tbody></table></main></body></html>`);
    });
  }

  if (options.staticDir && existsSync(path.join(options.staticDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: path.resolve(options.staticDir), prefix: '/', wildcard: false, index: 'index.html' });
    // the web app's own routes (/documents, /historique, ...) load the app, which routes on the client
    app.get('/*', async (request, reply) => {
      if (request.url.startsWith('/api/') || path.extname(request.url.split('?')[0] ?? '') !== '') return reply.callNotFound();
      return reply.sendFile('index.html');
    });
  }
  return { app, auth };
}

function documentId(id: string): string {
  if (!UUID.test(id)) throw new FhirError(404, [{ severity: 'error', code: 'not-found', diagnostics: 'no such document' }]);
  return id;
}

function parseAccessChange(body: unknown): AccessChange {
  const value = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const kind = value.kind;
  const withProfessional = ['authorise', 'revoke-authorisation', 'block', 'unblock', 'declare-medecin-traitant'];
  const alone = ['withdraw-medecin-traitant', 'oppose-emergency-access', 'accept-emergency-access', 'close', 'reopen'];
  if (typeof kind === 'string' && withProfessional.includes(kind)) {
    if (typeof value.nationalId !== 'string' || !/^[0-9A-Za-z]{2,32}$/.test(value.nationalId)) throw new PortalInputError({ nationalId: 'Professionnel non reconnu.' });
    return { kind: kind as 'authorise', nationalId: value.nationalId };
  }
  if (typeof kind === 'string' && alone.includes(kind)) return { kind: kind as 'close' };
  throw new PortalInputError({ kind: 'Action inconnue.' });
}

const MESSAGES: Readonly<Record<string, { fr: string; en: string }>> = {
  'not-found': { fr: 'Cet élément est introuvable.', en: 'This item cannot be found.' },
  forbidden: { fr: 'Cette action ne vous est pas permise.', en: 'You may not do this.' },
  conflict: { fr: 'Cette action est en conflit avec l’état actuel du dossier.', en: 'This conflicts with the record’s current state.' },
  'business-rule': { fr: 'Cette action n’est pas possible dans l’état actuel du dossier.', en: 'This is not possible in the record’s current state.' },
  invalid: { fr: 'Les informations envoyées sont incorrectes.', en: 'The information sent is not valid.' },
  'too-large': { fr: 'Le fichier est trop volumineux.', en: 'The file is too large.' },
  internal: { fr: 'Une erreur est survenue. Réessayez plus tard.', en: 'Something went wrong. Please try again later.' },
};

/** One error handler for the portal: stable codes, messages in the user's language, nothing internal leaked. */
function sendPortalError(auth: PortalAuth, request: FastifyRequest, reply: FastifyReply, error: unknown, language: Language): FastifyReply {
  const send = (status: number, code: string, extra: Partial<PortalError> = {}) =>
    reply.code(status).send({ code, message: (MESSAGES[code] ?? MESSAGES.invalid!)[language], ...extra } satisfies PortalError);
  if (error instanceof PortalAuthError) return auth.sendError(request, reply, error);
  if (error instanceof PortalInputError) return send(422, 'invalid', { fields: error.fields });
  if (error instanceof FhirError) {
    const issue = error.issues[0]?.code;
    if (error.status === 404) return send(404, 'not-found');
    if (error.status === 403) return send(403, 'forbidden');
    if (error.status === 409) return send(409, issue === 'business-rule' ? 'business-rule' : 'conflict', { message: error.issues[0]?.diagnostics ?? MESSAGES.conflict![language] });
    if (error.status === 413) return send(413, 'too-large');
    if (error.status < 500) return send(error.status, 'invalid', { message: error.issues.map((i) => i.diagnostics).join(' ') });
  }
  const status = (error as { statusCode?: number }).statusCode;
  if (status === 413) return send(413, 'too-large');
  if (status && status >= 400 && status < 500) return send(status, 'invalid');
  request.log.error({ err: { type: (error as Error).name, message: (error as Error).message } }, 'portal error');
  return send(500, 'internal');
}
