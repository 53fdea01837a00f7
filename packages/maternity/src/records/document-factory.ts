import type { MaternityContext } from '../context.js';
import {
  buildCraDocument,
  buildCroDocument,
  buildLdlSesDocument,
  buildObpSnmDocument,
  type CaesareanOperation,
  type Delivery,
  type Discharge,
  type DocumentHeaderInput,
  type DocumentMetadata,
  type Newborn,
  type Professional,
} from '../documents/index.js';
import { organisationOf, patientIdentityOf } from './document-sources.js';
import { zonedIso } from './local-time.js';
import type { DocumentKind } from './documents.js';
import type { PatientRecord } from './patients.js';
import type { StayRecord } from './stays.js';

/** The identity of the next version of a document: new unique id, its set, what it replaces. */
export interface DocumentVersioning {
  readonly documentId: string;
  readonly setId: string;
  readonly version: number;
  readonly replaces?: { readonly id: string; readonly uniqueId: string };
}

/** A generated document: the CDA, its PDF for the patient, the metadata the DMP deposit needs. */
export interface GeneratedDocument {
  readonly kind: DocumentKind;
  readonly xml: string;
  readonly pdf: Uint8Array;
  readonly metadata: DocumentMetadata;
}

interface Common {
  readonly ctx: MaternityContext;
  readonly stay: StayRecord;
  readonly mother: PatientRecord;
  readonly author: Professional;
  readonly validatedAt: string;
  readonly kinds: readonly DocumentKind[];
  readonly versioning: ReadonlyMap<DocumentKind, DocumentVersioning>;
}

type Sources = { readonly delivery: Delivery } | { readonly operation: CaesareanOperation; readonly newborns: readonly Newborn[] } | { readonly discharge: Discharge };

/** The header of one document: ids and version, author and validator, custodian, the stay. */
function header(common: Common, kind: DocumentKind, end: string | undefined): DocumentHeaderInput {
  const v = common.versioning.get(kind);
  if (!v) throw new Error(`no versioning for ${kind}`);
  const signed = { professional: common.author, time: zonedIso(common.validatedAt) };
  return {
    id: { root: v.documentId },
    setId: { root: v.setId },
    version: v.version,
    ...(v.replaces ? { replaces: { root: v.replaces.uniqueId.replace(/^urn:oid:/, '') } } : {}),
    effectiveTime: zonedIso(common.validatedAt),
    confidentiality: 'N',
    author: signed,
    legalAuthenticator: signed,
    custodian: organisationOf(common.ctx.identity),
    encounter: {
      start: zonedIso(common.stay.admittedAt),
      ...(end ? { end: zonedIso(end) } : {}),
      facilityType: common.ctx.identity.facilityType,
      practiceSetting: common.ctx.identity.practiceSetting,
      responsible: common.author,
      stayId: common.stay.id,
    },
    language: 'fr-FR',
  };
}

/** Builds the documents of a report (pure: everything is given). */
export async function generateDocuments(input: Common & Sources): Promise<GeneratedDocument[]> {
  const patient = patientIdentityOf(input.mother);
  const built = input.kinds.map(async (kind): Promise<GeneratedDocument> => {
    if (kind === 'CRA' && 'delivery' in input) {
      return { kind, ...(await buildCraDocument({ header: header(input, kind, input.delivery.deliveryTime), patient, delivery: input.delivery })) };
    }
    if (kind === 'OBP_SNM' && 'delivery' in input) {
      return { kind, ...(await buildObpSnmDocument({ header: header(input, kind, input.delivery.deliveryTime), patient, delivery: input.delivery })) };
    }
    if (kind === 'CRO' && 'operation' in input) {
      return { kind, ...(await buildCroDocument({ header: header(input, kind, input.operation.end), patient, operation: input.operation, newborns: input.newborns })) };
    }
    if (kind === 'LDL' && 'discharge' in input) {
      return { kind, ...(await buildLdlSesDocument({ header: header(input, kind, input.discharge.discharge), patient, discharge: input.discharge })) };
    }
    throw new Error(`cannot build ${kind} from this report`);
  });
  return Promise.all(built);
}
