import { buildDocumentReference, buildProvideBundle } from '@dmp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PATIENTS } from '../src/demo/demo-people.js';
import { createRecordFromCarteVitale } from '../src/identity/create-record.js';
import { changeRecord } from '../src/identity/manage-record.js';
import { deliveryReport } from './fixtures/documents.js';
import { arrayAt, at, type JsonObject } from './fixtures/pdsm/examples.js';
import { DEMO_PROFESSIONALS, startTestHost, type ProfessionalClient, type RequestOptions, type TestHost, type TestResponse } from './harness.js';

/**
 * Bad input gets a clear error and changes nothing (DESIGN.md §2.4): every case below answers a
 * 4xx OperationOutcome and leaves the documents, submission sets and records as they were (audit
 * entries of refusals are expected); the process never crashes.
 */
const mother = DEMO_PATIENTS.mother;
const julien = DEMO_PATIENTS.julien;
/** A valid NIR of the INSi register for whom no record was created. */
const NO_RECORD_NIR = '253072B07300470';
const BAD_KEY_NIR = '123456789012345';
const insToken = (nir: string) => encodeURIComponent(`urn:oid:1.2.250.1.213.1.4.8|${nir}`);
const patientParam = (nir: string = mother.ins) => `patient.identifier=${insToken(nir)}`;

interface Issue {
  readonly code?: string;
  readonly diagnostics?: string;
  readonly expression?: string[];
}

describe('bad input: a clear 4xx OperationOutcome, nothing changed, the process stays up', () => {
  let t: TestHost;
  let obstetrician: ProfessionalClient;
  let gp: ProfessionalClient;

  /** What must not change: documents (with status, version, flags), submission sets, records. */
  const snapshot = async (): Promise<Record<string, unknown>> =>
    (
      await t.host.database.pool.query(`
        SELECT (SELECT count(*) FROM document)::int AS documents,
               (SELECT count(*) FROM submission_set)::int AS submission_sets,
               (SELECT count(*) FROM document_content)::int AS contents,
               (SELECT string_agg(id || ':' || status || ':' || version || ':' || archived || ':' || array_to_string(visibility, '+'), ',' ORDER BY id) FROM document) AS document_states,
               (SELECT string_agg(ins || ':' || status || ':' || version, ',' ORDER BY ins) FROM patient_record) AS records`)
    ).rows[0] as Record<string, unknown>;

  /** Sends the request and expects a 4xx OperationOutcome with `status`, an issue of `code` whose diagnostics match, and no change. */
  const refused = async (
    send: () => Promise<TestResponse>,
    status: number,
    code: string,
    diagnostics: RegExp,
  ): Promise<Issue[]> => {
    const before = await snapshot();
    const response = await send();
    expect(response.status, JSON.stringify(response.json).slice(0, 2000)).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(response.json.resourceType).toBe('OperationOutcome');
    const issues = (response.json.issue ?? []) as Issue[];
    expect(issues.length).toBeGreaterThan(0);
    expect(
      issues.some((i) => i.code === code && diagnostics.test(i.diagnostics ?? '')),
      `no ${code} issue matching ${String(diagnostics)} in ${JSON.stringify(issues).slice(0, 2000)}`,
    ).toBe(true);
    expect(await snapshot()).toEqual(before);
    return issues;
  };

  const post = (path: string, options: RequestOptions) => () => obstetrician.request('POST', path, options);
  const search = (query: string) => () => gp.request('GET', `/fhir/DocumentReference?${query}`);

  /** An ITI-65 bundle of one valid delivery report for the mother, patched by `change` (doc = the DocumentReference). */
  const bundleWith = (change: (doc: JsonObject, bundle: JsonObject) => void): JsonObject => {
    const bundle = buildProvideBundle([deliveryReport(mother.ins, DEMO_PROFESSIONALS.obstetrician)]) as JsonObject;
    change(at(bundle, 'entry', 1, 'resource'), bundle);
    return bundle;
  };
  const codingOf = (doc: JsonObject, ...keys: (string | number)[]): JsonObject => at(doc, ...keys, 'coding', 0);

  beforeAll(async () => {
    t = await startTestHost();
    await createRecordFromCarteVitale(t.admin, t.host.services, t.host.insi, mother.card);
    await createRecordFromCarteVitale(t.admin, t.host.services, t.host.insi, julien.card);
    await changeRecord(t.admin, t.host.services, mother.ins, { kind: 'declare-medecin-traitant', nationalId: DEMO_PROFESSIONALS.medecinTraitant.nationalId });
    await changeRecord(t.admin, t.host.services, julien.ins, { kind: 'declare-medecin-traitant', nationalId: DEMO_PROFESSIONALS.medecinTraitant.nationalId });
    [obstetrician, gp] = await Promise.all([t.client(DEMO_PROFESSIONALS.obstetrician), t.client(DEMO_PROFESSIONALS.medecinTraitant)]);
    // Something in the record, so "nothing changed" has something to keep.
    const first = await obstetrician.request('POST', '/fhir', { body: buildProvideBundle([deliveryReport(mother.ins, DEMO_PROFESSIONALS.obstetrician)]) });
    expect(first.status, JSON.stringify(first.json)).toBe(200);
  });
  afterAll(async () => {
    // The process never crashed: it still answers.
    if (t) expect((await t.anonymous('GET', '/health')).status).toBe(200);
    await t?.stop();
  });

  describe('bodies that are not JSON, or not a FHIR resource', () => {
    it('malformed JSON → 400 structure', async () => {
      await refused(post('/fhir', { rawBody: '{"resourceType": "Bundle", "type": "transaction", "entry": [' }), 400, 'structure', /not well-formed JSON/);
      await refused(post('/fhir/DocumentReference', { rawBody: "{'resourceType': 'DocumentReference'}" }), 400, 'structure', /not well-formed JSON/);
    });

    it('an empty body with a JSON content type → 400', async () => {
      await refused(post('/fhir', { rawBody: '' }), 400, 'structure', /not well-formed JSON|Bundle/);
    });

    it('a JSON array, a string, a number, null → 400 structure', async () => {
      for (const rawBody of ['[]', '[{"resourceType": "Bundle", "type": "transaction"}]', '"Bundle"', '42', 'null']) {
        await refused(post('/fhir', { rawBody }), 400, 'structure', /ITI-65 expects a Bundle/);
        await refused(post('/fhir/DocumentReference', { rawBody }), 400, 'structure', /ITI-105 expects a DocumentReference/);
      }
    });

    it('wrong resource types: a Patient posted to /fhir and to /fhir/DocumentReference, a List alone', async () => {
      const patient = { resourceType: 'Patient', identifier: [{ system: 'urn:oid:1.2.250.1.213.1.4.8', value: mother.ins }] };
      await refused(post('/fhir', { body: patient }), 400, 'structure', /ITI-65 expects a Bundle/);
      await refused(post('/fhir/DocumentReference', { body: patient }), 400, 'structure', /ITI-105 expects a DocumentReference/);
      const list = at(buildProvideBundle([deliveryReport(mother.ins, DEMO_PROFESSIONALS.obstetrician)]), 'entry', 0, 'resource');
      await refused(post('/fhir', { body: list }), 400, 'structure', /ITI-65 expects a Bundle/);
      // a transaction holding only the SubmissionSet
      const onlyList = bundleWith((_doc, bundle) => bundle.entry = arrayAt(bundle, 'entry').slice(0, 1));
      await refused(post('/fhir', { body: onlyList }), 422, 'required', /no DocumentReference/);
      // a Patient entry inside the transaction
      const withPatient = bundleWith((_doc, bundle) => arrayAt(bundle, 'entry').push({ fullUrl: 'urn:uuid:5a1b0c3e-0000-4000-8000-000000000001', resource: patient, request: { method: 'POST', url: 'Patient' } }));
      await refused(post('/fhir', { body: withPatient }), 422, 'not-supported', /resource type Patient is not part of an ITI-65 submission/);
    });

    it('a Bundle that is not a transaction (batch, searchset, no type) → 400', async () => {
      for (const type of ['batch', 'searchset', 'collection', undefined]) {
        const bundle = bundleWith((_doc, b) => (type === undefined ? delete b.type : (b.type = type)));
        await refused(post('/fhir', { body: bundle }), 400, 'structure', /must be of type "transaction"/);
      }
      await refused(post('/fhir', { body: { resourceType: 'Bundle', type: 'transaction', entry: [] } }), 400, 'structure', /no entry/);
    });
  });

  describe('codes outside the DMP value sets → 422', () => {
    it('type not in JDV_J66', async () => {
      const body = bundleWith((doc) => Object.assign(codingOf(doc, 'type'), { code: '00000-0', display: 'not a type' }));
      await refused(post('/fhir', { body }), 422, 'code-invalid', /type http:\/\/loinc\.org\|00000-0 is not a document type the DMP accepts \(JDV_J66\)/);
    });

    it('class that does not match the type (15508-5 implies class 10)', async () => {
      const body = bundleWith((doc) => (codingOf(doc, 'category', 0).code = '11'));
      await refused(post('/fhir', { body }), 422, 'invariant', /class 11 does not match type 15508-5, which implies class 10/);
    });

    it('confidentiality not N, R or V; visibility code not in TRE_A07', async () => {
      const confidentiality = bundleWith((doc) => (codingOf(doc, 'securityLabel', 0).code = 'U'));
      await refused(post('/fhir', { body: confidentiality }), 422, 'code-invalid', /securityLabel .*\|U is not in the DMP confidentiality codes \(JDV_J58\)/);
      const visibility = bundleWith((doc) =>
        arrayAt(doc, 'securityLabel').push({ coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_A07-StatutVisibiliteDocument/FHIR/TRE-A07-StatutVisibiliteDocument', code: 'MASQUE_TOUT' }] }),
      );
      await refused(post('/fhir', { body: visibility }), 422, 'code-invalid', /securityLabel .*\|MASQUE_TOUT is not in the DMP confidentiality codes/);
    });

    it('facility type not in JDV_J02, practice setting not in JDV_J04, format not in JDV_J60, specialty not in JDV_J01', async () => {
      const facility = bundleWith((doc) => (codingOf(doc, 'context', 'facilityType').code = 'SA99'));
      await refused(post('/fhir', { body: facility }), 422, 'code-invalid', /facility type .*\|SA99 is not in JDV_J02/);
      const practice = bundleWith((doc) => (codingOf(doc, 'context', 'practiceSetting').code = 'CABINET'));
      await refused(post('/fhir', { body: practice }), 422, 'code-invalid', /practice setting .*\|CABINET is not in JDV_J04/);
      const format = bundleWith((doc) => (at(doc, 'content', 0, 'format').code = 'urn:ihe:iti:xds:2017:mimeTypeSufficient'));
      await refused(post('/fhir', { body: format }), 422, 'code-invalid', /format code urn:ihe:iti:xds:2017:mimeTypeSufficient is not in .*JDV_J60/);
      const specialty = bundleWith((doc) => (at(doc, 'contained', 2, 'specialty', 0, 'coding', 0).code = 'G15_10/SM99'));
      await refused(post('/fhir', { body: specialty }), 422, 'code-invalid', /author specialty G15_10\/SM99 is not in JDV_J01/);
    });

    it('every problem of one document in one OperationOutcome', async () => {
      const body = bundleWith((doc) => {
        codingOf(doc, 'category', 0).code = '11';
        codingOf(doc, 'context', 'facilityType').code = 'SA99';
        codingOf(doc, 'securityLabel', 0).code = 'U';
      });
      const issues = await refused(post('/fhir', { body }), 422, 'invariant', /class 11 does not match/);
      expect(issues.map((i) => i.code).sort()).toEqual(['code-invalid', 'code-invalid', 'invariant', 'required']);
    });
  });

  describe('NIR with a bad key', () => {
    it('in the subject of a deposit (ITI-65 and ITI-105) → 422 value', async () => {
      const bundle = buildProvideBundle([deliveryReport(BAD_KEY_NIR, DEMO_PROFESSIONALS.obstetrician)]);
      const issues = await refused(post('/fhir', { body: bundle }), 422, 'value', /patient INS 123456789012345: the NIR key is wrong \(expected 11\)/);
      expect(issues.flatMap((i) => i.expression ?? [])).toEqual(expect.arrayContaining(['Bundle.entry[0].resource.subject', 'Bundle.entry[1].resource.subject']));
      const single = buildDocumentReference(deliveryReport(BAD_KEY_NIR, DEMO_PROFESSIONALS.obstetrician), undefined);
      await refused(post('/fhir/DocumentReference', { body: single }), 422, 'value', /NIR key is wrong \(expected 11\)/);
    });

    it('in patient.identifier of a search (ITI-67, ITI-66, TD0.2) → 400 value', async () => {
      await refused(search(patientParam(BAD_KEY_NIR)), 400, 'value', /patient\.identifier: the NIR key is wrong \(expected 11\)/);
      await refused(() => gp.request('GET', `/fhir/List?${patientParam(BAD_KEY_NIR)}`), 400, 'value', /NIR key is wrong/);
      await refused(() => gp.request('GET', `/fhir/Patient?identifier=${insToken(BAD_KEY_NIR)}`), 400, 'value', /NIR key is wrong/);
      await refused(search(`patient.identifier=${mother.ins}`), 400, 'value', /system\|value/);
    });
  });

  describe('content that does not match its metadata', () => {
    it('declared size or SHA-1 not those of the content → 422 invariant', async () => {
      const size = bundleWith((doc) => (at(doc, 'content', 0, 'attachment').size = 12));
      await refused(post('/fhir', { body: size }), 422, 'invariant', /declared size 12 but the content has \d+ bytes/);
      const hash = bundleWith((doc) => (at(doc, 'content', 0, 'attachment').hash = 'A/hMRrv6Y15BjSM8kMLidrz+mHc='));
      await refused(post('/fhir', { body: hash }), 422, 'invariant', /declared SHA-1 A\/hMRrv6Y15BjSM8kMLidrz\+mHc= but the content's is/);
      const inline = buildDocumentReference(deliveryReport(mother.ins, DEMO_PROFESSIONALS.obstetrician), undefined);
      at(inline, 'content', 0, 'attachment').size = 1;
      await refused(post('/fhir/DocumentReference', { body: inline }), 422, 'invariant', /declared size 1/);
    });

    it('a Binary no DocumentReference names; an attachment.url naming no Binary → 422 invariant', async () => {
      const extraBinary = bundleWith((_doc, bundle) =>
        arrayAt(bundle, 'entry').push({ fullUrl: 'urn:uuid:5a1b0c3e-0000-4000-8000-000000000002', resource: { resourceType: 'Binary', contentType: 'application/pdf', data: 'JVBERi0=' }, request: { method: 'POST', url: 'Binary' } }),
      );
      await refused(post('/fhir', { body: extraBinary }), 422, 'invariant', /the Binary urn:uuid:5a1b0c3e-0000-4000-8000-000000000002 is not the content of any DocumentReference/);
      const danglingUrl = bundleWith((doc) => (at(doc, 'content', 0, 'attachment').url = 'urn:uuid:5a1b0c3e-0000-4000-8000-000000000003'));
      await refused(post('/fhir', { body: danglingUrl }), 422, 'invariant', /content\.attachment\.url urn:uuid:5a1b0c3e-0000-4000-8000-000000000003 names no Binary of the bundle/);
    });

    it('inline data that is not base64 (ITI-105) → 422 value', async () => {
      const inline = buildDocumentReference(deliveryReport(mother.ins, DEMO_PROFESSIONALS.obstetrician), undefined);
      at(inline, 'content', 0, 'attachment').data = '%PDF-1.4 not base64!';
      await refused(post('/fhir/DocumentReference', { body: inline }), 422, 'value', /not base64/);
    });
  });

  describe('sizes', () => {
    it('a body over the 20 MB limit → 413', async () => {
      const big = JSON.stringify(bundleWith((_doc, bundle) => (at(bundle, 'entry', 2, 'resource').data = 'A'.repeat(21 * 1024 * 1024))));
      expect(big.length).toBeGreaterThan(21 * 1024 * 1024);
      await refused(post('/fhir', { rawBody: big }), 413, 'too-costly', /larger than the 20 MB accepted/);
      const inline = JSON.stringify({ ...buildDocumentReference(deliveryReport(mother.ins, DEMO_PROFESSIONALS.obstetrician), undefined), padding: 'x'.repeat(21 * 1024 * 1024) });
      await refused(post('/fhir/DocumentReference', { rawBody: inline }), 413, 'too-costly', /20 MB/);
    });

    it('a huge number of entries → 4xx before any work', async () => {
      const entries = Array.from({ length: 200_000 }, (_, i) => ({ fullUrl: `urn:uuid:${i}`, request: { method: 'POST', url: 'Binary' } }));
      await refused(post('/fhir', { body: { resourceType: 'Bundle', type: 'transaction', entry: entries } }), 413, 'too-costly', /at most 1000 entries/);
    });

    it('deeply nested JSON (10,000 levels) → 400, and the server stays up', async () => {
      const deep = '['.repeat(10_000) + ']'.repeat(10_000);
      await refused(post('/fhir', { rawBody: deep }), 400, 'structure', /nest/);
      const inBundle = JSON.stringify(bundleWith(() => undefined)).replace(/^\{/, `{"extension":${deep},`);
      await refused(post('/fhir', { rawBody: inBundle }), 400, 'structure', /nest/);
      const objects = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
      await refused(post('/fhir/DocumentReference', { rawBody: objects }), 400, 'structure', /nest/);
      expect((await t.anonymous('GET', '/health')).status).toBe(200);
    });
  });

  describe('content types', () => {
    it('text/plain, application/xml, application/fhir+xml, form data → 415', async () => {
      const body = JSON.stringify(bundleWith(() => undefined));
      for (const contentType of ['text/plain', 'application/xml', 'application/fhir+xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        await refused(post('/fhir', { rawBody: body, contentType }), 415, 'not-supported', /is not accepted; send application\/fhir\+json/);
      }
      await refused(post('/fhir/DocumentReference', { rawBody: '<DocumentReference xmlns="http://hl7.org/fhir"/>', contentType: 'application/fhir+xml' }), 415, 'not-supported', /not accepted/);
    });
  });

  describe('patients', () => {
    it('a valid NIR with no record → 404 (deposit and search)', async () => {
      const bundle = buildProvideBundle([deliveryReport(NO_RECORD_NIR, DEMO_PROFESSIONALS.obstetrician)]);
      await refused(post('/fhir', { body: bundle }), 404, 'not-found', /no DMP record for INS 253072B07300470/);
      await refused(post('/fhir/DocumentReference', { body: buildDocumentReference(deliveryReport(NO_RECORD_NIR, DEMO_PROFESSIONALS.obstetrician), undefined) }), 404, 'not-found', /no DMP record/);
      await refused(search(patientParam(NO_RECORD_NIR)), 404, 'not-found', /no DMP record for INS 253072B07300470/);
    });

    it('a closed record → 403 (rule record-closed, audited) for deposit and search; reopened after', async () => {
      await changeRecord(t.admin, t.host.services, julien.ins, { kind: 'close' });
      try {
        const denials = async () =>
          (await t.host.database.pool.query<{ action: string; rule: string }>("SELECT action, rule FROM audit_entry WHERE partition = $1 AND outcome = 'denied' ORDER BY seq", [julien.ins])).rows;
        const before = (await denials()).length;
        await refused(post('/fhir', { body: buildProvideBundle([deliveryReport(julien.ins, DEMO_PROFESSIONALS.obstetrician)]) }), 403, 'forbidden', /deposit refused: the record is closed/);
        await refused(
          post('/fhir/DocumentReference', { body: buildDocumentReference(deliveryReport(julien.ins, DEMO_PROFESSIONALS.obstetrician), undefined) }),
          403,
          'forbidden',
          /the record is closed/,
        );
        await refused(search(patientParam(julien.ins)), 403, 'forbidden', /search refused: the record is closed/);
        expect((await denials()).slice(before)).toEqual([
          { action: 'document.deposit', rule: 'record-closed' },
          { action: 'document.deposit', rule: 'record-closed' },
          { action: 'document.search', rule: 'record-closed' },
        ]);
      } finally {
        await changeRecord(t.admin, t.host.services, julien.ins, { kind: 'reopen' });
      }
      const reopened = await obstetrician.request('POST', '/fhir', { body: buildProvideBundle([deliveryReport(julien.ins, DEMO_PROFESSIONALS.obstetrician)]) });
      expect(reopened.status, JSON.stringify(reopened.json)).toBe(200);
    });
  });

  describe('search parameters (ITI-67)', () => {
    it('unsupported parameters → 400 not-supported', async () => {
      for (const extra of ['foo=bar', '_sort=date', '_include=DocumentReference:subject', 'subject.name=DUBOIS', '_elements=id']) {
        const name = extra.slice(0, extra.indexOf('='));
        await refused(search(`${patientParam()}&${extra}`), 400, 'not-supported', new RegExp(`search parameter ${name.replace(/[.:]/g, '\\$&')} is not supported`));
      }
    });

    it('no patient, or two → 400 required', async () => {
      await refused(search('status=current'), 400, 'required', /exactly one patient\.identifier/);
      await refused(search(`${patientParam()}&${patientParam(julien.ins)}`), 400, 'required', /exactly one patient\.identifier/);
    });

    it('bad _count and _offset → 400 value', async () => {
      for (const count of ['abc', '-1', '1.5', '1e2', '0', '99999']) {
        await refused(search(`${patientParam()}&_count=${count}`), 400, 'value', /_count must be a whole number/);
      }
      await refused(search(`${patientParam()}&_offset=-5`), 400, 'value', /_offset must be a whole number/);
    });

    it('malformed date and period values → 400 value', async () => {
      for (const date of ['abc', '2026-13', '2026-02-30', '2026-6-1', 'ge', 'xx2026', '2026-06-12T25:00:00Z', '2026-06-12T10:00', '20260612']) {
        await refused(search(`${patientParam()}&date=${encodeURIComponent(date)}`), 400, 'value', /date=.* is not a FHIR date search value/);
      }
      await refused(search(`${patientParam()}&period=${encodeURIComponent('le2026-02-31')}`), 400, 'value', /period=le2026-02-31 is not a FHIR date search value/);
    });

    it('an unknown status → 400 value', async () => {
      await refused(search(`${patientParam()}&status=deleted`), 400, 'value', /status deleted is not current, superseded or entered-in-error/);
    });
  });

  describe('prototype pollution', () => {
    const polluted = () => ({}) as Record<string, unknown>;

    it('__proto__ and constructor.prototype keys in a refused body pollute nothing', async () => {
      const valid = JSON.stringify(bundleWith((doc) => (codingOf(doc, 'category', 0).code = '11')));
      const rawBody = valid
        .replace(/^\{/, '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}},')
        .replace('"resourceType":"DocumentReference"', '"__proto__": {"polluted": true}, "resourceType":"DocumentReference"')
        .replace('"attachment":{', '"attachment":{"__proto__": {"polluted": true},');
      expect(rawBody).toContain('"__proto__"');
      await refused(post('/fhir', { rawBody }), 422, 'invariant', /class 11 does not match/);
      expect(polluted().polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
      const inline = JSON.stringify(buildDocumentReference(deliveryReport(BAD_KEY_NIR, DEMO_PROFESSIONALS.obstetrician), undefined)).replace(/^\{/, '{"__proto__": {"polluted": true},');
      await refused(post('/fhir/DocumentReference', { rawBody: inline }), 422, 'value', /NIR key is wrong/);
      expect(polluted().polluted).toBeUndefined();
    });

    const jsonPatch = async (path: string): Promise<TestResponse> => {
      const found = await gp.request('GET', `/fhir/DocumentReference?${patientParam()}`);
      const id = String(found.json.entry?.[0]?.resource.id);
      return obstetrician.request('PATCH', `/fhir/DocumentReference/${id}`, { rawBody: JSON.stringify([{ op: 'add', path, value: true }]), contentType: 'application/json-patch+json' });
    };

    it('a JSON Patch aimed at constructor.prototype, or at __proto__ outside the patchable fields, is refused and pollutes nothing', async () => {
      await refused(() => jsonPatch('/extension/constructor/prototype/polluted'), 422, 'invalid', /JSON Patch/);
      await refused(() => jsonPatch('/__proto__/polluted'), 422, 'not-supported', /only \/status, \/securityLabel and \/extension/);
      expect(polluted().polluted).toBeUndefined();
    });

    it('a JSON Patch through __proto__ inside a patchable field changes nothing and pollutes nothing', async () => {
      const before = await snapshot();
      const response = await jsonPatch('/securityLabel/__proto__/polluted');
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.json.resourceType).toBe('OperationOutcome');
      expect(await snapshot()).toEqual(before);
      expect(polluted().polluted).toBeUndefined();
    });

    // Was a 500: fast-json-patch's validate() throws (rather than returns) for paths through __proto__.
    it('a JSON Patch through __proto__ inside a patchable field → 422', async () => {
      await refused(() => jsonPatch('/securityLabel/__proto__/polluted'), 422, 'invalid', /JSON Patch/);
    });
  });
});
