import { parseInsToken } from '@dmp/core';
import { FhirError, IssueCollector } from '../fhir/fhir-error.js';
import { parseDateBound, type DateBound, type DocumentFilters } from '../records/document-search.js';

/** Query string values as Fastify gives them. */
export type Query = Record<string, string | string[] | undefined>;

const DOCUMENT_PARAMS = new Set([
  'patient.identifier', 'patient', 'status', 'type', 'category', 'date', 'period', 'author.given', 'author.family',
  'security-label', 'format', 'facility', 'setting', 'identifier', '_count', '_offset', '_format',
]);

/** All values of a parameter, comma-separated values split (FHIR "or"). */
function values(query: Query, name: string): string[] {
  const raw = query[name];
  const all = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return all.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v.length > 0);
}

/** Token values with the system dropped (`system|code` or `code`). */
function codes(query: Query, name: string): string[] | undefined {
  const found = values(query, name).map((v) => (v.includes('|') ? v.slice(v.indexOf('|') + 1) : v));
  return found.length > 0 ? found : undefined;
}

/** The patient of a search: `patient.identifier=system|NIR` (PDSm). Checks the NIR key. */
export function patientOf(query: Query, issues: IssueCollector): string | undefined {
  const tokens = values(query, 'patient.identifier');
  if (tokens.length !== 1) {
    issues.add('required', 'the search needs exactly one patient.identifier=urn:oid:1.2.250.1.213.1.4.8|NIR', 'patient.identifier');
    return undefined;
  }
  const parsed = parseInsToken(tokens[0]!);
  if (!parsed.ok) {
    issues.add('value', `patient.identifier: ${parsed.reason}`, 'patient.identifier');
    return undefined;
  }
  return parsed.ins.value;
}

/** Paging: `_count` (default 20, from 1, at most 100) and `_offset`. */
export function pageOf(query: Query, issues: IssueCollector): { count: number; offset: number } {
  const count = values(query, '_count')[0];
  const offset = values(query, '_offset')[0];
  const page = { count: 20, offset: 0 };
  if (count !== undefined) {
    // _count=0 would page by 0 forever (next = self); at least 1
    if (!/^\d{1,4}$/.test(count) || Number(count) < 1) issues.add('value', '_count must be a whole number, at least 1 (a page holds at most 100)', '_count');
    else page.count = Math.min(100, Number(count));
  }
  if (offset !== undefined) {
    if (!/^\d{1,7}$/.test(offset)) issues.add('value', '_offset must be a whole number', '_offset');
    else page.offset = Number(offset);
  }
  return page;
}

/** Parses the ITI-67 parameters (DESIGN.md §3) into filters; unknown parameters are refused. */
export function parseDocumentQuery(query: Query): { filters: DocumentFilters; page: { count: number; offset: number } } {
  const issues = new IssueCollector();
  for (const name of Object.keys(query)) {
    if (!DOCUMENT_PARAMS.has(name)) issues.add('not-supported', `search parameter ${name} is not supported`, name);
  }
  const ins = patientOf(query, issues);
  const statusValues = values(query, 'status');
  const statuses: DocumentFilters['statuses'][number][] = [];
  let includeArchived = false;
  for (const status of statusValues.length > 0 ? statusValues : ['current']) {
    if (status === 'current' || status === 'superseded' || status === 'entered-in-error') statuses.push(status);
    else if (status === 'archived') includeArchived = true;
    else issues.add('value', `status ${status} is not current, superseded or entered-in-error`, 'status');
  }
  if (statuses.length === 0) statuses.push('current');
  const bounds = (name: string): DateBound[] =>
    values(query, name).flatMap((value) => {
      const bound = parseDateBound(value);
      if (!bound) issues.add('value', `${name}=${value} is not a FHIR date search value`, name);
      return bound ? [bound] : [];
    });
  const date = bounds('date');
  const period = bounds('period');
  const page = pageOf(query, issues);
  issues.throwIfAny(400);
  const optional = <T>(key: string, value: T | undefined) => (value === undefined ? {} : { [key]: value });
  return {
    filters: {
      ins: ins!,
      statuses,
      includeArchived,
      date,
      period,
      ...optional('typeCodes', codes(query, 'type')),
      ...optional('classCodes', codes(query, 'category')),
      ...optional('formatCodes', codes(query, 'format')),
      ...optional('facilityTypes', codes(query, 'facility')),
      ...optional('practiceSettings', codes(query, 'setting')),
      ...optional('securityLabels', codes(query, 'security-label')),
      ...optional('uniqueIds', codes(query, 'identifier')),
      ...optional('authorGiven', values(query, 'author.given')[0]),
      ...optional('authorFamily', values(query, 'author.family')[0]),
    },
    page,
  };
}

/** The `identifier` of a conditional request (`DocumentReference?identifier=...`), exactly one. */
export function conditionalIdentifier(query: Query): string {
  const found = codes(query, 'identifier');
  if (!found || found.length !== 1 || Object.keys(query).some((k) => k !== 'identifier')) {
    throw FhirError.of(412, 'invalid', 'a conditional PATCH takes exactly one identifier=... and nothing else');
  }
  return found[0]!;
}
