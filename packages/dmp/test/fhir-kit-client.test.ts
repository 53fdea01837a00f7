import { createHash } from 'node:crypto';
import { buildDocumentReference, buildProvideBundle, newUniqueId } from '@dmp/core';
import { Client, type FhirResource } from 'fhir-kit-client';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAssertion } from '../src/auth/index.js';
import { DEMO_PATIENTS } from '../src/demo/demo-people.js';
import { createRecordFromCarteVitale } from '../src/identity/create-record.js';
import { changeRecord } from '../src/identity/manage-record.js';
import { deliveryReport, pdfOf } from './fixtures/documents.js';
import { DEMO_PROFESSIONALS, startTestHost, type ProfessionalClient, type TestHost } from './harness.js';

/**
 * A real third-party FHIR client, fhir-kit-client, against the DMP host over mutual TLS: deposit
 * (ITI-65 transaction, ITI-105 create), search (ITI-67, with paging through its `next` links) and
 * retrieve (ITI-68, as a Binary read and through the attachment URL).
 *
 * fhir-kit-client 2 calls Node's own fetch (undici), which ignores an `https.Agent`; the client
 * certificate goes in an undici `dispatcher`, passed through `requestOptions` into every Request.
 * The assertion must be fresh for every request (single-use `jti`): the client's `requestSigner`
 * hook, which it awaits before each request, puts a newly signed one in `Authorization: Bearer`.
 */
const mother = DEMO_PATIENTS.mother;
const INS_TOKEN = `urn:oid:1.2.250.1.213.1.4.8|${mother.ins}`;

type Resource = FhirResource;
interface BundleResource extends FhirResource {
  readonly type?: string;
  readonly entry?: { readonly resource?: Resource; readonly response?: { readonly status: string; readonly location?: string } }[];
  readonly link?: { relation: string; url: string }[];
}

/** What the PDSm builders return, typed as the client's resource. */
function asResource(resource: Record<string, unknown>): FhirResource {
  if (typeof resource.resourceType !== 'string') throw new TypeError('not a FHIR resource');
  return { ...resource, resourceType: resource.resourceType };
}

describe('fhir-kit-client against the DMP host (mutual TLS, an assertion per request)', () => {
  let t: TestHost;
  let obstetrician: ProfessionalClient;
  let gp: ProfessionalClient;
  const agents: Agent[] = [];

  beforeAll(async () => {
    t = await startTestHost();
    await createRecordFromCarteVitale(t.admin, t.host.services, t.host.insi, mother.card);
    await changeRecord(t.admin, t.host.services, mother.ins, { kind: 'declare-medecin-traitant', nationalId: DEMO_PROFESSIONALS.medecinTraitant.nationalId });
    [obstetrician, gp] = await Promise.all([t.client(DEMO_PROFESSIONALS.obstetrician), t.client(DEMO_PROFESSIONALS.medecinTraitant)]);
  });
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.close()));
    await t?.stop();
  });

  /** A fhir-kit-client for a professional: their certificate in the TLS dispatcher, a new assertion on each request. */
  function fhirClient(professional: ProfessionalClient): Client {
    const { certPem, keyPem } = professional.credentials;
    return new Client({
      baseUrl: `${t.base}/fhir`,
      requestOptions: { dispatcher: tlsDispatcher(professional) },
      requestSigner: async (_url: string, init: RequestInit) => {
        const token = await signAssertion(keyPem, certPem, { software: 'fhir-kit-client' });
        (init.headers as Headers).set('authorization', `Bearer ${token}`);
      },
    });
  }

  /** An undici dispatcher presenting the professional's CPS certificate and trusting the test IGC-Santé. */
  function tlsDispatcher(professional: ProfessionalClient): Agent {
    const dispatcher = new Agent({ connect: { ca: t.host.authority.certPem, cert: professional.credentials.certPem, key: professional.credentials.keyPem } });
    agents.push(dispatcher);
    return dispatcher;
  }

  function documentFor(text: string) {
    return deliveryReport(mother.ins, DEMO_PROFESSIONALS.obstetrician, { uniqueId: `urn:oid:${newUniqueId()}`, content: pdfOf(text, 30_000) });
  }

  it('deposits with a transaction, finds the document and retrieves its bytes', async () => {
    const author = fhirClient(obstetrician);
    const reader = fhirClient(gp);
    const doc = documentFor('fhir-kit-client transaction');

    const response = (await author.transaction({ body: asResource(buildProvideBundle([doc])) })) as BundleResource;
    expect(response.resourceType).toBe('Bundle');
    expect(response.type).toBe('transaction-response');
    const location = response.entry?.map((e) => e.response?.location ?? '').find((l) => l.startsWith('DocumentReference/'));
    expect(location).toMatch(/^DocumentReference\/[0-9a-f-]{36}$/);
    const id = location!.slice('DocumentReference/'.length);

    const found = (await reader.search({ resourceType: 'DocumentReference', searchParams: { 'patient.identifier': INS_TOKEN, status: 'current' } })) as BundleResource;
    expect(found.type).toBe('searchset');
    const reference = found.entry?.map((e) => e.resource!).find((r) => r.id === id);
    expect(reference, JSON.stringify(found)).toBeDefined();
    expect((reference!.masterIdentifier as { value: string }).value).toBe(doc.uniqueId);
    const attachment = (reference!.content as { attachment: { url: string; hash: string; size: number } }[])[0]!.attachment;
    expect(attachment.hash).toBe(createHash('sha1').update(doc.content).digest('base64'));

    // ITI-68 as a FHIR read of the Binary...
    const binary = (await reader.read({ resourceType: 'Binary', id })) as Resource;
    expect(binary.resourceType).toBe('Binary');
    expect(binary.contentType).toBe('application/pdf');
    expect(Buffer.from(binary.data as string, 'base64').equals(doc.content)).toBe(true);
    // ...and by following the attachment URL, as given
    const followed = (await reader.request(attachment.url)) as Resource;
    expect(Buffer.from(followed.data as string, 'base64').equals(doc.content)).toBe(true);
  });

  it('deposits with a create (ITI-105) and pages through a search with the next links', async () => {
    const author = fhirClient(obstetrician);
    const reader = fhirClient(gp);
    const created = [];
    for (const text of ['one', 'two', 'three']) {
      const doc = documentFor(`fhir-kit-client create ${text}`);
      const resource = (await author.create({ resourceType: 'DocumentReference', body: asResource(buildDocumentReference(doc, undefined)) })) as Resource;
      expect(resource.resourceType).toBe('DocumentReference');
      expect(resource.status).toBe('current');
      created.push(String(resource.id));
    }

    const seen: string[] = [];
    let page = (await reader.search({ resourceType: 'DocumentReference', searchParams: { 'patient.identifier': INS_TOKEN, status: 'current', _count: 2 } })) as BundleResource;
    for (let pages = 1; ; pages++) {
      expect(pages).toBeLessThan(10);
      seen.push(...(page.entry ?? []).map((e) => String(e.resource!.id)));
      const next = reader.nextPage({ bundle: { ...page, link: page.link ?? [] } });
      if (!next) break;
      page = (await next) as BundleResource;
    }
    expect(seen).toEqual(expect.arrayContaining(created));
    expect(new Set(seen).size).toBe(seen.length); // no document twice across pages
    expect(seen).toHaveLength(4); // these three and the one of the first test
  });

  it('surfaces the host’s refusals as errors carrying the OperationOutcome', async () => {
    const author = fhirClient(obstetrician);
    const doc = documentFor('fhir-kit-client conflict');
    await author.transaction({ body: asResource(buildProvideBundle([doc])) });
    const sameIdOtherContent = buildProvideBundle([{ ...doc, content: pdfOf('something else', 30_000) }]);
    await expect(author.transaction({ body: asResource(sameIdOtherContent) })).rejects.toMatchObject({
      response: { status: 409, data: { resourceType: 'OperationOutcome' } },
    });

    // the occupational physician is always refused; and a certificate without an assertion gets nowhere
    const occupational = fhirClient(await t.client(DEMO_PROFESSIONALS.occupationalPhysician));
    await expect(occupational.search({ resourceType: 'DocumentReference', searchParams: { 'patient.identifier': INS_TOKEN } })).rejects.toMatchObject({
      response: { status: 403, data: { resourceType: 'OperationOutcome' } },
    });
    const unsigned = new Client({ baseUrl: `${t.base}/fhir`, requestOptions: { dispatcher: tlsDispatcher(gp) } });
    await expect(unsigned.search({ resourceType: 'DocumentReference', searchParams: { 'patient.identifier': INS_TOKEN } })).rejects.toMatchObject({
      response: { status: 401 },
    });
  });

  it('needs the fresh assertion: one fixed bearer token works once, then is refused as a replay', async () => {
    const { certPem, keyPem } = gp.credentials;
    const fixed = new Client({
      baseUrl: `${t.base}/fhir`,
      requestOptions: { dispatcher: tlsDispatcher(gp) },
      bearerToken: await signAssertion(keyPem, certPem, { software: 'fhir-kit-client' }),
    });
    const search = { resourceType: 'DocumentReference', searchParams: { 'patient.identifier': INS_TOKEN, status: 'current' } };
    expect(((await fixed.search(search)) as BundleResource).type).toBe('searchset');
    await expect(fixed.search(search)).rejects.toMatchObject({ response: { status: 401, data: { resourceType: 'OperationOutcome' } } });
  });
});
