/**
 * FHIR R4 OperationOutcome and the one error type that carries it (STYLE.md): commands throw
 * `FhirError`; the single error handler turns it into the HTTP status and body.
 */
export type IssueSeverity = 'fatal' | 'error' | 'warning' | 'information';

/** Issue types from http://hl7.org/fhir/issue-type used here. */
export type IssueType =
  | 'invalid'
  | 'structure'
  | 'required'
  | 'value'
  | 'invariant'
  | 'business-rule'
  | 'security'
  | 'login'
  | 'forbidden'
  | 'processing'
  | 'not-supported'
  | 'duplicate'
  | 'not-found'
  | 'conflict'
  | 'too-costly'
  | 'exception'
  | 'code-invalid'
  | 'informational';

export interface OperationOutcomeIssue {
  severity: IssueSeverity;
  code: IssueType;
  diagnostics?: string;
  expression?: string[];
  details?: { text: string };
}

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: OperationOutcomeIssue[];
}

/** An error answered to the client as an OperationOutcome with an HTTP status. */
export class FhirError extends Error {
  constructor(
    readonly status: number,
    readonly issues: OperationOutcomeIssue[],
  ) {
    super(issues.map((i) => i.diagnostics ?? i.code).join('; '));
    this.name = 'FhirError';
  }

  get outcome(): OperationOutcome {
    return { resourceType: 'OperationOutcome', issue: this.issues };
  }

  /** One error issue. */
  static of(status: number, code: IssueType, diagnostics: string, expression?: string): FhirError {
    return new FhirError(status, [{ severity: 'error', code, diagnostics, ...(expression ? { expression: [expression] } : {}) }]);
  }
}

/** An informational outcome (e.g. for a successful PATCH without returned resource). */
export function informational(diagnostics: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', diagnostics }] };
}

/** Collects validation issues and throws them together, so one answer names every problem. */
export class IssueCollector {
  readonly issues: OperationOutcomeIssue[] = [];

  add(code: IssueType, diagnostics: string, expression?: string): void {
    this.issues.push({ severity: 'error', code, diagnostics, ...(expression ? { expression: [expression] } : {}) });
  }

  get empty(): boolean {
    return this.issues.length === 0;
  }

  /** Throws a 422 (or `status`) with every issue collected, if any. */
  throwIfAny(status = 422): void {
    if (this.issues.length > 0) throw new FhirError(status, this.issues);
  }
}
