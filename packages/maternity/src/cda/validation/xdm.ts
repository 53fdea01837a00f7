/**
 * SaxonJS access for the validator: parse XML, compile XPath once, evaluate.
 */
import SaxonJS, { type CompiledXPath, type SaxonError, type SefNode, type XdmValue } from 'saxon-js';

/** A node of a SaxonJS tree (opaque). */
export type XdmNode = object;

/** A parse failure of `parseXml`. */
export class XmlParseError extends Error {}



/** Parses XML text into a SaxonJS document node (no DTD is read: callers refuse DOCTYPEs first). */
export function parseXml(text: string): XdmNode {
  try {
    const doc = compileXPath('parse-xml($text)', {}, ['text'])(null, { text: [text] });
    if (typeof doc !== 'object' || doc === null) throw new XmlParseError('the parser returned no document');
    return doc;
  } catch (e) {
    if (e instanceof XmlParseError) throw e;
    throw new XmlParseError(errorMessage(e));
  }
}

/** A SaxonJS error as one line: `CODE: message`. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as SaxonError).code;
    const message = e.message.split('\n')[0] ?? e.message;
    return code === undefined || message.includes(code) ? message : `${code}: ${message}`;
  }
  return String(e);
}

const compiled = new Map<string, CompiledXPath>();

const CODEPOINT = 'http://www.w3.org/2005/xpath-functions/collation/codepoint';
/** Functions the compiler gives an explicit collation argument, with their arity without it. */
const COLLATION_FUNCTIONS: Readonly<Record<string, number>> = {
  contains: 2,
  'starts-with': 2,
  'ends-with': 2,
  'substring-before': 2,
  'substring-after': 2,
  'distinct-values': 1,
  'index-of': 2,
  compare: 2,
  max: 1,
  min: 1,
  'deep-equal': 2,
  sort: 1,
  'contains-token': 2,
};

/**
 * SaxonJS 2.7 compiles a collation-sensitive function with the default (codepoint) collation as an
 * explicit last argument, which `evaluateOnly` cannot resolve (its context lacks the collation
 * table `XPath.evaluate` sets up). Without the argument the function uses the codepoint collation,
 * the same thing: drop it.
 */
function dropDefaultCollations(node: SefNode): void {
  const children = node.C;
  if (children === undefined) return;
  if (node.N === 'fn' && node.name !== undefined) {
    const arity = COLLATION_FUNCTIONS[node.name];
    const last = children[children.length - 1];
    if (arity !== undefined && children.length === arity + 1 && last?.N === 'str' && last.val === CODEPOINT) children.pop();
  }
  for (const child of children) dropDefaultCollations(child);
}

/**
 * Compiles (once per process, per expression, namespaces and parameters) an XPath 3.1 expression.
 * `parameters` names the external variables the expression may use; each evaluation must give
 * them all (SaxonJS binds them by name, but only finds them inside `let`/`for` scopes when they
 * are declared at compile time).
 */
export function compileXPath(expression: string, namespaces: Readonly<Record<string, string>>, parameters: readonly string[] = []): CompiledXPath {
  const key = `${JSON.stringify(namespaces)}\u0000${parameters.join(' ')}\u0000${expression}`;
  let f = compiled.get(key);
  if (f === undefined) {
    const tree = SaxonJS.XPath.compile(
      expression,
      { namespaceContext: namespaces, params: Object.fromEntries(parameters.map((p) => [p, 'declared'])) },
      true,
    );
    dropDefaultCollations(tree);
    f = (contextItem, params = {}) => SaxonJS.XPath.evaluateOnly(tree, contextItem, { params });
    compiled.set(key, f);
  }
  return f;
}

/** A parameter value as SaxonJS wants it: always an array (a sequence), so that '' or 0 are accepted. */
export function sequence(value: XdmValue): XdmValue[] {
  if (Array.isArray(value)) return value as XdmValue[];
  return value === null || value === undefined ? [] : [value];
}

/** The result of a compiled expression as an array of items. */
export function items(value: XdmValue): XdmValue[] {
  return sequence(value);
}

/** An XDM map from strings to documents, to pass as a parameter. */
export function documentMap(entries: readonly (readonly [string, XdmNode])[]): XdmValue {
  return SaxonJS.XPath.evaluate('map:merge(for $i in 1 to count($keys) return map:entry($keys[$i], $docs[$i]))', null, {
    params: { keys: entries.map(([k]) => k), docs: entries.map(([, d]) => d) },
    resultForm: 'xdm',
  });
}
