import { existsSync } from 'node:fs';
import path from 'node:path';
import { checkNir } from '@dmp/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PATIENTS } from '../src/demo/demo-people.js';
import { createRecordFromCarteVitale } from '../src/identity/create-record.js';
import { changeRecord } from '../src/identity/manage-record.js';
import {
  CORRECTED_NIR,
  EXAMPLE_AUTHOR,
  EXAMPLE_NIR,
  correctedLotSoumission,
  correctedPublicationSimplifiee,
  correctedRemplacement,
} from './fixtures/pdsm/corrected-examples.js';
import { EXAMPLES_DIR, REPO_ROOT, jsonDiff, loadExample, type ExampleName } from './fixtures/pdsm/examples.js';
import { startTestHost, type ProfessionalClient, type TestHost, type TestResponse } from './harness.js';

/**
 * The ANS PDSm examples (ansforge/IG-FHIR-PDSM4DMP-EEDS) against the host: as published they are
 * refused, with one OperationOutcome naming every problem (ans/README.md, "Known defects in the
 * upstream examples"); corrected (fixtures/pdsm/corrected-examples.ts) they are accepted.
 */
const LOT = 'Bundle-example-td2-iti65-lot-soumission.json';
const REMPLACEMENT = 'Bundle-example-td2-1-remplacement.json';
const ITI105 = 'DocumentReference-example-td2-iti105-publication-simplifiee.json';
const BINARY_BYTES = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><ClinicalDocument xmlns="urn:hl7-org:v3"/>', 'utf8');

const patientParam = `patient.identifier=${encodeURIComponent(`urn:oid:1.2.250.1.213.1.4.8|${CORRECTED_NIR}`)}`;

interface Issue {
  readonly code?: string;
  readonly diagnostics?: string;
  readonly expression?: string[];
}

function issuesOf(response: TestResponse): Issue[] {
  expect(response.json.resourceType, JSON.stringify(response.json)).toBe('OperationOutcome');
  return (response.json.issue ?? []) as Issue[];
}

/** Expects one issue with this code whose diagnostics match and whose expression is `expression`. */
function expectIssue(issues: readonly Issue[], code: string, diagnostics: RegExp, expression: string): void {
  const found = issues.filter((i) => i.code === code && diagnostics.test(i.diagnostics ?? '') && (i.expression ?? []).includes(expression));
  expect(found, `no ${code} issue ${String(diagnostics)} at ${expression} in ${JSON.stringify(issues, null, 1)}`).toHaveLength(1);
}

describe('ANS PDSm examples (pdsm4dmp-examples)', () => {
  let t: TestHost;
  let author: ProfessionalClient;

  const documentRows = async (): Promise<number> => Number((await t.host.database.pool.query<{ n: string }>('SELECT count(*) AS n FROM document')).rows[0]!.n);
  const submissionSetRows = async (): Promise<number> => Number((await t.host.database.pool.query<{ n: string }>('SELECT count(*) AS n FROM submission_set')).rows[0]!.n);
  const searchIds = async (status: string): Promise<string[]> => {
    const response = await author.request('GET', `/fhir/DocumentReference?${patientParam}&status=${status}`);
    expect(response.status, JSON.stringify(response.json)).toBe(200);
    return (response.json.entry ?? []).map((e) => String(e.resource.id));
  };

  beforeAll(async () => {
    t = await startTestHost();
    await createRecordFromCarteVitale(t.admin, t.host.services, t.host.insi, DEMO_PATIENTS.lea.card);
    // The author deposits without an authorisation; reading back (the searches below) needs one.
    await changeRecord(t.admin, t.host.services, CORRECTED_NIR, { kind: 'authorise', nationalId: EXAMPLE_AUTHOR.nationalId });
    author = await t.client(EXAMPLE_AUTHOR);
  });
  afterAll(async () => t?.stop());

  it('reads the examples from the shared ANS reference data (failing, not skipping, when absent)', () => {
    expect(EXAMPLES_DIR).toBe(path.resolve(REPO_ROOT, '..', 'shared', 'ans', 'pdsm4dmp-examples'));
    for (const name of [LOT, REMPLACEMENT, ITI105] satisfies ExampleName[]) {
      expect(existsSync(path.join(EXAMPLES_DIR, name)), `${name} is missing from ${EXAMPLES_DIR}`).toBe(true);
      expect(loadExample(name).resourceType).toMatch(/^(Bundle|DocumentReference)$/);
    }
  });

  it('the examples’ NIR has a wrong key; the key-corrected number has a NIR’s shape but names nobody the register knows', async () => {
    expect(checkNir(EXAMPLE_NIR)).toMatchObject({ valid: false, expectedKey: '11' });
    expect(checkNir('123456789012311')).toEqual({ valid: true, nir: '123456789012311' });
    // No Carte Vitale of the register carries it, so no record can be created for it.
    const lookup = await t.host.insi.lookupFromCarteVitale({ insuredNir: '123456789012311', rank: 1, familyName: 'X', givenName: 'Y', birthDate: '1923-01-01' });
    expect(lookup.status).toBe('not-found');
    expect(checkNir(CORRECTED_NIR).valid).toBe(true);
  });

  it('the examples’ content is 80 bytes whose SHA-1 the DocumentReferences state', () => {
    const binary = String((loadExample(LOT).entry as { resource: { data?: string } }[])[2]!.resource.data);
    expect(Buffer.from(binary, 'base64').equals(BINARY_BYTES)).toBe(true);
    expect(BINARY_BYTES.length).toBe(80);
    const attachment = (loadExample(LOT).entry as { resource: { content?: { attachment: { size: number; hash: string } }[] } }[])[1]!.resource.content![0]!.attachment;
    expect(attachment).toMatchObject({ size: 80, hash: 'A/hMRrv6Y15BjSM8kMLidrz+mHc=' });
  });

  describe('as published: refused with one OperationOutcome naming every problem, nothing stored', () => {
    it('ITI-65 lot de soumission', async () => {
      const [documentsBefore, setsBefore] = [await documentRows(), await submissionSetRows()];
      const response = await author.request('POST', '/fhir', { body: loadExample(LOT) });
      expect(response.status).toBe(422);
      const issues = issuesOf(response);
      expectIssue(issues, 'value', /123456789012345.*NIR key is wrong \(expected 11\)/, 'Bundle.entry[0].resource.subject');
      expectIssue(issues, 'value', /123456789012345.*NIR key is wrong \(expected 11\)/, 'Bundle.entry[1].resource.subject');
      expectIssue(issues, 'code-invalid', /facility type http:\/\/snomed\.info\/sct\|22232009 is not in JDV_J02/, 'Bundle.entry[1].resource.context.facilityType');
      expectIssue(issues, 'code-invalid', /practice setting http:\/\/snomed\.info\/sct\|394802001 is not in JDV_J04/, 'Bundle.entry[1].resource.context.practiceSetting');
      expectIssue(issues, 'invariant', /class 11 does not match type 11488-4, which implies class 10/, 'Bundle.entry[1].resource.category');
      expectIssue(issues, 'code-invalid', /format code urn:ihe:iti:xds:2017:mimeTypeSufficient is not in .*JDV_J60/, 'Bundle.entry[1].resource.content[0].format');
      expectIssue(issues, 'required', /the author has no profession/, 'Bundle.entry[1].resource.author');
      expect(issues).toHaveLength(7);
      expect([await documentRows(), await submissionSetRows()]).toEqual([documentsBefore, setsBefore]);
    });

    it('ITI-65 remplacement', async () => {
      const documentsBefore = await documentRows();
      const response = await author.request('POST', '/fhir', { body: loadExample(REMPLACEMENT) });
      expect(response.status).toBe(422);
      const issues = issuesOf(response);
      expectIssue(issues, 'value', /NIR key is wrong \(expected 11\)/, 'Bundle.entry[0].resource.subject');
      expectIssue(issues, 'value', /NIR key is wrong \(expected 11\)/, 'Bundle.entry[1].resource.subject');
      expectIssue(issues, 'code-invalid', /22232009 is not in JDV_J02/, 'Bundle.entry[1].resource.context.facilityType');
      expectIssue(issues, 'code-invalid', /394802001 is not in JDV_J04/, 'Bundle.entry[1].resource.context.practiceSetting');
      expectIssue(issues, 'invariant', /class 11 does not match type 11488-4, which implies class 10/, 'Bundle.entry[1].resource.category');
      expectIssue(issues, 'code-invalid', /mimeTypeSufficient is not in .*JDV_J60/, 'Bundle.entry[1].resource.content[0].format');
      expectIssue(issues, 'required', /the author has no profession/, 'Bundle.entry[1].resource.author');
      // the example's logical id is no id of this host (UUIDs)
      expectIssue(issues, 'not-supported', /PATCH is supported on DocumentReference\/\{id\}.*not DocumentReference\/doc-x-id/, 'Bundle.entry[2].request.url');
      expect(issues).toHaveLength(8);
      expect(await documentRows()).toBe(documentsBefore);
    });

    it('ITI-105 publication simplifiée', async () => {
      const documentsBefore = await documentRows();
      const response = await author.request('POST', '/fhir/DocumentReference', { body: loadExample(ITI105) });
      expect(response.status).toBe(422);
      const issues = issuesOf(response);
      expectIssue(issues, 'value', /123456789012345.*NIR key is wrong \(expected 11\)/, 'DocumentReference.subject');
      expectIssue(issues, 'required', /the author has no profession/, 'DocumentReference.author');
      expectIssue(issues, 'required', /content\.format .*JDV_J60.* is required/, 'DocumentReference.content[0].format');
      expectIssue(issues, 'required', /context\.facilityType \(JDV_J02\) is required/, 'DocumentReference.context.facilityType');
      expectIssue(issues, 'required', /context\.practiceSetting \(JDV_J04\) is required/, 'DocumentReference.context.practiceSetting');
      expect(issues).toHaveLength(5);
      expect(await documentRows()).toBe(documentsBefore);
    });
  });

  describe('corrected (fixtures/pdsm): each differs from the original only by its commented corrections', () => {
    const common = (entry: number) => [
      `entry[${entry}].resource.contained[0].identifier[0].value`,
      `entry[${entry}].resource.subject.reference`,
    ];
    const documentReference = (prefix: string) => [
      `${prefix}contained[2]`,
      `${prefix}category[0].coding[0].code`,
      `${prefix}category[0].coding[0].display`,
      `${prefix}author[0].reference`,
      `${prefix}content[0].format.system`,
      `${prefix}content[0].format.code`,
      `${prefix}content[0].format.display`,
      `${prefix}context.facilityType.coding[0].system`,
      `${prefix}context.facilityType.coding[0].code`,
      `${prefix}context.facilityType.coding[0].display`,
      `${prefix}context.practiceSetting.coding[0].system`,
      `${prefix}context.practiceSetting.coding[0].code`,
      `${prefix}context.practiceSetting.coding[0].display`,
    ];

    it('lot de soumission', () => {
      expect(jsonDiff(loadExample(LOT), correctedLotSoumission()).sort()).toEqual([...common(0), ...common(1), ...documentReference('entry[1].resource.')].sort());
    });

    it('remplacement', () => {
      const id = '00000000-0000-4000-8000-000000000000';
      expect(jsonDiff(loadExample(REMPLACEMENT), correctedRemplacement(id)).sort()).toEqual(
        [...common(0), ...common(1), ...documentReference('entry[1].resource.'), 'entry[1].resource.relatesTo[0].target.reference', 'entry[2].request.url'].sort(),
      );
    });

    it('publication simplifiée', () => {
      expect(jsonDiff(loadExample(ITI105), correctedPublicationSimplifiee()).sort()).toEqual(
        ['contained[1]', 'author[0].reference', 'subject.reference', 'content[0].format', 'context'].sort(),
      );
    });
  });

  describe('corrected: accepted', () => {
    let firstId = '';

    it('ITI-65 lot de soumission: 200 transaction-response; the document is stored as sent', async () => {
      const [documentsBefore, setsBefore] = [await documentRows(), await submissionSetRows()];
      const response = await author.request('POST', '/fhir', { body: correctedLotSoumission() });
      expect(response.status, JSON.stringify(response.json)).toBe(200);
      expect(response.json).toMatchObject({ resourceType: 'Bundle', type: 'transaction-response' });
      const entries = response.json.entry ?? [];
      expect(entries).toHaveLength(3);
      expect(entries[0]!.response).toMatchObject({ status: '201 Created', location: expect.stringMatching(/^List\/[0-9a-f-]{36}$/) });
      expect(entries[1]!.response).toMatchObject({ status: '201 Created', location: expect.stringMatching(/^DocumentReference\/[0-9a-f-]{36}$/) });
      firstId = entries[1]!.response!.location!.slice('DocumentReference/'.length);
      expect(entries[2]!.response!.location).toBe(`Binary/${firstId}`);
      expect([await documentRows(), await submissionSetRows()]).toEqual([documentsBefore + 1, setsBefore + 1]);

      const row = await t.host.database.pool.query(
        'SELECT ins, unique_id, status, type_code, class_code, format_code, facility_type, practice_setting, author_id, size::int AS size, sha1, mime_type FROM document WHERE id = $1',
        [firstId],
      );
      expect(row.rows[0]).toEqual({
        ins: CORRECTED_NIR,
        unique_id: 'urn:oid:1.2.250.1.213.1.4.8.99999.2',
        status: 'current',
        type_code: '11488-4',
        class_code: '10',
        format_code: 'urn:asipSante:modelesHorsProfils:2011',
        facility_type: 'SA01',
        practice_setting: 'ETABLISSEMENT',
        author_id: EXAMPLE_AUTHOR.nationalId,
        size: 80,
        sha1: 'A/hMRrv6Y15BjSM8kMLidrz+mHc=',
        mime_type: 'application/xml',
      });
      const retrieved = await author.request('GET', `/fhir/Binary/${firstId}`, { accept: 'application/xml' });
      expect(retrieved.status).toBe(200);
      expect(retrieved.body.equals(BINARY_BYTES)).toBe(true);
    });

    it('ITI-65 remplacement: 200; the replaced version becomes superseded, the new one current', async () => {
      expect(firstId).not.toBe('');
      const documentsBefore = await documentRows();
      const response = await author.request('POST', '/fhir', { body: correctedRemplacement(firstId) });
      expect(response.status, JSON.stringify(response.json)).toBe(200);
      expect(response.json).toMatchObject({ resourceType: 'Bundle', type: 'transaction-response' });
      const entries = response.json.entry ?? [];
      expect(entries).toHaveLength(4);
      expect(entries[1]!.response).toMatchObject({ status: '201 Created', location: expect.stringMatching(/^DocumentReference\/[0-9a-f-]{36}$/) });
      expect(entries[2]!.response?.status).toBe('200 OK');
      const newId = entries[1]!.response!.location!.slice('DocumentReference/'.length);
      expect(newId).not.toBe(firstId);
      expect(await documentRows()).toBe(documentsBefore + 1);

      expect(await searchIds('superseded')).toEqual([firstId]);
      const current = await searchIds('current');
      expect(current).toContain(newId);
      expect(current).not.toContain(firstId);
      const stored = await t.host.database.pool.query<{ replaces: string | null; unique_id: string }>('SELECT replaces, unique_id FROM document WHERE id = $1', [newId]);
      expect(stored.rows[0]).toEqual({ replaces: firstId, unique_id: 'urn:oid:1.2.250.1.213.1.4.8.99999.3' });
    });

    it('ITI-105 publication simplifiée: 201 with the DocumentReference, class and confidentiality derived', async () => {
      const documentsBefore = await documentRows();
      const response = await author.request('POST', '/fhir/DocumentReference', { body: correctedPublicationSimplifiee() });
      expect(response.status, JSON.stringify(response.json)).toBe(201);
      expect(response.json).toMatchObject({ resourceType: 'DocumentReference', status: 'current', masterIdentifier: { value: 'urn:oid:1.2.250.1.213.1.4.8.99999.1' } });
      const id = String(response.json.id);
      expect(response.headers.location).toMatch(new RegExp(`/fhir/DocumentReference/${id}$`));
      expect(await documentRows()).toBe(documentsBefore + 1);
      const row = await t.host.database.pool.query('SELECT class_code, confidentiality, size::int AS size, sha1 FROM document WHERE id = $1', [id]);
      expect(row.rows[0]).toEqual({ class_code: '10', confidentiality: ['N'], size: 80, sha1: 'A/hMRrv6Y15BjSM8kMLidrz+mHc=' });
      expect(await searchIds('current')).toContain(id);
    });
  });
});
