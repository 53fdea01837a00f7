import { ACCESS_MODES, isAccessMode } from '@dmp/core';
import { SYSTEM_PARTITION, type AuditActor, type AuditEntry, type AuditStructure } from './audit-entry.js';

/**
 * Presents audit entries as FHIR R4 AuditEvent resources: the patient's access history as IHE
 * ITI-81 (Retrieve ATNA Audit Event) returns it, `GET /fhir/AuditEvent?patient.identifier=...`.
 * https://hl7.org/fhir/R4/auditevent.html, https://profiles.ihe.net/ITI/BALP/
 */

/** The minimal FHIR R4 shapes this presenter writes. */
export interface FhirCoding {
  system?: string;
  code?: string;
  display?: string;
}
export interface FhirCodeableConcept {
  coding?: FhirCoding[];
  text?: string;
}
export interface FhirIdentifier {
  system?: string;
  value?: string;
}
export interface FhirReference {
  reference?: string;
  type?: string;
  identifier?: FhirIdentifier;
  display?: string;
}
export interface AuditEventAgent {
  type?: FhirCodeableConcept;
  role?: FhirCodeableConcept[];
  who?: FhirReference;
  name?: string;
  requestor: boolean;
}
export interface AuditEventEntity {
  what?: FhirReference;
  type?: FhirCoding;
  role?: FhirCoding;
  detail?: { type: string; valueString: string }[];
}
export interface AuditEventResource {
  resourceType: 'AuditEvent';
  id: string;
  extension?: { url: string; valueString: string }[];
  type: FhirCoding;
  subtype?: FhirCoding[];
  action?: 'C' | 'R' | 'U' | 'D' | 'E';
  recorded: string;
  outcome: '0' | '4' | '8' | '12';
  outcomeDesc?: string;
  purposeOfEvent?: FhirCodeableConcept[];
  agent: AuditEventAgent[];
  source: { site?: string; observer: FhirReference; type?: FhirCoding[] };
  entity?: AuditEventEntity[];
}

/** Code system of the host's own action codes (`document.read`, ...). */
export const AUDIT_ACTION_SYSTEM = 'urn:dmp:audit-action';
/** Extension carrying the reason stated for an event that concerns no patient. */
export const AUDIT_REASON_EXTENSION = 'urn:dmp:audit-reason';

const OID_INS_NIR = 'urn:oid:1.2.250.1.213.1.4.8';
const OID_PS_NATIONAL_ID = 'urn:oid:1.2.250.1.71.4.2.1';
const OID_STRUCTURE_NATIONAL_ID = 'urn:oid:1.2.250.1.71.4.2.2';
const OID_SPECIALTY = 'urn:oid:1.2.250.1.213.1.1.4.5';
const TRE_G15 = 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante';
const TRE_R248 = 'https://mos.esante.gouv.fr/NOS/TRE_R248-ModeAcces/FHIR/TRE-R248-ModeAcces';
const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const AUDIT_EVENT_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
const RESTFUL_INTERACTION = 'http://hl7.org/fhir/restful-interaction';
const ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
const SOURCE_TYPE = 'http://terminology.hl7.org/CodeSystem/security-source-type';
const ROLE_CLASS = 'http://terminology.hl7.org/CodeSystem/v3-RoleClass';


/** Each action's FHIR AuditEvent action code and, where one matches, its REST interaction. */
const ACTIONS: Readonly<Record<string, { action: 'C' | 'R' | 'U' | 'D' | 'E'; interaction?: string }>> = {
  'record.status': { action: 'R', interaction: 'search-type' },
  'record.create': { action: 'C', interaction: 'create' },
  'record.manage': { action: 'U' },
  'document.search': { action: 'E', interaction: 'search-type' },
  'document.read': { action: 'R', interaction: 'read' },
  'document.retrieve': { action: 'R', interaction: 'read' },
  'list.search': { action: 'E', interaction: 'search-type' },
  'entry.read': { action: 'R' },
  'document.deposit': { action: 'C', interaction: 'create' },
  'document.mask': { action: 'U', interaction: 'patch' },
  'document.unmask': { action: 'U', interaction: 'patch' },
  'document.set-visibility': { action: 'U', interaction: 'patch' },
  'document.archive': { action: 'U', interaction: 'patch' },
  'document.delete': { action: 'D', interaction: 'patch' },
  'history.read': { action: 'R', interaction: 'search-type' },
};

const OUTCOMES = { allowed: '0', denied: '4', error: '8' } as const;

export interface AuditEventOptions {
  /** The DMP host, as the `source.observer` of every event (e.g. its public host name; default `DMP`). */
  readonly observer?: string;
}

/** The FHIR id of an entry: its partition and sequence number (`_system` reads `system`). */
export function auditEventId(entry: Pick<AuditEntry, 'partition' | 'seq'>): string {
  return `${entry.partition === SYSTEM_PARTITION ? 'system' : entry.partition}-${entry.seq}`;
}

/** Presents one audit entry as a FHIR R4 AuditEvent (ITI-81). */
export function auditEventFromEntry(entry: AuditEntry, options: AuditEventOptions = {}): AuditEventResource {
  const observer = options.observer ?? 'DMP';
  // the patient's decisions (`record.authorise`, `record.block`, ...) are updates of the record
  const mapped = ACTIONS[entry.action] ?? (entry.action.startsWith('record.') ? ACTIONS['record.manage'] : undefined);
  const forPatient = entry.partition !== SYSTEM_PARTITION;
  const entities: AuditEventEntity[] = [];
  if (forPatient) {
    entities.push({
      what: { type: 'Patient', identifier: { system: OID_INS_NIR, value: entry.partition } },
      type: { system: ENTITY_TYPE, code: '1', display: 'Person' },
      role: { system: OBJECT_ROLE, code: '1', display: 'Patient' },
      ...(entry.reason === null ? {} : { detail: [{ type: 'reason', valueString: entry.reason }] }),
    });
  }
  if (entry.documentId !== null || entry.documentUniqueId !== null) {
    entities.push({
      what: {
        type: 'DocumentReference',
        ...(entry.documentId === null ? {} : { reference: `DocumentReference/${entry.documentId}` }),
        ...(entry.documentUniqueId === null ? {} : { identifier: masterIdentifier(entry.documentUniqueId) }),
      },
      type: { system: ENTITY_TYPE, code: '2', display: 'System Object' },
      role: { system: OBJECT_ROLE, code: '3', display: 'Report' },
    });
  }
  return {
    resourceType: 'AuditEvent',
    id: auditEventId(entry),
    ...(!forPatient && entry.reason !== null ? { extension: [{ url: AUDIT_REASON_EXTENSION, valueString: entry.reason }] } : {}),
    type: forPatient
      ? { system: DCM, code: '110110', display: 'Patient Record' }
      : { system: AUDIT_EVENT_TYPE, code: 'rest', display: 'RESTful Operation' },
    subtype: [
      { system: AUDIT_ACTION_SYSTEM, code: entry.action },
      ...(mapped?.interaction ? [{ system: RESTFUL_INTERACTION, code: mapped.interaction }] : []),
    ],
    action: mapped?.action ?? 'E',
    recorded: entry.recordedAt.toISOString(),
    outcome: OUTCOMES[entry.outcome],
    outcomeDesc: entry.rule,
    ...(entry.mode === null
      ? {}
      : { purposeOfEvent: [{ coding: [{ system: TRE_R248, code: entry.mode, ...displayOf(isAccessMode(entry.mode) ? ACCESS_MODES[entry.mode] : undefined) }] }] }),
    agent: agentsOf(entry.actor),
    source: {
      site: observer,
      observer: { display: observer },
      type: [{ system: SOURCE_TYPE, code: '4', display: 'Application Server' }],
    },
    ...(entities.length > 0 ? { entity: entities } : {}),
  };
}

function agentsOf(actor: AuditActor): AuditEventAgent[] {
  const name = [actor.givenName, actor.familyName].filter((part) => part !== undefined && part !== '').join(' ');
  const role: FhirCodeableConcept[] = [];
  if (actor.profession !== undefined) role.push({ coding: [{ system: TRE_G15, code: actor.profession }] });
  if (actor.specialty !== undefined) role.push({ coding: [{ system: OID_SPECIALTY, code: actor.specialty }] });
  const agents: AuditEventAgent[] = [
    {
      type: actorType(actor),
      ...(role.length > 0 ? { role } : {}),
      who: whoOf(actor, name),
      ...(name === '' ? {} : { name }),
      requestor: true,
    },
  ];
  for (const structure of [actor.structure, actor.establishment]) {
    if (structure) agents.push(structureAgent(structure));
  }
  if (actor.software !== undefined) {
    agents.push({
      type: { coding: [{ system: DCM, code: '110150', display: 'Application' }] },
      who: { display: actor.software },
      name: actor.software,
      requestor: false,
    });
  }
  return agents;
}

function actorType(actor: AuditActor): FhirCodeableConcept {
  const code = ACTOR_ROLE_CLASSES[actor.kind];
  return code ? { coding: [{ system: ROLE_CLASS, ...code }], text: actor.kind } : { text: actor.kind };
}

/** HL7 v3 RoleClass of the kinds of actors that have one. */
const ACTOR_ROLE_CLASSES: Readonly<Record<string, { code: string; display: string }>> = {
  professional: { code: 'PROV', display: 'healthcare provider' },
  patient: { code: 'PAT', display: 'patient' },
  'legal-representative': { code: 'GUARD', display: 'guardian' },
};

function whoOf(actor: AuditActor, name: string): FhirReference {
  const display = name === '' ? {} : { display: name };
  switch (actor.kind) {
    case 'professional':
      return { type: 'Practitioner', identifier: { system: OID_PS_NATIONAL_ID, value: actor.id }, ...display };
    case 'patient':
      return { type: 'Patient', identifier: { system: OID_INS_NIR, value: actor.id }, ...display };
    case 'legal-representative':
      return { type: 'RelatedPerson', identifier: { value: actor.id }, ...display };
    case 'other':
      return { display: actor.id };
    default:
      return { identifier: { value: actor.id }, display: name === '' ? actor.kind : name };
  }
}

function structureAgent(structure: AuditStructure): AuditEventAgent {
  return {
    type: { coding: [{ system: ROLE_CLASS, code: 'PROV', display: 'healthcare provider' }] },
    who: {
      type: 'Organization',
      identifier: { system: OID_STRUCTURE_NATIONAL_ID, value: structure.id },
      ...(structure.name === undefined ? {} : { display: structure.name }),
    },
    ...(structure.name === undefined ? {} : { name: structure.name }),
    requestor: false,
  };
}

function masterIdentifier(uniqueId: string): FhirIdentifier {
  return uniqueId.startsWith('urn:') ? { system: 'urn:ietf:rfc:3986', value: uniqueId } : { value: uniqueId };
}

function displayOf(display: string | undefined): { display?: string } {
  return display === undefined ? {} : { display };
}
