import { typeLabel } from '@dmp/core';
import { list, text } from '../fhir/json-access.js';
import type { DocumentRow } from '../records/document-presenter.js';
import type { DocumentSummary } from './api-contract.js';
import { PROFESSIONS } from './history-sentences.js';
import { partOf } from './record-parts.js';

type Row = DocumentRow & { type_code: string; class_code: string };

/** The author as the portal names them, from the DocumentReference's contained resources. */
export function authorOf(resource: Record<string, unknown>): DocumentSummary['author'] {
  const contained = list(resource, 'contained');
  const practitioner = contained.find((r) => text(r, 'resourceType') === 'Practitioner');
  const organization = contained.find((r) => text(r, 'resourceType') === 'Organization');
  const role = contained.find((r) => text(r, 'resourceType') === 'PractitionerRole');
  const name = list(practitioner, 'name')[0];
  const given = list(name, 'given').filter((g): g is string => typeof g === 'string').join(' ');
  const family = text(name, 'family') ?? '';
  const professionCode = list(role, 'code')
    .flatMap((c) => list(c, 'coding'))
    .map((c) => text(c, 'code'))
    .find((c): c is string => Boolean(c));
  const display = `${given} ${family.charAt(0)}${family.slice(1).toLowerCase()}`.trim();
  const structure = text(organization, 'name');
  const profession = professionCode ? PROFESSIONS[professionCode]?.fr : undefined;
  return {
    name: display || 'Auteur non renseigné',
    ...(profession ? { profession } : {}),
    ...(structure ? { structure } : {}),
  };
}

/** A stored document as the portal lists it. */
export function documentSummary(row: Row): DocumentSummary {
  const attachment = list(row.resource, 'content').map((c) => (c as { attachment?: unknown }).attachment)[0];
  const date = text(row.resource, 'date');
  const patientDeposited = row.type_code.startsWith('DOCPAT') || row.type_code.startsWith('EXPPAT');
  return {
    id: row.id,
    title: text(attachment, 'title') ?? typeLabel(row.type_code) ?? row.type_code,
    typeCode: row.type_code,
    typeLabel: typeLabel(row.type_code) ?? row.type_code,
    classCode: row.class_code,
    part: partOf(row.type_code, row.class_code),
    ...(date ? { date: new Date(date).toISOString() } : {}),
    author: patientDeposited ? { name: 'Vous' } : authorOf(row.resource),
    mimeType: row.mime_type,
    size: Number(row.size),
    maskedFromProfessionals: row.visibility.includes('MASQUE_PS'),
    status: row.status,
    archived: row.archived,
  };
}
