/**
 * CI-SIS entries (Volet Modèles de contenus CDA) used by the maternity's structured documents:
 * FR-Simple-Observation and its specialisations, FR-Acte, FR-Probleme, FR-Commentaire-ER,
 * FR-Observation-sur-la-grossesse, FR-Naissance, FR-Transfert-du-patient, FR-Traitement,
 * FR-Liste-des-allergies-et-hypersensibilites. Each takes the narrative ID it refers to.
 */
import { cd, cdValue, coded, CS, hl7Date, ivlTs, ts } from './cda-datatypes.js';
import { originalTextRef, textRef, type IdSource } from './cda-body.js';
import type { Coded, IsoDate, IsoDateTime, Organisation } from './document-inputs.js';
import { el, type XmlChild, type XmlElement } from './xml-writer.js';

const T = {
  simpleObservation: ['1.3.6.1.4.1.19376.1.5.3.1.4.13', '1.2.250.1.213.1.1.3.48'],
  pregnancyObservation: ['1.3.6.1.4.1.19376.1.5.3.1.4.13', '1.3.6.1.4.1.19376.1.5.3.1.4.13.5', '1.2.250.1.213.1.1.3.53'],
  procedureDone: ['2.16.840.1.113883.10.20.1.29', '1.3.6.1.4.1.19376.1.5.3.1.4.19', '1.2.250.1.213.1.1.3.62'],
  problem: ['2.16.840.1.113883.10.20.1.28', '1.3.6.1.4.1.19376.1.5.3.1.4.5', '1.2.250.1.213.1.1.3.37'],
  comment: ['2.16.840.1.113883.10.20.1.40', '1.3.6.1.4.1.19376.1.5.3.1.4.2', '1.2.250.1.213.1.1.3.32'],
} as const;

function templates(roots: readonly string[]): XmlElement[] {
  return roots.map((root) => el('templateId', { root }));
}

/** `<value xsi:type="INT">`. */
export function intValue(value: number): XmlElement {
  return el('value', { 'xsi:type': 'INT', value: String(value) });
}

/** `<value xsi:type="BL">`. */
export function boolValue(value: boolean): XmlElement {
  return el('value', { 'xsi:type': 'BL', value: String(value) });
}

/** `<value xsi:type="ST">`. */
export function stringValue(value: string): XmlElement {
  return el('value', { 'xsi:type': 'ST' }, value);
}

/** An observation: code, narrative ID, time and value. */
export interface ObservationSpec {
  readonly code: Coded;
  readonly ref: string;
  readonly time: IsoDate | IsoDateTime;
  readonly value: XmlElement;
  /** Specialisation template(s) after FR-Simple-Observation (e.g. 1.2.250.1.213.1.1.3.48.7). */
  readonly extraTemplates?: readonly string[];
  readonly negated?: boolean;
  readonly children?: XmlChild;
}

/** FR-Simple-Observation (1.2.250.1.213.1.1.3.48), optionally specialised. */
export function simpleObservation(ids: IdSource, spec: ObservationSpec): XmlElement {
  return el(
    'observation',
    { classCode: 'OBS', moodCode: 'EVN', negationInd: spec.negated === undefined ? undefined : String(spec.negated) },
    templates([...T.simpleObservation, ...(spec.extraTemplates ?? [])]),
    ids.nextId(),
    cd('code', spec.code),
    textRef(spec.ref),
    el('statusCode', { code: 'completed' }),
    el('effectiveTime', { value: hl7Date(spec.time) }),
    spec.value,
    spec.children,
  );
}

/** FR-Observation-sur-la-grossesse (1.2.250.1.213.1.1.3.53). */
export function pregnancyObservation(ids: IdSource, spec: ObservationSpec): XmlElement {
  return el(
    'observation',
    { classCode: 'OBS', moodCode: 'EVN', negationInd: spec.negated === undefined ? undefined : String(spec.negated) },
    templates(T.pregnancyObservation),
    ids.nextId(),
    cd('code', spec.code),
    textRef(spec.ref),
    el('statusCode', { code: 'completed' }),
    el('effectiveTime', { value: hl7Date(spec.time) }),
    spec.value,
    spec.children,
  );
}

/** FR-Commentaire-ER, as an `entryRelationship` (SUBJ, inverted). */
export function commentRelationship(ref: string, time: IsoDate | IsoDateTime): XmlElement {
  return el(
    'entryRelationship',
    { typeCode: 'SUBJ', inversionInd: 'true' },
    el(
      'act',
      { classCode: 'ACT', moodCode: 'EVN' },
      templates(T.comment),
      cd('code', coded('48767-8', CS.loinc, 'Commentaire')),
      textRef(ref),
      el('statusCode', { code: 'completed' }),
      el('effectiveTime', { value: hl7Date(time) }),
    ),
  );
}

/** FR-Acte (1.2.250.1.213.1.1.3.62) as performed, with an optional qualifier on its code. */
export function procedure(ids: IdSource, spec: { code: Coded; qualifier?: Coded; ref: string; time: IsoDate | IsoDateTime; comment?: XmlElement }): XmlElement {
  return el(
    'procedure',
    { classCode: 'PROC', moodCode: 'EVN', negationInd: 'false' },
    templates(T.procedureDone),
    ids.nextId(),
    cd('code', spec.code, spec.qualifier ? el('qualifier', {}, cd('value', spec.qualifier)) : undefined),
    textRef(spec.ref),
    el('statusCode', { code: 'completed' }),
    el('effectiveTime', { value: hl7Date(spec.time) }),
    spec.comment,
  );
}

/** FR-Probleme (1.2.250.1.213.1.1.3.37): `kind` is the SNOMED CT problem type, `value` the problem. */
export function problem(ids: IdSource, spec: { kind: Coded; value?: Coded; ref: string; time: IsoDate | IsoDateTime }): XmlElement {
  return el(
    'observation',
    { classCode: 'OBS', moodCode: 'EVN', negationInd: 'false' },
    templates(T.problem),
    ids.nextId(),
    cd('code', spec.kind),
    textRef(spec.ref),
    el('statusCode', { code: 'completed' }),
    el('effectiveTime', {}, el('low', { value: hl7Date(spec.time) })),
    spec.value ? cdValue(spec.value, originalTextRef(spec.ref)) : el('value', { 'xsi:type': 'CD', nullFlavor: 'OTH' }, originalTextRef(spec.ref)),
  );
}

/** FR-Statut-document (1.2.250.1.213.1.1.3.48.16), optionally with a model-specific template. */
export function documentStatus(ids: IdSource, spec: { status: Coded; ref: string; time: IsoDateTime; extraTemplates?: readonly string[] }): XmlElement {
  return simpleObservation(ids, {
    code: coded('GEN-065', CS.taAsip, 'Statut du document'),
    ref: spec.ref,
    time: spec.time,
    value: cdValue(spec.status),
    extraTemplates: ['1.2.250.1.213.1.1.3.48.16', ...(spec.extraTemplates ?? [])],
  });
}

/** FR-Transfert-du-patient (1.2.250.1.213.1.1.3.28) to `destination`. */
export function patientTransfer(ids: IdSource, spec: { ref: string; start: IsoDateTime; end: IsoDateTime; destination: Organisation; facilityType: Coded }): XmlElement {
  return el(
    'act',
    { classCode: 'ACT', moodCode: 'EVN' },
    templates(['1.3.6.1.4.1.19376.1.5.3.1.1.25.1.4.1', '1.2.250.1.213.1.1.3.28']),
    ids.nextId(),
    cd('code', coded('80413-8', CS.loinc, 'Transfert du patient')),
    textRef(spec.ref),
    el('statusCode', { code: 'completed' }),
    ivlTs('effectiveTime', spec.start, spec.end),
    el(
      'participant',
      { typeCode: 'DST' },
      el('templateId', { root: '1.2.250.1.71.4.2.2', extension: `1${spec.destination.finess}` }),
      el('participantRole', { classCode: 'SDLOC' }, el('id', { nullFlavor: 'UNK' }), cd('code', spec.facilityType), el('playingEntity', { classCode: 'ENT' }, el('name', {}, spec.destination.name))),
    ),
  );
}

/** A timestamp element (`effectiveTime value`). */
export function effectiveTime(value: IsoDate | IsoDateTime): XmlElement {
  return ts('effectiveTime', value);
}
