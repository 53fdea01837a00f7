import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { HealthDirectory, InsiService } from '@dmp/national';
import type { HostServices, RequestContext } from '../context.js';
import { FhirError } from '../fhir/fhir-error.js';
import { registerFhirRoutes } from './fhir-routes.js';
import { parseJsonBody } from '../fhir/json-body.js';

/** Turns an HTTP request into the authenticated context of the acting professional (mTLS + assertion). */
export type Authenticator = (request: FastifyRequest, requestId: string) => Promise<RequestContext>;

export interface AppOptions {
  readonly services: HostServices;
  readonly authenticate: Authenticator;
  readonly insi: InsiService;
  /** The health directory (Annuaire Santé), served as FHIR Practitioner / PractitionerRole / Organization. */
  readonly directory: HealthDirectory;
  /** TLS server options (key, cert, ca); mutual TLS asks for the client's certificate. */
  readonly https?: { key: string; cert: string; ca: string };
  /** Request bodies above this size are refused with 413 (DESIGN.md §3: 20 MB). */
  readonly bodyLimit?: number;
  readonly logger?: boolean;
}

export const FHIR_JSON = 'application/fhir+json';

/**
 * Deepest nesting of arrays and objects accepted in a JSON body. FHIR resources nest a few dozen
 * levels at most; a body nested thousands deep would make every recursive walk of it
 * (structuredClone, JSON.stringify, PostgreSQL's jsonb input) a stack hazard, so it is refused.
 */
export const MAX_JSON_DEPTH = 100;

/**
 * Whether the JSON text in `body` nests deeper than `max`, by one pass over its bytes. Strings are
 * skipped with `indexOf` (a 20 MB base64 Binary costs almost nothing), so brackets inside them do
 * not count; UTF-8 continuation bytes never look like ASCII brackets or quotes.
 */
export function nestsDeeperThan(body: Buffer, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i]!;
    if (byte === 0x22) {
      // to the closing quote: the next one not escaped by an odd number of backslashes
      let end = i;
      for (;;) {
        end = body.indexOf(0x22, end + 1);
        if (end < 0) return false; // unterminated string: JSON.parse will say so
        let backslashes = 0;
        while (body[end - 1 - backslashes] === 0x5c) backslashes++;
        if (backslashes % 2 === 0) break;
      }
      i = end;
    } else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > max) return true;
    } else if (byte === 0x7d || byte === 0x5d) depth--;
  }
  return false;
}

/**
 * Builds the DMP host's HTTP application (not listening): the FHIR API under `/fhir` and `/health`.
 * Tests call `app.inject()` or listen on a loopback port.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: options.bodyLimit ?? 20 * 1024 * 1024,
    logger: options.logger
      ? { level: 'info', redact: ['req.headers.authorization'], serializers: { req: (req: FastifyRequest) => ({ method: req.method, url: req.url.split('?')[0] }) } }
      : false,
    genReqId: () => randomUUID(),
    ...(options.https
      ? { https: { key: options.https.key, cert: options.https.cert, ca: options.https.ca, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' as const } }
      : {}),
    // FHIR search URLs may carry many parameters
    routerOptions: { maxParamLength: 500 },
  });

  // FHIR JSON, plain JSON and JSON Patch are all JSON; anything else is 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', FHIR_JSON, 'application/json-patch+json'], { parseAs: 'buffer' }, (_request, body, done) => {
    if (nestsDeeperThan(body as Buffer, MAX_JSON_DEPTH)) {
      done(FhirError.of(400, 'structure', `the body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`), undefined);
      return;
    }
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch {
      done(FhirError.of(400, 'structure', 'the body is not well-formed JSON'), undefined);
    }
  });
  app.addContentTypeParser('*', (request, _payload, done) => {
    done(FhirError.of(415, 'not-supported', `content type ${request.headers['content-type'] ?? '(none)'} is not accepted; send application/fhir+json`), undefined);
  });

  app.setErrorHandler((error: FastifyError | FhirError, request, reply) => {
    if (error instanceof FhirError) {
      void reply.status(error.status).type(FHIR_JSON).send(error.outcome);
      return;
    }
    const status = error.statusCode ?? 500;
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      void reply.status(413).type(FHIR_JSON).send(FhirError.of(413, 'too-costly', 'the request body is larger than the 20 MB accepted').outcome);
      return;
    }
    if (status >= 400 && status < 500) {
      void reply.status(status).type(FHIR_JSON).send(FhirError.of(status, 'invalid', error.message).outcome);
      return;
    }
    // Unknown errors: a generic answer; the log gets the error class and message, never the body.
    request.log.error({ err: { type: error.name, message: error.message, stack: error.stack } }, 'unhandled error');
    void reply.status(500).type(FHIR_JSON).send(FhirError.of(500, 'exception', 'internal error').outcome);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).type(FHIR_JSON).send(FhirError.of(404, 'not-found', `no route ${request.method} ${request.url.split('?')[0]}`).outcome);
  });

  app.get('/health', async () => {
    await options.services.pool.query('SELECT 1');
    return { status: 'ok' };
  });

  await app.register(async (fhir) => registerFhirRoutes(fhir, options), { prefix: '/fhir' });
  return app;
}
