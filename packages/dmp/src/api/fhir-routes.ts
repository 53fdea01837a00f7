import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RequestContext } from '../context.js';
import { FhirError } from '../fhir/fhir-error.js';
import { list, text } from '../fhir/json-access.js';
import type { Bundle, BundleEntry } from '../fhir/fhir-types.js';
import { depositDocuments } from '../records/deposit-documents.js';
import { documentReferenceJson } from '../records/document-presenter.js';
import { parseProvideBundle, parseSimplifiedPublish } from '../records/parse-submission.js';
import { depositedDocument, findPresentedDocuments, readDocument, retrieveDocument } from '../records/read-documents.js';
import { updateDocument, type DocumentPatch } from '../records/update-document.js';
import { findSubmissionSets } from '../records/submission-sets.js';
import { recordStatus } from '../records/record-status.js';
import { readHistory } from '../records/read-history.js';
import type { AppOptions } from './app.js';
import { FHIR_JSON } from './app.js';
import { capabilityStatement } from './capability-statement.js';
import { registerDirectoryRoutes } from './directory-routes.js';
import { registerPatientEntryRoutes } from './patient-entry-routes.js';
import { conditionalIdentifier, pageOf, parseDocumentQuery, patientOf, type Query } from './search-params.js';
import { IssueCollector } from '../fhir/fhir-error.js';

declare module 'fastify' {
  interface FastifyRequest {
    dmp?: RequestContext;
  }
}

/** The FHIR API of the DMP host (IHE MHD as profiled by the ANS, PDSm), mounted under `/fhir`. */
export async function registerFhirRoutes(app: FastifyInstance, options: AppOptions): Promise<void> {
  const { services } = options;

  app.get('/metadata', async (_request, reply) => reply.type(FHIR_JSON).send(capabilityStatement(services.fhirBase)));

  // Every other request is authenticated: mutual TLS + a signed assertion (DESIGN.md §3).
  app.addHook('preHandler', async (request) => {
    if (request.routeOptions.url === '/fhir/metadata') return;
    request.dmp = await options.authenticate(request, request.id);
  });
  // The health directory (Practitioner, PractitionerRole, Organization), behind the same authentication.
  await registerDirectoryRoutes(app, { directory: options.directory, fhirBase: services.fhirBase });

  const ctx = (request: FastifyRequest): RequestContext => {
    if (!request.dmp) throw FhirError.of(401, 'login', 'not authenticated');
    return request.dmp;
  };

  // What the patient recorded (pathologies, allergies, emergency contacts, advance directives).
  await registerPatientEntryRoutes(app, { services, context: ctx });

  // TD0.2: does the record exist, and what may the caller do?
  app.get('/Patient', async (request, reply) => {
    const issues = new IssueCollector();
    const query = request.query as Query;
    const identifier = query.identifier;
    const ins = patientOf({ 'patient.identifier': identifier }, issues);
    issues.throwIfAny(400);
    return sendFhir(reply, 200, await recordStatus(ctx(request), services, ins!));
  });

  // ITI-65 Provide Document Bundle (and, for completeness, batch of nothing else)
  app.post('/', async (request, reply) => {
    const parsed = parseProvideBundle(request.body);
    checkBundlePatches(parsed.patches, parsed.submission.documents.map((d) => d.meta.replaces).filter((r): r is string => Boolean(r)));
    const result = await depositDocuments(ctx(request), services, parsed.submission);
    const entries: BundleEntry[] = [];
    const entryCount = parsed.entryCount;
    const responses = new Map<number, BundleEntry>();
    if (result.submissionSetId) responses.set(parsed.submissionSetIndex, created(`List/${result.submissionSetId}`));
    parsed.documentEntries.forEach((positions, i) => {
      const doc = result.documents[i]!;
      const status = doc.created ? '201 Created' : '200 OK';
      responses.set(positions.entryIndex, { response: { status, location: `DocumentReference/${doc.id}` } });
      responses.set(positions.binaryIndex, { response: { status, location: `Binary/${doc.id}` } });
    });
    for (const patch of parsed.patches) responses.set(patch.index, { response: { status: '200 OK' } });
    for (let i = 0; i < entryCount; i++) entries.push(responses.get(i) ?? { response: { status: '200 OK' } });
    const bundle: Bundle = { resourceType: 'Bundle', type: 'transaction-response', entry: entries };
    return sendFhir(reply, 200, bundle);
  });

  // ITI-105 Simplified Publish
  app.post('/DocumentReference', async (request, reply) => {
    const submission = parseSimplifiedPublish(request.body);
    const result = await depositDocuments(ctx(request), services, submission);
    const doc = result.documents[0]!;
    const row = await depositedDocument(services, doc.id);
    void reply.header('location', `${services.fhirBase}/DocumentReference/${doc.id}`);
    return sendFhir(reply, doc.created ? 201 : 200, documentReferenceJson(row, services.fhirBase));
  });

  // ITI-67 Find Document References
  app.get('/DocumentReference', async (request, reply) => {
    const query = request.query as Query;
    const { filters, page } = parseDocumentQuery(query);
    const { rows, hasMore } = await findPresentedDocuments(ctx(request), services, filters, page);
    const entries = rows.map((row) => ({ id: row.id, json: documentReferenceJson(row, services.fhirBase) }));
    return sendFhir(reply, 200, searchsetJson(services.fhirBase, 'DocumentReference', query, page, hasMore, entries));
  });

  app.get<{ Params: { id: string } }>('/DocumentReference/:id', async (request, reply) => {
    const { row } = await readDocument(ctx(request), services, request.params.id, false);
    return sendFhir(reply, 200, documentReferenceJson(row, services.fhirBase));
  });

  // ITI-68 Retrieve Document: the bytes, or a Binary resource when FHIR JSON is asked for
  app.get<{ Params: { id: string } }>('/Binary/:id', async (request, reply) => {
    const { id, mimeType, content } = await retrieveDocument(ctx(request), services, request.params.id);
    const accept = request.headers.accept ?? '';
    if (accept.includes(FHIR_JSON)) {
      return sendFhir(reply, 200, { resourceType: 'Binary', id, contentType: mimeType, data: content.toString('base64') });
    }
    return reply.status(200).type(mimeType).header('content-length', content.length).send(content);
  });

  // Masking, visibility, archiving, logical deletion (PDSm conditional PATCH)
  const patchHandler = async (request: FastifyRequest, reply: FastifyReply, id: string, notFound?: string) => {
    const contentType = request.headers['content-type'] ?? '';
    const patch: DocumentPatch = contentType.startsWith('application/json-patch+json')
      ? { kind: 'json-patch', operations: request.body }
      : { kind: 'fhirpath-patch', parameters: request.body };
    const ifMatch = /^W\/"(\d+)"$/.exec(String(request.headers['if-match'] ?? ''))?.[1];
    const updated = await updateDocument(ctx(request), services, id, patch, ifMatch ? Number(ifMatch) : undefined, notFound);
    return sendFhir(reply, 200, updated);
  };
  app.patch('/DocumentReference', async (request, reply) => {
    const uniqueId = conditionalIdentifier(request.query as Query);
    const found = await services.pool.query<{ id: string }>('SELECT id FROM document WHERE unique_id = $1', [uniqueId]);
    const id = found.rows[0]?.id;
    const notFound = `no document with identifier ${uniqueId}`;
    if (!id) throw FhirError.of(404, 'not-found', notFound);
    return patchHandler(request, reply, id, notFound);
  });
  app.patch<{ Params: { id: string } }>('/DocumentReference/:id', async (request, reply) => patchHandler(request, reply, request.params.id));

  // ITI-66 Find Document Lists (submission sets)
  app.get('/List', async (request, reply) => {
    const query = request.query as Query;
    const issues = new IssueCollector();
    const ins = patientOf(query, issues);
    const code = query.code;
    if (code !== undefined && code !== 'submissionset' && !String(code).endsWith('|submissionset')) {
      issues.add('not-supported', 'only code=submissionset lists are kept', 'code');
    }
    const page = pageOf(query, issues);
    issues.throwIfAny(400);
    const { resources, hasMore } = await findSubmissionSets(ctx(request), services, ins!, page);
    return sendFhir(reply, 200, searchset(services.fhirBase, 'List', query, page, hasMore, resources));
  });

  // ITI-81 access history
  app.get('/AuditEvent', async (request, reply) => {
    const query = request.query as Query;
    const issues = new IssueCollector();
    const ins = patientOf(query, issues);
    const { count } = pageOf({ _count: query._count }, issues);
    const cursor = typeof query._cursor === 'string' ? query._cursor : undefined;
    issues.throwIfAny(400);
    const { resources, nextCursor } = await readHistory(ctx(request), services, ins!, { count, ...(cursor ? { cursor } : {}) });
    const self = `${services.fhirBase}/AuditEvent?patient.identifier=${encodeURIComponent(String(query['patient.identifier']))}&_count=${count}`;
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      link: [{ relation: 'self', url: cursor ? `${self}&_cursor=${cursor}` : self }, ...(nextCursor ? [{ relation: 'next', url: `${self}&_cursor=${nextCursor}` }] : [])],
      entry: resources.map((resource) => ({ fullUrl: `${services.fhirBase}/AuditEvent/${String(resource.id)}`, resource: resource as BundleEntry['resource'], search: { mode: 'match' } })),
    };
    return sendFhir(reply, 200, bundle);
  });

}

function created(location: string): BundleEntry {
  return { response: { status: '201 Created', location } };
}

/** Only the replaced documents may be patched in an ITI-65 transaction, and only to superseded (as in the PDSm example). */
function checkBundlePatches(patches: readonly { index: number; url: string; resource: unknown }[], replaced: readonly string[]): void {
  for (const patch of patches) {
    const target = patch.url.replace(/^DocumentReference\//, '');
    const isReplaced = replaced.some((ref) => ref.endsWith(`DocumentReference/${target}`) || ref.endsWith(target));
    const ops = list(patch.resource, 'parameter');
    const onlySuperseded =
      ops.length > 0 &&
      ops.every((op) => {
        const parts = list(op, 'part');
        const part = (name: string) => parts.find((p) => text(p, 'name') === name);
        return text(part('path'), 'valueString') === 'DocumentReference.status' && text(part('value'), 'valueCode') === 'superseded';
      });
    if (!isReplaced || !onlySuperseded) {
      throw FhirError.of(422, 'not-supported', `Bundle.entry[${patch.index}]: in a transaction, PATCH only sets to superseded a document the same transaction replaces`);
    }
  }
}

/** The self and next links of a searchset page. */
function searchLinks(base: string, type: string, query: Query, page: { count: number; offset: number }, hasMore: boolean): { relation: string; url: string }[] {
  const link = (offset: number) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (key === '_offset' || value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
    }
    params.set('_count', String(page.count));
    params.set('_offset', String(offset));
    return `${base}/${type}?${params.toString()}`;
  };
  return [{ relation: 'self', url: link(page.offset) }, ...(hasMore ? [{ relation: 'next', url: link(page.offset + page.count) }] : [])];
}

/** A searchset Bundle with self and next links. */
function searchset(base: string, type: string, query: Query, page: { count: number; offset: number }, hasMore: boolean, resources: Record<string, unknown>[]): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    link: searchLinks(base, type, query, page, hasMore),
    entry: resources.map((resource) => ({ fullUrl: `${base}/${type}/${String(resource.id)}`, resource: resource as BundleEntry['resource'], search: { mode: 'match' } })),
  };
}

/** The same Bundle as JSON text, from resources already in JSON text (the same members as `searchset`). */
function searchsetJson(base: string, type: string, query: Query, page: { count: number; offset: number }, hasMore: boolean, entries: readonly { id: string; json: string }[]): string {
  const items = entries.map((e) => `{"fullUrl":${JSON.stringify(`${base}/${type}/${e.id}`)},"resource":${e.json},"search":{"mode":"match"}}`);
  return `{"resourceType":"Bundle","type":"searchset","link":${JSON.stringify(searchLinks(base, type, query, page, hasMore))},"entry":[${items.join(',')}]}`;
}

function sendFhir(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.status(status).type(FHIR_JSON).send(body);
}
