import { createHash, randomUUID } from 'node:crypto';

/**
 * Builds PDSm resources (IHE MHD as profiled by the ANS) the way professional software sends them:
 * a DocumentReference with its author as contained PractitionerRole/Practitioner/Organization, and
 * the ITI-65 transaction Bundle around it. Used by the maternity connector, the demo, the tests and
 * the benchmark, so all of them speak the same wire format.
 */
export interface PdsmAuthor {
  /** idNat_PS: `8` + RPPS. */
  readonly nationalId: string;
  /** TRE_G15 profession code. */
  readonly profession: string;
  /** J01 code, e.g. `G15_10/SM26`. */
  readonly specialty?: string;
  readonly familyName?: string;
  readonly givenName?: string;
  /** idNat_Struct: `1` + FINESS, ... */
  readonly structureId?: string;
  readonly structureName?: string;
}

export interface PdsmDocument {
  /** INS (NIR) of the patient, with its OID (default INS-NIR). */
  readonly ins: string;
  readonly insOid?: string;
  /** masterIdentifier; generated as an OID-based uid when absent. */
  readonly uniqueId?: string;
  readonly type: { readonly code: string; readonly display?: string; readonly system?: string };
  readonly classCode: string;
  readonly formatCode: string;
  readonly author: PdsmAuthor;
  /** J02 code, e.g. `SA01`. */
  readonly facilityType: string;
  /** J04 code, e.g. `ETABLISSEMENT`. */
  readonly practiceSetting: string;
  readonly title: string;
  readonly mimeType: string;
  readonly content: Buffer;
  readonly date?: string;
  readonly period?: { readonly start?: string; readonly end?: string };
  /** HL7 N/R/V; default N. */
  readonly confidentiality?: string;
  readonly visibility?: readonly string[];
  /** id of the DocumentReference this one replaces. */
  readonly replaces?: string;
  readonly language?: string;
}

const SYSTEM = {
  idNatPs: 'urn:oid:1.2.250.1.71.4.2.1',
  idNatStruct: 'urn:oid:1.2.250.1.71.4.2.2',
  g15: 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante',
  j01: 'urn:oid:1.2.250.1.213.1.1.4.5',
  classes: 'https://mos.esante.gouv.fr/NOS/TRE_A03-ClasseDocument/FHIR/TRE-A03-ClasseDocument',
  confidentiality: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality',
  visibility: 'https://mos.esante.gouv.fr/NOS/TRE_A07-StatutVisibiliteDocument/FHIR/TRE-A07-StatutVisibiliteDocument',
  facility: 'urn:oid:1.2.250.1.71.4.2.4',
  practice: 'urn:oid:1.2.250.1.213.1.1.4.9',
  formatAns: 'https://mos.esante.gouv.fr/NOS/TRE_A06-FormatCodeComplementaire/FHIR/TRE-A06-FormatCodeComplementaire',
  formatIhe: 'http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode',
  mhdListTypes: 'https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes',
} as const;

/** IHE format codes (`urn:ihe:...`) live in IHE's code system; the ANS ones in TRE_A06. */
function formatSystemOf(code: string): string {
  return code.startsWith('urn:ihe:') ? SYSTEM.formatIhe : SYSTEM.formatAns;
}

/** A unique id for a document or submission set: an OID arc below a root, from a UUID. */
export function newUniqueId(root = '2.25'): string {
  return `${root}.${BigInt(`0x${randomUUID().replaceAll('-', '')}`).toString()}`;
}

/** Options the caller may override for systems whose OIDs differ between lists. */
export interface BuildOptions {
  readonly facilitySystem?: string;
  readonly practiceSystem?: string;
  readonly formatSystem?: string;
}

/** The DocumentReference of a PDSm deposit; `inline` puts the content in `attachment.data` (ITI-105). */
export function buildDocumentReference(doc: PdsmDocument, contentUrl: string | undefined, options: BuildOptions = {}): Record<string, unknown> {
  const author = doc.author;
  const ins = `${doc.insOid ?? 'urn:oid:1.2.250.1.213.1.4.8'}|${doc.ins}`;
  const sha1 = createHash('sha1').update(doc.content).digest('base64');
  return {
    resourceType: 'DocumentReference',
    meta: { profile: ['https://interop.esante.gouv.fr/ig/fhir/pdsm/StructureDefinition/pdsm-comprehensive-document-reference'] },
    contained: [
      {
        resourceType: 'Practitioner',
        id: 'author',
        identifier: [{ system: SYSTEM.idNatPs, value: author.nationalId }],
        ...(author.familyName || author.givenName ? { name: [{ ...(author.familyName ? { family: author.familyName } : {}), ...(author.givenName ? { given: [author.givenName] } : {}) }] } : {}),
      },
      ...(author.structureId ? [{ resourceType: 'Organization', id: 'author-org', identifier: [{ system: SYSTEM.idNatStruct, value: author.structureId }], ...(author.structureName ? { name: author.structureName } : {}) }] : []),
      {
        resourceType: 'PractitionerRole',
        id: 'author-role',
        practitioner: { reference: '#author' },
        ...(author.structureId ? { organization: { reference: '#author-org' } } : {}),
        code: [{ coding: [{ system: SYSTEM.g15, code: author.profession }] }],
        ...(author.specialty ? { specialty: [{ coding: [{ system: SYSTEM.j01, code: author.specialty }] }] } : {}),
      },
    ],
    masterIdentifier: { system: 'urn:ietf:rfc:3986', value: doc.uniqueId ?? `urn:oid:${newUniqueId()}` },
    status: 'current',
    type: { coding: [{ system: doc.type.system ?? 'http://loinc.org', code: doc.type.code, ...(doc.type.display ? { display: doc.type.display } : {}) }] },
    category: [{ coding: [{ system: SYSTEM.classes, code: doc.classCode }] }],
    subject: { reference: `Patient?identifier=${ins}` },
    date: doc.date ?? new Date().toISOString(),
    author: [{ reference: '#author-role' }],
    securityLabel: [
      { coding: [{ system: SYSTEM.confidentiality, code: doc.confidentiality ?? 'N' }] },
      ...(doc.visibility ?? []).map((code) => ({ coding: [{ system: SYSTEM.visibility, code }] })),
    ],
    ...(doc.replaces ? { relatesTo: [{ code: 'replaces', target: { reference: `DocumentReference/${doc.replaces}` } }] } : {}),
    content: [
      {
        attachment: {
          contentType: doc.mimeType,
          language: doc.language ?? 'fr-FR',
          ...(contentUrl ? { url: contentUrl } : { data: doc.content.toString('base64') }),
          size: doc.content.length,
          hash: sha1,
          title: doc.title,
          creation: doc.date ?? new Date().toISOString(),
        },
        format: { system: options.formatSystem ?? formatSystemOf(doc.formatCode), code: doc.formatCode },
      },
    ],
    context: {
      ...(doc.period ? { period: doc.period } : {}),
      facilityType: { coding: [{ system: options.facilitySystem ?? SYSTEM.facility, code: doc.facilityType }] },
      practiceSetting: { coding: [{ system: options.practiceSystem ?? SYSTEM.practice, code: doc.practiceSetting }] },
    },
  };
}

/** An ITI-65 transaction Bundle: one SubmissionSet List, the DocumentReferences and their Binaries. */
export function buildProvideBundle(docs: readonly PdsmDocument[], options: BuildOptions & { submissionSetId?: string; sourceId?: string } = {}): Record<string, unknown> {
  if (docs.length === 0) throw new RangeError('a submission holds at least one document');
  const first = docs[0]!;
  const entries = docs.map((doc) => {
    const docUrl = `urn:uuid:${randomUUID()}`;
    const binaryUrl = `urn:uuid:${randomUUID()}`;
    return { doc, docUrl, binaryUrl };
  });
  const setUrl = `urn:uuid:${randomUUID()}`;
  const ins = `${first.insOid ?? 'urn:oid:1.2.250.1.213.1.4.8'}|${first.ins}`;
  return {
    resourceType: 'Bundle',
    meta: { profile: ['https://interop.esante.gouv.fr/ig/fhir/pdsm/StructureDefinition/pdsm-comprehensive-provide-document-bundle'] },
    type: 'transaction',
    entry: [
      {
        fullUrl: setUrl,
        resource: {
          resourceType: 'List',
          meta: { profile: ['https://interop.esante.gouv.fr/ig/fhir/pdsm/StructureDefinition/pdsm-submissionset-comprehensive'] },
          extension: [
            { url: 'https://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-sourceId', valueIdentifier: { system: 'urn:ietf:rfc:3986', value: options.sourceId ?? 'urn:oid:1.2.250.1.213.1.1.9' } },
          ],
          identifier: [{ use: 'usual', system: 'urn:ietf:rfc:3986', value: options.submissionSetId ?? `urn:oid:${newUniqueId()}` }],
          status: 'current',
          mode: 'working',
          code: { coding: [{ system: SYSTEM.mhdListTypes, code: 'submissionset' }] },
          subject: { reference: `Patient?identifier=${ins}` },
          date: new Date().toISOString(),
          entry: entries.map((e) => ({ item: { reference: e.docUrl } })),
        },
        request: { method: 'POST', url: 'List' },
      },
      ...entries.flatMap((e) => [
        { fullUrl: e.docUrl, resource: buildDocumentReference(e.doc, e.binaryUrl, options), request: { method: 'POST', url: 'DocumentReference' } },
        { fullUrl: e.binaryUrl, resource: { resourceType: 'Binary', contentType: e.doc.mimeType, data: e.doc.content.toString('base64') }, request: { method: 'POST', url: 'Binary' } },
      ]),
    ],
  };
}
