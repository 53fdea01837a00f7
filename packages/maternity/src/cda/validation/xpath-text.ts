/**
 * Small, careful text operations on XPath 2.0/3.1 expressions and XSLT patterns, as the Schematron
 * engine needs them: split at top level, parse a path pattern into steps, substitute abstract
 * pattern parameters, and redirect `doc()` / `document()` to preloaded documents.
 *
 * "Top level" means outside string literals, comments `(: :)` and brackets `()[]{}`.
 */

const NAME_START = /[A-Za-z_\u00C0-\u02FF\u0370-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]/;
const NAME_CHAR = /[-.0-9A-Za-z_\u00B7\u00C0-\u02FF\u0300-\u036F\u203F-\u2040\u0370-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]/;

export function isNameStart(ch: string | undefined): boolean {
  return ch !== undefined && NAME_START.test(ch);
}

export function isNameChar(ch: string | undefined): boolean {
  return ch !== undefined && NAME_CHAR.test(ch);
}

/**
 * Calls `visit(index, depth)` for each character outside string literals and comments (depth is
 * the bracket depth before the character). Fails on unbalanced brackets or an unterminated literal.
 */
export function scanTopLevel(expr: string, visit: (index: number, depth: number) => boolean | void): void {
  let depth = 0;
  let i = 0;
  while (i < expr.length) {
    const ch = expr[i] as string;
    if (ch === '"' || ch === "'") {
      // A literal; a doubled quote is an escaped quote.
      let j = i + 1;
      for (;;) {
        if (j >= expr.length) throw new Error(`unterminated string literal in: ${expr}`);
        if (expr[j] === ch) {
          if (expr[j + 1] === ch) j += 2;
          else break;
        } else j++;
      }
      i = j + 1;
      continue;
    }
    if (ch === '(' && expr[i + 1] === ':') {
      let nesting = 1;
      let j = i + 2;
      while (nesting > 0) {
        if (j >= expr.length) throw new Error(`unterminated comment in: ${expr}`);
        if (expr[j] === '(' && expr[j + 1] === ':') {
          nesting++;
          j += 2;
        } else if (expr[j] === ':' && expr[j + 1] === ')') {
          nesting--;
          j += 2;
        } else j++;
      }
      i = j;
      continue;
    }
    if (ch === '(' || ch === '[' || ch === '{') {
      if (visit(i, depth) === true) return;
      depth++;
      i++;
      continue;
    }
    if (ch === ')' || ch === ']' || ch === '}') {
      depth--;
      if (depth < 0) throw new Error(`unbalanced brackets in: ${expr}`);
      if (visit(i, depth) === true) return;
      i++;
      continue;
    }
    if (visit(i, depth) === true) return;
    i++;
  }
  if (depth !== 0) throw new Error(`unbalanced brackets in: ${expr}`);
}

/** Splits at top-level `|` (not `||`), trimming each part. */
export function splitUnion(expr: string): string[] {
  const cuts: number[] = [];
  scanTopLevel(expr, (i, depth) => {
    if (depth === 0 && expr[i] === '|' && expr[i + 1] !== '|' && expr[i - 1] !== '|') cuts.push(i);
  });
  const parts: string[] = [];
  let start = 0;
  for (const cut of cuts) {
    parts.push(expr.slice(start, cut).trim());
    start = cut + 1;
  }
  parts.push(expr.slice(start).trim());
  return parts;
}

/** Index of the bracket closing the one opened at `open`. */
export function matchingBracket(expr: string, open: number): number {
  const sub = expr.slice(open);
  let found = -1;
  scanTopLevel(sub, (i, depth) => {
    if (i > 0 && depth === 0 && (sub[i] === ')' || sub[i] === ']' || sub[i] === '}')) {
      found = i;
      return true;
    }
    return false;
  });
  if (found < 0) throw new Error(`no closing bracket at ${open} in: ${expr}`);
  return open + found;
}

/** One step of a path pattern. */
export interface PatternStep {
  /** The separator before the step: `/`, `//`, or `` for the first step of a relative pattern. */
  readonly separator: '' | '/' | '//';
  readonly axis: 'child' | 'attribute';
  /** The node test as written (`cda:code`, `*`, `*:x`, `p:*`, `node()`, `element(x)`...). */
  readonly test: string;
  /** Predicate expressions, without their brackets. */
  readonly predicates: readonly string[];
}

/** A path pattern: its steps, and whether it starts at the document node (`/x`). */
export interface PathPattern {
  readonly absolute: boolean;
  readonly steps: readonly PatternStep[];
}

const NCNAME = '[A-Za-z_][\\w.-]*';
const NODE_TEST = new RegExp(
  `^(?:\\*|\\*:${NCNAME}|${NCNAME}:\\*|${NCNAME}(?::${NCNAME})?|(?:node|text|comment|processing-instruction|element|attribute|document-node)\\s*\\([^()]*\\))$`,
);

/** Parses a step like `cda:entry[...][...]` or `@code`; undefined if the step is not a plain child/attribute step. */
function parseStep(text: string, separator: PatternStep['separator']): PatternStep | undefined {
  let rest = text.trim();
  let axis: PatternStep['axis'] = 'child';
  if (rest.startsWith('@')) {
    axis = 'attribute';
    rest = rest.slice(1).trimStart();
  } else if (rest.startsWith('attribute::')) {
    axis = 'attribute';
    rest = rest.slice('attribute::'.length).trimStart();
  } else if (rest.startsWith('child::')) {
    rest = rest.slice('child::'.length).trimStart();
  } else if (/^[\w-]+::/.test(rest)) {
    return undefined; // another axis (self::, descendant::...): not handled here
  }
  // The node test ends at the first top-level `[`.
  let bracket = -1;
  scanTopLevel(rest, (i, depth) => {
    if (depth === 0 && rest[i] === '[') {
      bracket = i;
      return true;
    }
    return false;
  });
  const test = (bracket < 0 ? rest : rest.slice(0, bracket)).trim();
  if (!NODE_TEST.test(test)) return undefined; // a function call (id(), key(), doc()), a variable, `.`...
  const predicates: string[] = [];
  let i = bracket;
  while (i >= 0 && i < rest.length) {
    if (rest[i] !== '[') {
      if (/\s/.test(rest[i] as string)) {
        i++;
        continue;
      }
      return undefined;
    }
    const close = matchingBracket(rest, i);
    predicates.push(rest.slice(i + 1, close));
    i = close + 1;
  }
  return { separator, axis, test, predicates };
}

/**
 * Parses one alternative of an XSLT pattern (no top-level `|`) into steps; undefined for anything
 * but a path of child/attribute steps (a lone `/`, function calls, variables, parentheses...).
 */
export function parsePathPattern(pattern: string): PathPattern | undefined {
  const text = pattern.trim();
  if (text === '' || text === '/') return undefined;
  const cuts: { index: number; length: 1 | 2 }[] = [];
  scanTopLevel(text, (i, depth) => {
    if (depth !== 0 || text[i] !== '/') return;
    if (text[i - 1] === '/') return; // second half of `//`
    cuts.push({ index: i, length: text[i + 1] === '/' ? 2 : 1 });
  });
  const steps: PatternStep[] = [];
  let start = 0;
  let separator: PatternStep['separator'] = '';
  let absolute = false;
  for (const cut of cuts) {
    const stepText = text.slice(start, cut.index);
    if (cut.index === 0) {
      absolute = cut.length === 1;
      separator = cut.length === 1 ? '/' : '//';
      start = cut.length;
      continue;
    }
    const step = parseStep(stepText, separator);
    if (step === undefined) return undefined;
    steps.push(step);
    separator = cut.length === 1 ? '/' : '//';
    start = cut.index + cut.length;
  }
  const last = parseStep(text.slice(start), separator);
  if (last === undefined) return undefined;
  steps.push(last);
  return { absolute, steps };
}

/**
 * Whether a predicate could select by position (a number, a variable, or a numeric function),
 * in which case `self::x[p]` is not the same as being one of `../x[p]`.
 */
export function mayBePositional(predicate: string): boolean {
  const p = predicate.trim();
  if (/\b(?:position|last)\s*\(/.test(p)) return true;
  let comparison = false;
  scanTopLevel(p, (i, depth) => {
    if (depth !== 0) return false;
    const rest = p.slice(i);
    if (/^(?:=|!=|<|>)/.test(rest) || /^\s(?:and|or|eq|ne|lt|le|gt|ge|is)\s/.test(rest)) {
      comparison = true;
      return true;
    }
    return false;
  });
  if (comparison) return false;
  if (/^[0-9.]/.test(p) || p.startsWith('$')) return true;
  if (/^(?:count|number|string-length|sum|avg|min|max|round|floor|ceiling|abs|index-of|xs:integer|xs:decimal|xs:double)\s*\(/.test(p)) return true;
  return /[+]|\s(?:div|mod|idiv)\s|\s-\s/.test(p);
}

/**
 * ISO Schematron abstract pattern expansion: each `$name` (not followed by a name character) is
 * replaced by the parameter's value, longest names first.
 */
export function substituteParameters(text: string, params: ReadonlyMap<string, string>): string {
  const names = [...params.keys()].sort((a, b) => b.length - a.length);
  let out = text;
  for (const name of names) {
    const value = params.get(name) as string;
    let result = '';
    let i = 0;
    const needle = `$${name}`;
    for (;;) {
      const at = out.indexOf(needle, i);
      if (at < 0) break;
      if (isNameChar(out[at + needle.length])) {
        result += out.slice(i, at + needle.length);
      } else {
        result += out.slice(i, at) + value;
      }
      i = at + needle.length;
    }
    out = result + out.slice(i);
  }
  return out;
}

/** Variable names referenced (`$name`) outside string literals and comments. */
export function variableReferences(expr: string): Set<string> {
  const names = new Set<string>();
  scanTopLevel(expr, (i) => {
    if (expr[i] !== '$') return;
    let j = i + 1;
    while (/\s/.test(expr[j] ?? '')) j++;
    if (!isNameStart(expr[j])) return;
    let k = j + 1;
    while (isNameChar(expr[k]) || (expr[k] === ':' && isNameStart(expr[k + 1]))) k++;
    names.add(expr.slice(j, k));
  });
  return names;
}

/** A call of `doc()` / `document()` found in an expression. */
export interface DocumentCall {
  readonly start: number;
  /** Index just after the closing parenthesis. */
  readonly end: number;
  readonly argument: string;
}

/** The top-level and nested calls of `doc(x)` and `document(x)` (one argument), outermost first. */
export function documentCalls(expr: string): DocumentCall[] {
  const calls: DocumentCall[] = [];
  const call = /(?:fn:)?(?:document|doc)\s*\(/y;
  scanTopLevel(expr, (i) => {
    if (expr[i] !== 'd' && expr[i] !== 'f') return;
    call.lastIndex = i;
    const m = call.exec(expr);
    if (m === null) return;
    const before = expr[i - 1];
    if (isNameChar(before) || before === '$' || before === '@' || before === ':') return;
    const open = i + m[0].length - 1;
    const close = matchingBracket(expr, open);
    calls.push({ start: i, end: close + 1, argument: expr.slice(open + 1, close) });
  });
  return calls;
}

/**
 * Replaces every `doc(x)` / `document(x)` by `lookup(x)`, innermost arguments rewritten too.
 * (`document()` with two arguments or a node-set of URIs is not supported by the replacement.)
 */
export function rewriteDocumentCalls(expr: string, lookup: (argument: string) => string): string {
  const calls = documentCalls(expr);
  if (calls.length === 0) return expr;
  let out = '';
  let at = 0;
  for (const call of calls) {
    if (call.start < at) continue; // nested inside a call already rewritten
    out += expr.slice(at, call.start) + lookup(rewriteDocumentCalls(call.argument, lookup));
    at = call.end;
  }
  return out + expr.slice(at);
}

/** An XPath string literal for a JavaScript string. */
export function stringLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * The HL7 templateId root a predicate requires, when it is, or starts with a conjunct like,
 * `p:templateId/@root = 'X'` or `p:templateId[@root = 'X']` (no top-level `or`): then only
 * elements with such a templateId child can satisfy it.
 */
export function requiredTemplateIdRoot(predicate: string): { prefix: string; root: string } | undefined {
  const p = predicate.trim();
  const m =
    /^([A-Za-z_][\w.-]*):templateId\s*(?:\/\s*@root\s*=\s*(['"])([^'"]*)\2|\[\s*@root\s*=\s*(['"])([^'"]*)\4\s*\])(\s+and\s[\s\S]*)?$/.exec(p);
  if (m === null) return undefined;
  let disjunction = false;
  scanTopLevel(p, (i, depth) => {
    if (depth === 0 && /^\sor\s/.test(p.slice(i, i + 4))) {
      disjunction = true;
      return true;
    }
    return false;
  });
  return disjunction ? undefined : { prefix: m[1] as string, root: (m[3] ?? m[5]) as string };
}

/** Rewrites the content of every string literal (outside comments). */
export function mapStringLiterals(expr: string, fn: (content: string) => string): string {
  let out = '';
  let i = 0;
  while (i < expr.length) {
    const ch = expr[i] as string;
    if (ch === '(' && expr[i + 1] === ':') {
      let nesting = 1;
      let j = i + 2;
      while (nesting > 0 && j < expr.length) {
        if (expr[j] === '(' && expr[j + 1] === ':') {
          nesting++;
          j += 2;
        } else if (expr[j] === ':' && expr[j + 1] === ')') {
          nesting--;
          j += 2;
        } else j++;
      }
      out += expr.slice(i, j);
      i = j;
      continue;
    }
    if (ch !== '"' && ch !== "'") {
      out += ch;
      i++;
      continue;
    }
    let j = i + 1;
    let content = '';
    while (j < expr.length) {
      if (expr[j] === ch) {
        if (expr[j + 1] === ch) {
          content += ch;
          j += 2;
          continue;
        }
        break;
      }
      content += expr[j];
      j++;
    }
    out += ch + fn(content).split(ch).join(ch + ch) + ch;
    i = j + 1;
  }
  return out;
}

/**
 * A quantified anchor (`^+?`, `$*`) is accepted by Saxon's XPath regex engine (a repeated anchor is
 * the anchor; an optional one matches the empty string) but becomes an invalid JavaScript regex in
 * SaxonJS ("Nothing to repeat"). This gives the same meaning without the quantifier.
 */
export function portableRegex(regex: string): string {
  if (!/[$^](?:[*+?]|\{\d)/.test(regex)) return regex;
  let out = '';
  let inClass = false;
  for (let i = 0; i < regex.length; i++) {
    const ch = regex[i] as string;
    if (ch === '\\') {
      out += regex.slice(i, i + 2);
      i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      out += ch;
      if (regex[i + 1] === '^') {
        out += '^';
        i++;
      }
      continue;
    }
    if (ch === '^' || ch === '$') {
      const q = /^(?:([*+?])|\{(\d+)(?:,\d*)?\})\??/.exec(regex.slice(i + 1));
      if (q !== null) {
        const atLeastOnce = q[1] === '+' || (q[2] !== undefined && Number(q[2]) > 0);
        if (atLeastOnce) out += ch;
        i += q[0].length;
        continue;
      }
    }
    out += ch;
  }
  return out;
}
