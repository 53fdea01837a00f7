/**
 * A SearchScope evaluated against one document in memory. `decide` uses it for single-document
 * actions, so a read and a search can never disagree; the same function can filter documents named in
 * notifications, messages and the access history ("hidden from someone is hidden everywhere").
 */
import { passesFilter } from './habilitation-matrix.js';
import { RULE, type RuleName } from './rules.js';
import type { DocumentAccessState, SearchScope, VisibilityFlag } from './types.js';

/** The rule that hides a document carrying a visibility flag. */
const RULE_FOR_FLAG: Readonly<Record<VisibilityFlag, RuleName>> = {
  MASQUE_PS: RULE.maskedToProfessionals,
  INVISIBLE_PATIENT: RULE.invisibleToPatient,
  INVISIBLE_REPRESENTANTS_LEGAUX: RULE.invisibleToLegalRepresentatives,
};

export interface Exclusion {
  readonly rule: RuleName | string;
  readonly reason: string;
}

/**
 * Why a scope excludes a document (the first clause it fails: the scope itself, then visibility
 * flags, then habilitation), or `undefined` when the document is in scope.
 */
export function scopeExclusion(scope: SearchScope, document: DocumentAccessState): Exclusion | undefined {
  if (scope.kind === 'none') return { rule: scope.rule, reason: scope.reason };
  const exempt = scope.unlessAuthor !== undefined && scope.unlessAuthor === document.authorId;
  if (!exempt) {
    const flag = scope.hiddenFlags.find((f) => document.visibility.has(f));
    if (flag) return { rule: RULE_FOR_FLAG[flag], reason: `document flagged ${flag}` };
  }
  if (!passesFilter(scope, document.typeCode, document.classCode)) {
    return { rule: RULE.habilitation, reason: `profession may not read type ${document.typeCode} (class ${document.classCode})` };
  }
  return undefined;
}

/** Whether a document is one the scope lets its holder see. */
export function documentInScope(scope: SearchScope, document: DocumentAccessState): boolean {
  return scopeExclusion(scope, document) === undefined;
}
