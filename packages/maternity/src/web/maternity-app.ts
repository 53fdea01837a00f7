import formbody from '@fastify/formbody';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { MaternityError, type MaternityContext } from '../context.js';
import { registerApiRoutes } from './api-routes.js';

export interface MaternityAppOptions {
  readonly ctx: MaternityContext;
  /** Cookies marked Secure (behind TLS). */
  readonly secureCookies?: boolean;
  readonly logger?: boolean;
  /** Called after a change that may have queued work (the outbox is nudged). */
  readonly afterChange?: () => void;
  /** Registers the staff web UI on the app (kept apart so the API can run without it). */
  readonly staffUi?: (app: FastifyInstance) => Promise<void>;
}

const STATUS: Record<MaternityError['code'], number> = { invalid: 400, unauthenticated: 401, forbidden: 403, 'not-found': 404, conflict: 409, locked: 423, 'rate-limited': 429 };

/** Security headers on every answer: the staff UI is same-origin only, never framed, never cached. */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; object-src 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-store',
};

/**
 * The maternity's web application: the JSON API under `/api/v1`, the staff UI, `/health`.
 * Errors: a `MaternityError` becomes its status with `{error: {code, message, problems}}` (the UI
 * renders its own pages); anything else a generic 500, logged without health data.
 */
export async function buildMaternityApp(options: MaternityAppOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 1_048_576, trustProxy: false });
  await app.register(formbody, { bodyLimit: 1_048_576 });
  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(name)) void reply.header(name, value);
    return payload;
  });
  app.setErrorHandler((error: FastifyError | MaternityError, request, reply) => {
    if (error instanceof MaternityError) {
      return reply.status(STATUS[error.code]).send({ error: { code: error.code, message: error.message, problems: error.problems } });
    }
    const status = (error as FastifyError).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      const message = status === 413 ? 'Requête trop volumineuse (1 Mo au plus)' : status === 415 ? 'Type de contenu non pris en charge' : 'Requête invalide (JSON ou formulaire illisible)';
      return reply.status(status).send({ error: { code: 'invalid', message, problems: [] } });
    }
    request.log.error({ err: { message: error.message, name: error.name } }, 'unexpected error');
    return reply.status(500).send({ error: { code: 'internal', message: 'Erreur interne', problems: [] } });
  });
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/')) return reply.status(404).send({ error: { code: 'not-found', message: 'Ressource inconnue', problems: [] } });
    return reply
      .status(404)
      .type('text/html; charset=utf-8')
      .send('<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Page introuvable</title><link rel="stylesheet" href="/assets/staff.css"></head><body><main><h1>Page introuvable</h1><p><a href="/">Retour à la liste des séjours</a></p></main></body></html>');
  });
  app.get('/health', async () => ({ status: 'ok' }));
  await app.register(async (api) => registerApiRoutes(api, { ctx: options.ctx, ...(options.afterChange ? { afterChange: options.afterChange } : {}) }), { prefix: '/api/v1' });
  if (options.staffUi) await app.register(async (ui) => options.staffUi!(ui));
  return app;
}
