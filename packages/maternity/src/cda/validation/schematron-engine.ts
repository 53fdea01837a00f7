/**
 * Runs a loaded Schematron schema (schematron-model.ts) on a document with SaxonJS XPath 3.1.
 *
 * Semantics, as the ISO skeleton gives them for queryBinding xslt2:
 * - patterns run in order; within a pattern each node is checked by the first rule (in order) whose
 *   context matches it, as XSLT template priority by position does;
 * - a rule context is an XSLT pattern: node N matches P when N is in `root(N)//(P)`;
 * - global variables (schema and pattern `let`s) are evaluated once per document, with the
 *   document node as context; rule `let`s for each context node, before its checks;
 * - an assert fails when its test is false, a report fires when its test is true; `role`
 *   (warning, info...) makes it a warning, otherwise an error;
 * - `doc()` / `document()` read preloaded documents named by the literal the schema gives
 *   (resolved, as the compiled XSLT would, against the main Schematron's folder); a document that
 *   is not available makes the reading rule fail with an issue saying so.
 *
 * Speed: each expression is compiled once per process. A rule context that is a path of child and
 * attribute steps is evaluated top-down, step by step, each prefix once per document (the
 * generated minimal-structuration rules share long prefixes); its first step takes its candidates
 * from an index of the document by name, or by HL7 templateId when its predicate starts with
 * `prefix:templateId/@root = '…'`. Other contexts are evaluated as `root//(P)`. All checks of a
 * rule run in one evaluation over all its nodes.
 */
import type { XdmValue } from 'saxon-js';
import type { ValidationIssue } from './types.js';
import type { SchematronCheck, SchematronRule, SchematronSchema } from './schematron-model.js';
import { compileXPath, documentMap, errorMessage, items, sequence, type XdmNode } from './xdm.js';
import {
  mapStringLiterals,
  mayBePositional,
  portableRegex,
  parsePathPattern,
  requiredTemplateIdRoot,
  rewriteDocumentCalls,
  splitUnion,
  stringLiteral,
  variableReferences,
  type PatternStep,
} from './xpath-text.js';

/** The issues one schema found in one document. */
export interface SchematronResult {
  readonly errors: ValidationIssue[];
  readonly warnings: ValidationIssue[];
}

const ENGINE_NS = 'urn:dmp:maternity:cda-validation';

/** A document with the indexes rule matching needs. */
interface IndexedDocument {
  readonly root: XdmNode;
  /** Document order of every element and attribute. */
  readonly order: Map<object, number>;
  readonly elements: readonly IndexedNode[];
  readonly attributes: readonly IndexedNode[];
  readonly byNode: Map<object, IndexedNode>;
  readonly byKey: Map<string, XdmNode[]>;
  /** Elements by the @root of their HL7 templateId children (built on first use). */
  templateIds?: Map<string, XdmNode[]>;
  /** Node sets of pattern prefixes, shared by all rules of the run. */
  readonly prefixes: Map<string, XdmNode[]>;
}

interface IndexedNode {
  readonly node: XdmNode;
  readonly ns: string;
  readonly local: string;
}

const HL7_NS = 'urn:hl7-org:v3';
const indexExpression = 'for $n in (//* | //@*) return ($n, if ($n instance of attribute()) then 1 else 0, namespace-uri($n), local-name($n))';
const templateIdExpression = `for $t in //*[local-name() = 'templateId'][namespace-uri() = '${HL7_NS}'][@root] return ($t/.., string($t/@root))`;

function indexDocument(root: XdmNode): IndexedDocument {
  const flat = items(compileXPath(indexExpression, {})(root, {}));
  const order = new Map<object, number>();
  const elements: IndexedNode[] = [];
  const attributes: IndexedNode[] = [];
  const byNode = new Map<object, IndexedNode>();
  for (let i = 0; i + 3 < flat.length; i += 4) {
    const node = flat[i] as XdmNode;
    const entry = { node, ns: String(flat[i + 2]), local: String(flat[i + 3]) };
    order.set(node, i / 4);
    byNode.set(node, entry);
    (Number(flat[i + 1]) === 1 ? attributes : elements).push(entry);
  }
  order.set(root, -1);
  return { root, order, elements, attributes, byNode, byKey: new Map(), prefixes: new Map() };
}

/** Which nodes a step's node test can select: element or attribute, namespace, local name (undefined: any). */
type CandidateTest = { readonly kind: 'e' | 'a'; readonly ns?: string; readonly local?: string };

const passes = (n: IndexedNode, test: CandidateTest): boolean =>
  (test.ns === undefined || n.ns === test.ns) && (test.local === undefined || n.local === test.local);

function candidates(doc: IndexedDocument, test: CandidateTest, templateIdRoot: string | undefined): XdmNode[] {
  if (templateIdRoot !== undefined) {
    if (doc.templateIds === undefined) {
      doc.templateIds = new Map();
      const flat = items(compileXPath(templateIdExpression, {})(doc.root, {}));
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const list = doc.templateIds.get(String(flat[i + 1])) ?? [];
        if (!list.includes(flat[i] as XdmNode)) list.push(flat[i] as XdmNode);
        doc.templateIds.set(String(flat[i + 1]), list);
      }
    }
    const byNode = doc.byNode;
    return (doc.templateIds.get(templateIdRoot) ?? []).filter((n) => {
      const entry = byNode.get(n);
      return entry !== undefined && passes(entry, test);
    });
  }
  const key = `${test.kind}|${test.ns ?? '*'}|${test.local ?? '*'}`;
  let found = doc.byKey.get(key);
  if (found === undefined) {
    found = (test.kind === 'e' ? doc.elements : doc.attributes).filter((n) => passes(n, test)).map((n) => n.node);
    doc.byKey.set(key, found);
  }
  return found;
}

/** The candidate test for a step's node test, or undefined if it is not a name test. */
function candidateTest(step: PatternStep, namespaces: Readonly<Record<string, string>>): CandidateTest | undefined {
  let test = step.test;
  const kind = step.axis === 'attribute' ? 'a' : 'e';
  const kindTest = /^(element|attribute)\s*\(\s*([^,)\s]*)\s*(?:,[^)]*)?\)$/.exec(test);
  if (kindTest !== null) {
    if ((kindTest[1] === 'element') !== (kind === 'e')) return undefined;
    test = kindTest[2] === '' ? '*' : (kindTest[2] as string);
  } else if (test.includes('(')) {
    return undefined;
  }
  if (test === '*') return { kind };
  if (test.startsWith('*:')) return { kind, local: test.slice(2) };
  const colon = test.indexOf(':');
  if (colon < 0) return { kind, ns: '', local: test };
  const ns = namespaces[test.slice(0, colon)];
  if (ns === undefined) return undefined; // the compiler reports the unknown prefix
  const local = test.slice(colon + 1);
  return local === '*' ? { kind, ns } : { kind, ns, local };
}

/**
 * One step of a top-down evaluation. The first step of a relative (or `//`) pattern selects
 * from the document's index by name (narrowed by a leading templateId predicate) and filters;
 * later steps go down from the previous step's nodes.
 */
interface StepPlan {
  /** The pattern prefix up to this step, with the namespaces: the memo key. */
  readonly key: string;
  readonly expr: string;
  readonly from: 'root' | 'candidates' | 'previous';
  readonly test?: CandidateTest;
  readonly templateIdRoot?: string;
}

/** How one alternative of a rule context is matched. */
type Alternative = { readonly kind: 'root' } | { readonly kind: 'path'; readonly steps: readonly StepPlan[] };

function stepText(step: PatternStep): string {
  return `${step.axis === 'attribute' ? '@' : ''}${step.test}${step.predicates.map((p) => `[${p}]`).join('')}`;
}

function alternatives(context: string, namespaces: Readonly<Record<string, string>>, rewrite: (e: string) => string): Alternative[] {
  const nsKey = JSON.stringify(namespaces);
  return splitUnion(context).map((alt): Alternative => {
    if (alt === '/') return { kind: 'root' };
    const pattern = parsePathPattern(alt);
    if (pattern === undefined) {
      // Not a plain path of child/attribute steps: `root(N)//(P)`, as the XSLT definition says.
      return { kind: 'path', steps: [{ key: `${nsKey}\u0000//(${alt})`, expr: rewrite(`/descendant-or-self::node()/(${alt})`), from: 'root' }] };
    }
    const steps: StepPlan[] = [];
    let prefix = '';
    pattern.steps.forEach((step, k) => {
      prefix += `${step.separator}${stepText(step)}`;
      const key = `${nsKey}\u0000${prefix}`;
      const axis = step.axis === 'attribute' ? 'attribute' : 'child';
      const predicates = step.predicates.map((p) => `[${rewrite(p)}]`).join('');
      if (k > 0) {
        const down = step.separator === '//' ? 'descendant-or-self::node()/' : '';
        steps.push({ key, expr: `$__ctx/${down}${axis}::${step.test}${predicates}`, from: 'previous' });
        return;
      }
      const test = candidateTest(step, namespaces);
      if (step.separator === '/' || test === undefined || step.predicates.some(mayBePositional)) {
        const down = step.separator === '/' ? '' : 'descendant-or-self::node()/';
        steps.push({ key, expr: `/${down}${axis}::${step.test}${predicates}`, from: 'root' });
        return;
      }
      const first = step.predicates[0];
      const required = first === undefined ? undefined : requiredTemplateIdRoot(first);
      const templateIdRoot = required !== undefined && namespaces[required.prefix] === HL7_NS ? required.root : undefined;
      steps.push({
        key,
        expr: predicates === '' ? '$__cands' : `$__cands${predicates}`,
        from: 'candidates',
        test,
        ...(templateIdRoot === undefined ? {} : { templateIdRoot }),
      });
    });
    return { kind: 'path', steps };
  });
}

/** A rule made ready to run: its matcher and its checks, compiled on first use. */
interface PreparedRule {
  readonly rule: SchematronRule;
  readonly alternatives: readonly Alternative[];
  /** One expression for all checks on all matched nodes: pairs (node position, check position) of failures. */
  readonly checksExpression: string;
}

function letPrefix(rule: SchematronRule, rewrite: (e: string) => string, only?: ReadonlySet<number>): string {
  const lets = rule.lets.filter((_, i) => only === undefined || only.has(i));
  if (lets.length === 0) return '';
  return `let ${lets.map((l) => `$${l.name} := (${rewrite(l.value)})`).join(', ')} return `;
}

/**
 * The rule variables an expression needs, directly or through other variables: as XSLT variables
 * are evaluated only when used, a variable that fails to evaluate only fails the checks using it.
 */
function neededLets(rule: SchematronRule, expressions: readonly string[]): Set<number> {
  const needed = new Set<number>();
  const visit = (expr: string, before: number): void => {
    for (const name of variableReferences(expr)) {
      // The binding in scope: the last let of that name before this point.
      for (let i = before - 1; i >= 0; i--) {
        if (rule.lets[i]?.name !== name) continue;
        if (!needed.has(i)) {
          needed.add(i);
          visit(rule.lets[i]?.value ?? '', i);
        }
        break;
      }
    }
  };
  for (const e of expressions) visit(e, rule.lets.length);
  return needed;
}

/** The `let … return` prefix with only the variables a check (test and message) needs. */
function checkLetPrefix(rule: SchematronRule, c: SchematronCheck, rewrite: (e: string) => string): string {
  const texts = [c.test, ...c.message.map((p) => (p.kind === 'value-of' ? p.select : p.kind === 'name' ? (p.path ?? '') : ''))];
  return letPrefix(rule, rewrite, neededLets(rule, texts));
}

function prepareRule(rule: SchematronRule, rewrite: (e: string) => string): PreparedRule {
  const lets = letPrefix(rule, rewrite);
  const checks = rule.checks
    .map((c, j) =>
      c.kind === 'assert'
        ? `if (${rewrite(c.test)}) then () else ($__i, ${j + 1})`
        : `if (${rewrite(c.test)}) then ($__i, ${j + 1}) else ()`,
    )
    .join(',\n');
  return {
    rule,
    alternatives: alternatives(rule.context, rule.namespaces, rewrite),
    checksExpression: `for $__i in 1 to count($__nodes) return $__nodes[$__i] ! (${lets}(${checks}))`,
  };
}

function messageExpression(check: SchematronCheck, prefix: string, rewrite: (e: string) => string): string {
  const parts = check.message.map((p) => {
    if (p.kind === 'text') return stringLiteral(p.text);
    if (p.kind === 'name') return p.path === undefined ? 'name(.)' : `name((${rewrite(p.path)})[1])`;
    return `string-join(for $__v in (${rewrite(p.select)}) return string($__v), ' ')`;
  });
  return `${prefix}string-join((${parts.length === 0 ? "''" : parts.join(', ')}), '')`;
}

const locationExpression = `if (. instance of document-node()) then '/' else concat('/', string-join(
  for $a in ancestor-or-self::node()[not(self::document-node())] return
    if ($a instance of attribute()) then concat('@', name($a))
    else if ($a instance of element()) then concat(name($a), '[', count($a/preceding-sibling::*[node-name(.) eq node-name($a)]) + 1, ']')
    else if ($a instance of text()) then concat('text()[', count($a/preceding-sibling::text()) + 1, ']')
    else name($a), '/'))`;

/** An XPath-like location of a node: `/ClinicalDocument[1]/component[1]/…/@code`. */
export function nodeLocation(node: XdmNode): string {
  return String(compileXPath(locationExpression, {})(node, {}));
}

const normalize = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** One issue with its sort keys. */
interface Found {
  readonly pattern: number;
  readonly order: number;
  readonly check: number;
  readonly severity: 'error' | 'warning';
  readonly issue: ValidationIssue;
}

/**
 * A schema ready to run. Build once (per process) and reuse: compiled expressions are cached.
 * `documents` maps each document literal the schema names to its parsed document.
 */
export class SchematronRunner {
  private readonly prepared: readonly (readonly PreparedRule[])[];
  private readonly docs: XdmValue;
  private readonly rewrite: (e: string) => string;
  /** External variables of rule expressions: the globals and the engine's own. */
  private readonly externals: readonly string[];

  constructor(
    readonly schema: SchematronSchema,
    documents: ReadonlyMap<string, XdmNode>,
  ) {
    this.docs = documentMap([...documents]);
    this.rewrite = (e) =>
      rewriteDocumentCalls(
        mapStringLiterals(e, portableRegex),
        (arg) =>
          `(let $__k := string((${arg})) return if (map:contains($__docs, $__k)) then $__docs($__k) ` +
          `else error(QName('${ENGINE_NS}', 'missing-document'), concat('document not available: ', $__k)))`,
      );
    this.prepared = schema.patterns.map((p) => p.rules.map((r) => prepareRule(r, this.rewrite)));
    this.externals = [...new Set(schema.globals.map((g) => g.name))].concat(['__docs', '__cands', '__ctx', '__nodes']).sort();
  }

  /** Checks a parsed document (a SaxonJS document node). */
  run(root: XdmNode): SchematronResult {
    const doc = indexDocument(root);
    const found: Found[] = [];
    const globals = this.globals(doc, found);
    const base: Record<string, unknown> = { ...globals, __docs: this.docs, __cands: [], __ctx: [], __nodes: [] };

    this.prepared.forEach((rules, patternIndex) => {
      const claimed = new Set<object>();
      for (const prepared of rules) {
        let matched: XdmNode[];
        try {
          matched = this.match(prepared, doc, base);
        } catch (e) {
          found.push({
            pattern: patternIndex,
            order: -2,
            check: 0,
            severity: 'error',
            issue: { message: `Rule context could not be evaluated: ${errorMessage(e)}`, rule: normalize(prepared.rule.context) },
          });
          continue;
        }
        const fresh = matched.filter((n) => !claimed.has(n));
        fresh.forEach((n) => claimed.add(n));
        if (fresh.length === 0 || prepared.rule.checks.length === 0) continue;
        fresh.sort((a, b) => (doc.order.get(a) ?? 0) - (doc.order.get(b) ?? 0));
        this.check(prepared, fresh, base, patternIndex, doc, found);
      }
    });

    found.sort((a, b) => a.pattern - b.pattern || a.order - b.order || a.check - b.check);
    return {
      errors: found.filter((f) => f.severity === 'error').map((f) => f.issue),
      warnings: found.filter((f) => f.severity === 'warning').map((f) => f.issue),
    };
  }

  /**
   * Compiles every expression of the schema now (otherwise each is compiled on first use) and
   * returns the ones that do not compile, with the error.
   */
  compileAll(): { readonly expression: string; readonly error: string }[] {
    const failures: { expression: string; error: string }[] = [];
    const attempt = (expression: string, ns: Readonly<Record<string, string>>): void => {
      try {
        compileXPath(expression, ns, this.externals);
      } catch (e) {
        failures.push({ expression, error: errorMessage(e) });
      }
    };
    for (const g of this.schema.globals) attempt(this.rewrite(g.value), this.schema.namespaces);
    for (const prepared of this.prepared.flat()) {
      const ns = prepared.rule.namespaces;
      for (const alt of prepared.alternatives) if (alt.kind === 'path') for (const step of alt.steps) attempt(step.expr, ns);
      if (prepared.rule.checks.length > 0) attempt(prepared.checksExpression, ns);
      for (const c of prepared.rule.checks) {
        const prefix = checkLetPrefix(prepared.rule, c, this.rewrite);
        attempt(messageExpression(c, prefix, this.rewrite), ns);
        attempt(`${prefix}boolean(${this.rewrite(c.test)})`, ns);
      }
    }
    return failures;
  }

  /**
   * For each rule, the nodes its context matches (before the first-rule-wins exclusion of its
   * pattern) as the engine finds them, and as the XSLT definition `root//(P)` gives them,
   * evaluated directly (a rooted alternative `/…` as it is). For tests of the engine.
   */
  contextMatches(root: XdmNode): { readonly context: string; readonly engine: XdmNode[]; readonly definition: XdmNode[] }[] {
    const doc = indexDocument(root);
    const base: Record<string, unknown> = { ...this.globals(doc, []), __docs: this.docs, __cands: [], __ctx: [], __nodes: [] };
    return this.prepared.flat().map((prepared) => {
      const definition = new Set<XdmNode>();
      for (const alt of splitUnion(prepared.rule.context)) {
        const expr = alt.startsWith('/') ? alt : `/descendant-or-self::node()/(${alt})`;
        for (const n of items(compileXPath(this.rewrite(expr), prepared.rule.namespaces, this.externals)(root, base))) {
          if (typeof n === 'object' && n !== null) definition.add(n);
        }
      }
      return { context: prepared.rule.context, engine: this.match(prepared, doc, base), definition: [...definition] };
    });
  }

  /** Evaluates the global variables in order; literals need no evaluation. */
  private globals(doc: IndexedDocument, found: Found[]): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const g of this.schema.globals) {
      const literal = /^\s*(?:'([^']*)'|"([^"]*)")\s*$/.exec(g.value);
      if (literal !== null) {
        values[g.name] = [literal[1] ?? literal[2] ?? ''];
        continue;
      }
      try {
        const f = compileXPath(this.rewrite(g.value), this.schema.namespaces, this.externals);
        const known = Object.fromEntries(this.schema.globals.map((other) => [other.name, values[other.name] ?? []]));
        values[g.name] = sequence(f(doc.root, { ...known, __docs: this.docs, __cands: [], __ctx: [], __nodes: [] }));
      } catch (e) {
        values[g.name] = [];
        found.push({
          pattern: -1,
          order: 0,
          check: 0,
          severity: 'error',
          issue: { message: `Variable $${g.name} could not be evaluated: ${errorMessage(e)}`, rule: normalize(g.value) },
        });
      }
    }
    return values;
  }

  private match(prepared: PreparedRule, doc: IndexedDocument, base: Record<string, unknown>): XdmNode[] {
    const ns = prepared.rule.namespaces;
    const result = new Set<XdmNode>();
    for (const alt of prepared.alternatives) {
      if (alt.kind === 'root') {
        result.add(doc.root);
        continue;
      }
      let current: XdmNode[] = [];
      for (const step of alt.steps) {
        const memo = doc.prefixes.get(step.key);
        if (memo !== undefined) {
          current = memo;
        } else {
          let next: XdmNode[] = [];
          if (step.from === 'root') {
            next = items(compileXPath(step.expr, ns, this.externals)(doc.root, base)).filter((n): n is XdmNode => typeof n === 'object' && n !== null);
          } else if (step.from === 'previous') {
            if (current.length > 0) next = items(compileXPath(step.expr, ns, this.externals)(null, { ...base, __ctx: current })) as XdmNode[];
          } else {
            const cands = candidates(doc, step.test as CandidateTest, step.templateIdRoot);
            if (cands.length > 0) next = items(compileXPath(step.expr, ns, this.externals)(null, { ...base, __cands: cands })) as XdmNode[];
          }
          doc.prefixes.set(step.key, next);
          current = next;
        }
        if (current.length === 0) break;
      }
      for (const n of current) result.add(n);
    }
    return [...result];
  }

  private check(prepared: PreparedRule, nodes: XdmNode[], base: Record<string, unknown>, pattern: number, doc: IndexedDocument, found: Found[]): void {
    const { rule } = prepared;
    const ns = rule.namespaces;
    let failures: [number, number][] = [];
    try {
      const flat = items(compileXPath(prepared.checksExpression, ns, this.externals)(null, { ...base, __nodes: nodes })).map(Number);
      for (let i = 0; i + 1 < flat.length; i += 2) failures.push([(flat[i] as number) - 1, (flat[i + 1] as number) - 1]);
    } catch {
      // Some check raised an error: evaluate each check on each node alone, to report exactly which.
      failures = [];
      nodes.forEach((node, i) => {
        rule.checks.forEach((c, j) => {
          try {
            const expr = `${checkLetPrefix(rule, c, this.rewrite)}boolean(${this.rewrite(c.test)})`;
            const value = items(compileXPath(expr, ns, this.externals)(node, base))[0] === true;
            if (value === (c.kind === 'report')) failures.push([i, j]);
          } catch (e) {
            found.push({
              pattern,
              order: doc.order.get(node) ?? 0,
              check: j,
              severity: c.severity,
              issue: {
                message: `Could not be evaluated (${errorMessage(e)})${this.message(prepared, c, node, base, true)}`,
                location: nodeLocation(node),
                rule: c.id ?? normalize(c.test),
              },
            });
          }
        });
      });
    }
    for (const [i, j] of failures) {
      const node = nodes[i] as XdmNode;
      const c = rule.checks[j] as SchematronCheck;
      found.push({
        pattern,
        order: doc.order.get(node) ?? 0,
        check: j,
        severity: c.severity,
        issue: { message: this.message(prepared, c, node, base, false), location: nodeLocation(node), rule: c.id ?? normalize(c.test) },
      });
    }
  }

  private message(prepared: PreparedRule, c: SchematronCheck, node: XdmNode, base: Record<string, unknown>, quiet: boolean): string {
    try {
      const expr = messageExpression(c, checkLetPrefix(prepared.rule, c, this.rewrite), this.rewrite);
      const text = normalize(String(compileXPath(expr, prepared.rule.namespaces, this.externals)(node, base)));
      return quiet ? (text === '' ? '' : `: ${text}`) : text === '' ? `${c.kind} failed: ${normalize(c.test)}` : text;
    } catch (e) {
      const plain = normalize(c.message.map((p) => (p.kind === 'text' ? p.text : '…')).join(''));
      return quiet ? `: ${plain}` : `${plain} (message not evaluated: ${errorMessage(e)})`;
    }
  }
}
