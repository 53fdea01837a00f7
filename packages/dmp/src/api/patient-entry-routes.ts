import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HostServices, RequestContext } from '../context.js';
import { FhirError, IssueCollector } from '../fhir/fhir-error.js';
import type { Bundle, BundleEntry } from '../fhir/fhir-types.js';
import type { EntryKind, StructuredEntry } from '../portal/api-contract.js';
import { listEntries } from '../portal/patient-entries.js';
import { patientOf, type Query } from './search-params.js';

/**
 * What the patient records as structured data, for the professionals who may read the record
 * (DOMAIN.md §2: "visible to authorised professionals like a document, and audited the same way"):
 * pathologies as Condition, allergies as AllergyIntolerance, emergency contacts as RelatedPerson,
 * advance directives as Consent. Searches by `patient.identifier`, under the FHIR API's authentication.
 */
export async function registerPatientEntryRoutes(app: FastifyInstance, options: { services: HostServices; context: (request: FastifyRequest) => RequestContext }): Promise<void> {
  const route = (resourceType: string, kind: EntryKind, present: (entry: StructuredEntry, patient: { reference: string }) => Record<string, unknown>) =>
    app.get(`/${resourceType}`, async (request, reply) => {
      const query = request.query as Query;
      const issues = new IssueCollector();
      for (const name of Object.keys(query)) if (name !== 'patient.identifier') issues.add('not-supported', `search parameter ${name} is not supported`, name);
      const ins = patientOf(query, issues);
      issues.throwIfAny(400);
      const ctx = options.context(request);
      if (ctx.assertedPatient !== undefined && ctx.assertedPatient !== ins) throw FhirError.of(403, 'forbidden', 'the assertion names another patient');
      const entries = await listEntries(ctx, options.services, ins!, kind);
      const patient = { reference: `Patient?identifier=urn:oid:1.2.250.1.213.1.4.8|${ins!}` };
      const bundle: Bundle = {
        resourceType: 'Bundle',
        type: 'searchset',
        total: entries.length,
        entry: entries.map((entry) => ({ fullUrl: `${options.services.fhirBase}/${resourceType}/${entry.id}`, resource: { resourceType, ...present(entry, patient) } as BundleEntry['resource'], search: { mode: 'match' } })),
      };
      return reply.type('application/fhir+json').send(bundle);
    });

  const recorded = (entry: StructuredEntry) => ({ id: entry.id, meta: { lastUpdated: entry.recordedAt } });
  route('Condition', 'pathology', (entry, patient) => ({
    ...recorded(entry),
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'problem-list-item' }] }],
    code: { text: entry.label },
    subject: patient,
    ...(entry.date ? { onsetDateTime: entry.date } : {}),
    ...(entry.detail ? { note: [{ text: entry.detail }] } : {}),
    recordedDate: entry.recordedAt,
  }));
  route('AllergyIntolerance', 'allergy', (entry, patient) => ({
    ...recorded(entry),
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }] },
    code: { text: entry.label },
    patient,
    ...(entry.detail ? { reaction: [{ manifestation: [{ text: entry.detail }] }] } : {}),
    recordedDate: entry.recordedAt,
  }));
  route('RelatedPerson', 'emergency-contact', (entry, patient) => ({
    ...recorded(entry),
    patient,
    name: [{ text: entry.label }],
    ...(entry.detail ? { relationship: [{ text: entry.detail }] } : {}),
    ...(entry.phone ? { telecom: [{ system: 'phone', value: entry.phone }] } : {}),
  }));
  route('Consent', 'advance-directive', (entry, patient) => ({
    ...recorded(entry),
    status: 'active',
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'adr' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '75320-2', display: 'Advance directive' }] }],
    patient,
    ...(entry.date ? { dateTime: entry.date } : {}),
    sourceAttachment: { contentType: 'text/plain', title: entry.label, ...(entry.text ? { data: Buffer.from(entry.text).toString('base64') } : {}) },
  }));
}
