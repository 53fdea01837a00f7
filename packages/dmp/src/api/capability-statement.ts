/** The CapabilityStatement of the DMP host's FHIR API (`GET /fhir/metadata`). */
export function capabilityStatement(base: string): Record<string, unknown> {
  const search = (name: string, type: string, documentation?: string) => ({ name, type, ...(documentation ? { documentation } : {}) });
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-11-26',
    kind: 'instance',
    name: 'DMPHost',
    title: 'Dossier Médical Partagé: IHE MHD Document Responder and Recipient (PDSm)',
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'application/json'],
    patchFormat: ['application/json-patch+json', 'application/fhir+json'],
    implementation: { description: 'DMP host', url: base },
    instantiates: [
      'https://profiles.ihe.net/ITI/MHD/CapabilityStatement/IHE.MHD.DocumentRecipient',
      'https://profiles.ihe.net/ITI/MHD/CapabilityStatement/IHE.MHD.DocumentResponder',
    ],
    rest: [
      {
        mode: 'server',
        security: {
          description:
            'Mutual TLS with a CPS or establishment certificate of the IGC-Santé, plus on every request a JWT assertion (Authorization: Bearer) signed by the key of that certificate: sub, profession, specialty, structure, patient, mode (TRE_R248), reason, iat, exp, jti.',
        },
        interaction: [{ code: 'transaction', documentation: 'IHE ITI-65 Provide Document Bundle' }],
        resource: [
          {
            type: 'DocumentReference',
            interaction: [{ code: 'create', documentation: 'IHE ITI-105 Simplified Publish' }, { code: 'read' }, { code: 'search-type', documentation: 'IHE ITI-67' }, { code: 'patch' }],
            conditionalUpdate: false,
            searchParam: [
              search('patient.identifier', 'token', 'required: urn:oid:1.2.250.1.213.1.4.8|NIR'),
              search('status', 'token'),
              search('type', 'token'),
              search('category', 'token'),
              search('date', 'date'),
              search('period', 'date'),
              search('author.given', 'string'),
              search('author.family', 'string'),
              search('security-label', 'token'),
              search('format', 'token'),
              search('facility', 'token'),
              search('setting', 'token'),
              search('identifier', 'token'),
            ],
          },
          { type: 'Binary', interaction: [{ code: 'read', documentation: 'IHE ITI-68 Retrieve Document' }] },
          { type: 'List', interaction: [{ code: 'search-type', documentation: 'IHE ITI-66 (code=submissionset)' }], searchParam: [search('patient.identifier', 'token'), search('code', 'token')] },
          { type: 'Patient', interaction: [{ code: 'search-type', documentation: 'TD0.2: record status and the caller’s rights' }], searchParam: [search('identifier', 'token')] },
          { type: 'Practitioner', interaction: [{ code: 'read' }, { code: 'search-type', documentation: 'the health directory' }], searchParam: [search('name', 'string'), search('family', 'string'), search('given', 'string'), search('identifier', 'token')] },
          { type: 'PractitionerRole', interaction: [{ code: 'read' }, { code: 'search-type' }], searchParam: [search('practitioner.identifier', 'token'), search('organization.identifier', 'token'), search('role', 'token'), search('specialty', 'token'), search('address-city', 'string')] },
          { type: 'Organization', interaction: [{ code: 'read' }, { code: 'search-type' }], searchParam: [search('name', 'string'), search('identifier', 'token'), search('address-city', 'string'), search('type', 'token')] },
          ...['Condition', 'AllergyIntolerance', 'RelatedPerson', 'Consent'].map((type) => ({ type, interaction: [{ code: 'search-type', documentation: 'what the patient recorded' }], searchParam: [search('patient.identifier', 'token')] })),
          { type: 'AuditEvent', interaction: [{ code: 'search-type', documentation: 'IHE ITI-81: the access history' }], searchParam: [search('patient.identifier', 'token')] },
        ],
      },
    ],
  };
}
