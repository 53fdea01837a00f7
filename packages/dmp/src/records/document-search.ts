import type { SearchScope } from '../access/types.js';

/** Filters of an ITI-67 search, already parsed and checked. */
export interface DocumentFilters {
  readonly ins: string;
  /** Statuses asked for (`current` by default); `archived` is not a status but the archive extension. */
  readonly statuses: readonly ('current' | 'superseded' | 'entered-in-error')[];
  readonly includeArchived: boolean;
  readonly typeCodes?: readonly string[];
  readonly classCodes?: readonly string[];
  readonly formatCodes?: readonly string[];
  readonly facilityTypes?: readonly string[];
  readonly practiceSettings?: readonly string[];
  readonly securityLabels?: readonly string[];
  readonly authorGiven?: string;
  readonly authorFamily?: string;
  readonly uniqueIds?: readonly string[];
  /** Bounds on DocumentReference.date: each `[operator, ISO instant]`. */
  readonly date: readonly DateBound[];
  /** Bounds on the service period. */
  readonly period: readonly DateBound[];
}

export interface DateBound {
  readonly op: 'eq' | 'ge' | 'gt' | 'le' | 'lt';
  /** Inclusive start and exclusive end of the instant range the FHIR value denotes. */
  readonly start: string;
  readonly end: string;
}

/** A parameterised SQL condition. */
export interface SqlWhere {
  readonly text: string;
  readonly values: unknown[];
}

/**
 * Builds the WHERE clause of a document search: the caller's filters AND the access scope, so
 * paging and totals count only what the caller may see (DESIGN.md §2.1).
 */
export function documentSearchWhere(filters: DocumentFilters, scope: Extract<SearchScope, { kind: 'documents' }>): SqlWhere {
  const values: unknown[] = [];
  const param = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  const clauses: string[] = [`d.ins = ${param(filters.ins)}`];
  clauses.push(`d.status = ANY(${param(filters.statuses)}::text[])`);
  if (!filters.includeArchived) clauses.push('NOT d.archived');
  if (filters.typeCodes) clauses.push(`d.type_code = ANY(${param(filters.typeCodes)}::text[])`);
  if (filters.classCodes) clauses.push(`d.class_code = ANY(${param(filters.classCodes)}::text[])`);
  if (filters.formatCodes) clauses.push(`d.format_code = ANY(${param(filters.formatCodes)}::text[])`);
  if (filters.facilityTypes) clauses.push(`d.facility_type = ANY(${param(filters.facilityTypes)}::text[])`);
  if (filters.practiceSettings) clauses.push(`d.practice_setting = ANY(${param(filters.practiceSettings)}::text[])`);
  if (filters.uniqueIds) clauses.push(`d.unique_id = ANY(${param(filters.uniqueIds)}::text[])`);
  if (filters.securityLabels) {
    const labels = param(filters.securityLabels);
    clauses.push(`(d.confidentiality && ${labels}::text[] OR d.visibility && ${labels}::text[])`);
  }
  if (filters.authorGiven) clauses.push(`lower(d.author_given) LIKE ${param(`${escapeLike(filters.authorGiven.toLowerCase())}%`)}`);
  if (filters.authorFamily) clauses.push(`lower(d.author_family) LIKE ${param(`${escapeLike(filters.authorFamily.toLowerCase())}%`)}`);
  for (const bound of filters.date) clauses.push(dateClause('d.document_date', 'd.document_date', bound, param));
  for (const bound of filters.period) clauses.push(dateClause('d.period_start', 'coalesce(d.period_end, d.period_start)', bound, param));

  // access scope
  if (scope.hiddenFlags.length > 0) {
    const hidden = `d.visibility && ${param(scope.hiddenFlags)}::text[]`;
    clauses.push(scope.unlessAuthor ? `(NOT (${hidden}) OR d.author_id = ${param(scope.unlessAuthor)})` : `NOT (${hidden})`);
  }
  if (scope.allowedTypeCodes) clauses.push(`d.type_code = ANY(${param(scope.allowedTypeCodes)}::text[])`);
  if (scope.excludedTypeCodes?.length) clauses.push(`d.type_code <> ALL(${param(scope.excludedTypeCodes)}::text[])`);
  if (scope.allowedClassCodes) clauses.push(`d.class_code = ANY(${param(scope.allowedClassCodes)}::text[])`);
  if (scope.excludedClassCodes?.length) clauses.push(`d.class_code <> ALL(${param(scope.excludedClassCodes)}::text[])`);
  return { text: clauses.join(' AND '), values };
}

function dateClause(startColumn: string, endColumn: string, bound: DateBound, param: (v: unknown) => string): string {
  switch (bound.op) {
    case 'eq':
      return `(${startColumn} >= ${param(bound.start)} AND ${endColumn} < ${param(bound.end)})`;
    case 'ge':
      return `${endColumn} >= ${param(bound.start)}`;
    case 'gt':
      return `${endColumn} >= ${param(bound.end)}`;
    case 'le':
      return `${startColumn} < ${param(bound.end)}`;
    case 'lt':
      return `${startColumn} < ${param(bound.start)}`;
  }
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Parses a FHIR date search value (`ge2024-01-01`, `2024-03`, `lt2024-03-12T10:00:00+01:00`) into
 * a bound, or undefined when it is not one.
 */
export function parseDateBound(value: string): DateBound | undefined {
  const match = /^(eq|ge|gt|le|lt)?(\d{4}(?:-\d{2}(?:-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?)?)?)$/.exec(value);
  if (!match) return undefined;
  const op = (match[1] ?? 'eq') as DateBound['op'];
  const literal = match[2]!;
  const [year, month, day] = [literal.slice(0, 4), literal.slice(5, 7), literal.slice(8, 10)].map(Number) as [number, number, number];
  let start: Date;
  let end: Date;
  if (literal.length === 4) {
    start = new Date(Date.UTC(year, 0, 1));
    end = new Date(Date.UTC(year + 1, 0, 1));
  } else if (literal.length === 7) {
    if (month < 1 || month > 12) return undefined;
    start = new Date(Date.UTC(year, month - 1, 1));
    end = new Date(Date.UTC(year, month, 1));
  } else if (literal.length === 10) {
    start = new Date(Date.UTC(year, month - 1, day));
    if (start.getUTCDate() !== day) return undefined;
    end = new Date(Date.UTC(year, month - 1, day + 1));
  } else {
    const instant = Date.parse(literal);
    if (Number.isNaN(instant)) return undefined;
    start = new Date(instant);
    end = new Date(instant + 1000);
  }
  return { op, start: start.toISOString(), end: end.toISOString() };
}
