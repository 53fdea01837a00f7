/**
 * Reads an ISO Schematron schema into plain data the engine runs: includes resolved, abstract
 * patterns instantiated (`is-a` + `param`, substituted in attribute values as ISO macro expansion
 * does), abstract rules inlined where they are `extends`-ed, the default phase applied, schema and
 * pattern `let`s gathered as global variables.
 *
 * Supported: schema, ns, let, phase/active, pattern (abstract, is-a, param), rule (abstract,
 * context, extends), assert, report, value-of, name, emph/dir/span (their text). Not supported
 * (absent from the CI-SIS files): diagnostics, properties, `extends href`, `let` with content.
 */
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { substituteParameters } from './xpath-text.js';

export const SCHEMATRON_NS = 'http://purl.oclc.org/dsdl/schematron';
const OLD_SCHEMATRON_NS = 'http://www.ascc.net/xml/schematron';

/** A part of an assert/report message. */
export type MessagePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'value-of'; readonly select: string }
  | { readonly kind: 'name'; readonly path?: string };

export interface SchematronLet {
  readonly name: string;
  readonly value: string;
}

export interface SchematronCheck {
  readonly kind: 'assert' | 'report';
  readonly test: string;
  readonly id?: string;
  readonly role?: string;
  readonly severity: 'error' | 'warning';
  readonly message: readonly MessagePart[];
}

export interface SchematronRule {
  readonly context: string;
  readonly id?: string;
  /** Rule variables, in order (those of extended abstract rules where the `extends` stands). */
  readonly lets: readonly SchematronLet[];
  readonly checks: readonly SchematronCheck[];
  /** Prefix → namespace for this rule's expressions. */
  readonly namespaces: Readonly<Record<string, string>>;
}

export interface SchematronPattern {
  readonly id?: string;
  readonly rules: readonly SchematronRule[];
}

export interface SchematronSchema {
  /** The main file's path, as given. */
  readonly file: string;
  readonly title?: string;
  readonly phase?: string;
  readonly namespaces: Readonly<Record<string, string>>;
  /** Schema- and pattern-level variables, in order; evaluated once per document. */
  readonly globals: readonly SchematronLet[];
  /** The active patterns, in order. */
  readonly patterns: readonly SchematronPattern[];
}

/** An element of a parsed file. */
interface XElement {
  readonly ns: string;
  readonly local: string;
  readonly attrs: Readonly<Record<string, string>>;
  /** In-scope prefixes (the default namespace excluded). */
  readonly scope: Readonly<Record<string, string>>;
  readonly children: readonly (XElement | string)[];
  readonly file: string;
}

type FxpNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: true, // numeric character references (`&#34;`) are decoded only with this
  ignoreDeclaration: true,
  ignorePiTags: true,
});

function convert(node: FxpNode, parentScope: Readonly<Record<string, string>>, parentDefault: string, file: string): XElement | string | undefined {
  if ('#text' in node) return String(node['#text']);
  const tag = Object.keys(node).find((k) => k !== ':@');
  if (tag === undefined || tag.startsWith('?') || tag.startsWith('!')) return undefined;
  const rawAttrs = (node[':@'] ?? {}) as Record<string, string>;
  const scope: Record<string, string> = { ...parentScope };
  let defaultNs = parentDefault;
  const attrs: Record<string, string> = {};
  for (const [name, value] of Object.entries(rawAttrs)) {
    if (name === 'xmlns') defaultNs = value;
    else if (name.startsWith('xmlns:')) scope[name.slice(6)] = value;
    else attrs[name] = value;
  }
  const colon = tag.indexOf(':');
  const prefix = colon < 0 ? undefined : tag.slice(0, colon);
  const local = colon < 0 ? tag : tag.slice(colon + 1);
  const ns = prefix === undefined ? defaultNs : (scope[prefix] ?? '');
  const children: (XElement | string)[] = [];
  for (const child of (node[tag] ?? []) as FxpNode[]) {
    const converted = convert(child, scope, defaultNs, file);
    if (converted !== undefined) children.push(converted);
  }
  return { ns, local, attrs, scope, children, file };
}

/** Parses one Schematron file into its root element. */
export function parseSchematronFile(text: string, file: string): XElement {
  if (/<!DOCTYPE/i.test(text)) throw new Error(`${file}: DOCTYPE not allowed`);
  const nodes = parser.parse(text) as FxpNode[];
  for (const node of nodes) {
    const converted = convert(node, {}, '', file);
    if (typeof converted === 'object') return converted;
  }
  throw new Error(`${file}: no root element`);
}

/** Whether a node is a Schematron element (with that local name, if given). */
function isSch(e: XElement | string, local?: string): boolean {
  return typeof e === 'object' && (e.ns === SCHEMATRON_NS || e.ns === OLD_SCHEMATRON_NS) && (local === undefined || e.local === local);
}

function elements(e: XElement, local?: string): XElement[] {
  return e.children.filter((c): c is XElement => typeof c === 'object' && isSch(c, local));
}

/** Replaces every Schematron `include` by the root element of the file it names. */
function expandIncludes(e: XElement, read: (file: string) => XElement, stack: readonly string[]): XElement {
  const children = e.children.map((child): XElement | string => {
    if (typeof child === 'string') return child;
    if (isSch(child, 'include')) {
      const href = child.attrs['href'];
      if (href === undefined) throw new Error(`${child.file}: include without href`);
      const target = path.resolve(path.dirname(child.file), decodeURI(href));
      if (stack.includes(target)) throw new Error(`${child.file}: include cycle through ${target}`);
      return expandIncludes(read(target), read, [...stack, target]);
    }
    return expandIncludes(child, read, stack);
  });
  return { ...e, children };
}

/** Copies an element with parameters substituted in every attribute value. */
function instantiate(e: XElement, params: ReadonlyMap<string, string>): XElement {
  const attrs: Record<string, string> = {};
  for (const [name, value] of Object.entries(e.attrs)) attrs[name] = substituteParameters(value, params);
  return { ...e, attrs, children: e.children.map((c) => (typeof c === 'string' ? c : instantiate(c, params))) };
}

function textContent(e: XElement): string {
  return e.children.map((c) => (typeof c === 'string' ? c : textContent(c))).join('');
}

function messageParts(e: XElement): MessagePart[] {
  const parts: MessagePart[] = [];
  for (const child of e.children) {
    if (typeof child === 'string') parts.push({ kind: 'text', text: child });
    else if (isSch(child, 'value-of')) parts.push({ kind: 'value-of', select: child.attrs['select'] ?? '.' });
    else if (isSch(child, 'name')) parts.push(child.attrs['path'] === undefined ? { kind: 'name' } : { kind: 'name', path: child.attrs['path'] });
    else parts.push({ kind: 'text', text: textContent(child) });
  }
  return parts;
}

const WARNING_ROLES = new Set(['warning', 'warn', 'info', 'information', 'informational', 'hint']);

/** `role` decides: warning/info roles are warnings; anything else (or none) is an error. */
export function severityOfRole(role: string | undefined): 'error' | 'warning' {
  return role !== undefined && WARNING_ROLES.has(role.trim().toLowerCase()) ? 'warning' : 'error';
}

function check(e: XElement): SchematronCheck {
  const test = e.attrs['test'];
  if (test === undefined) throw new Error(`${e.file}: ${e.local} without test`);
  const role = e.attrs['role'];
  return {
    kind: e.local === 'report' ? 'report' : 'assert',
    test,
    ...(e.attrs['id'] === undefined ? {} : { id: e.attrs['id'] }),
    ...(role === undefined ? {} : { role }),
    severity: severityOfRole(role),
    message: messageParts(e),
  };
}

function letOf(e: XElement): SchematronLet {
  const name = e.attrs['name'];
  const value = e.attrs['value'];
  if (name === undefined || value === undefined) throw new Error(`${e.file}: let needs name and value`);
  return { name, value };
}

/**
 * Loads a Schematron schema. `readFile` gives a file's text by absolute path (files are parsed
 * once per call; pass a caching reader to share them between schemas).
 */
export function loadSchematron(mainFile: string, readFile: (file: string) => string): SchematronSchema {
  const parsed = new Map<string, XElement>();
  const read = (file: string): XElement => {
    let e = parsed.get(file);
    if (e === undefined) {
      e = parseSchematronFile(readFile(file), file);
      parsed.set(file, e);
    }
    return e;
  };
  const main = path.resolve(mainFile);
  const root = expandIncludes(read(main), read, [main]);
  if (!isSch(root, 'schema')) throw new Error(`${mainFile}: not a Schematron schema`);

  const namespaces: Record<string, string> = {};
  for (const ns of elements(root, 'ns')) {
    const prefix = ns.attrs['prefix'];
    const uri = ns.attrs['uri'];
    if (prefix !== undefined && uri !== undefined) namespaces[prefix] = uri;
  }

  const allPatterns = elements(root, 'pattern');
  const abstractPatterns = new Map<string, XElement>();
  const abstractRules = new Map<string, XElement>();
  for (const p of allPatterns) {
    if (p.attrs['abstract'] === 'true' && p.attrs['id'] !== undefined) abstractPatterns.set(p.attrs['id'], p);
    for (const r of elements(p, 'rule')) {
      if (r.attrs['abstract'] === 'true' && r.attrs['id'] !== undefined) abstractRules.set(r.attrs['id'], r);
    }
  }

  // Concrete patterns, `is-a` instances expanded.
  const concrete: XElement[] = [];
  for (const p of allPatterns) {
    if (p.attrs['abstract'] === 'true') continue;
    const isA = p.attrs['is-a'];
    if (isA === undefined) {
      concrete.push(p);
      continue;
    }
    const template = abstractPatterns.get(isA);
    if (template === undefined) throw new Error(`${p.file}: pattern ${p.attrs['id'] ?? ''} is-a unknown abstract pattern ${isA}`);
    const params = new Map<string, string>();
    for (const param of elements(p, 'param')) {
      const name = param.attrs['name'];
      if (name !== undefined) params.set(name, param.attrs['value'] ?? '');
    }
    const expanded = instantiate(template, params);
    const attrs = Object.fromEntries(Object.entries(expanded.attrs).filter(([name]) => name !== 'abstract' && name !== 'id'));
    concrete.push({ ...expanded, attrs: { ...attrs, ...(p.attrs['id'] === undefined ? {} : { id: p.attrs['id'] }) } });
  }

  // The default phase, if any, decides which patterns run.
  const phaseName = root.attrs['defaultPhase'];
  const phase =
    phaseName === undefined || phaseName === '#ALL' ? undefined : elements(root, 'phase').find((ph) => ph.attrs['id'] === phaseName);
  if (phaseName !== undefined && phaseName !== '#ALL' && phase === undefined) {
    throw new Error(`${mainFile}: defaultPhase ${phaseName} is not defined`);
  }
  const active = phase === undefined ? undefined : new Set(elements(phase, 'active').map((a) => a.attrs['pattern'] ?? ''));

  const globals: SchematronLet[] = [...elements(root, 'let').map(letOf), ...(phase === undefined ? [] : elements(phase, 'let').map(letOf))];
  for (const p of concrete) globals.push(...elements(p, 'let').map(letOf));

  const ruleContent = (r: XElement, seen: readonly string[], lets: SchematronLet[], checks: SchematronCheck[], scope: Record<string, string>): void => {
    Object.assign(scope, r.scope);
    for (const child of r.children) {
      if (typeof child === 'string' || !isSch(child)) continue;
      if (child.local === 'let') lets.push(letOf(child));
      else if (child.local === 'assert' || child.local === 'report') checks.push(check(child));
      else if (child.local === 'extends') {
        const id = child.attrs['rule'];
        const base = id === undefined ? undefined : abstractRules.get(id);
        if (id === undefined || base === undefined) throw new Error(`${child.file}: extends unknown abstract rule ${id ?? '(none)'}`);
        if (seen.includes(id)) throw new Error(`${child.file}: extends cycle through ${id}`);
        ruleContent(base, [...seen, id], lets, checks, scope);
      }
    }
  };

  const patterns: SchematronPattern[] = [];
  for (const p of concrete) {
    const id = p.attrs['id'];
    if (active !== undefined && (id === undefined || !active.has(id))) continue;
    const rules: SchematronRule[] = [];
    for (const r of elements(p, 'rule')) {
      if (r.attrs['abstract'] === 'true') continue;
      const context = r.attrs['context'];
      if (context === undefined) throw new Error(`${r.file}: rule without context`);
      const lets: SchematronLet[] = [];
      const checks: SchematronCheck[] = [];
      const scope: Record<string, string> = {};
      ruleContent(r, [], lets, checks, scope);
      rules.push({
        context,
        ...(r.attrs['id'] === undefined ? {} : { id: r.attrs['id'] }),
        lets,
        checks,
        namespaces: { ...scope, ...namespaces },
      });
    }
    patterns.push({ ...(id === undefined ? {} : { id }), rules });
  }

  const title = elements(root, 'title')[0];
  return {
    file: mainFile,
    ...(title === undefined ? {} : { title: textContent(title).replace(/\s+/g, ' ').trim() }),
    ...(phase === undefined ? {} : { phase: phaseName }),
    namespaces,
    globals,
    patterns,
  };
}
