/**
 * The part of SaxonJS 2.7 (saxon-js on npm, no bundled types) the CDA validator uses.
 * `XPath.compile(expression, options, true)` and `XPath.evaluateOnly` are SaxonJS's own
 * compile-once entry points (SaxonJS2N.js exports them next to `XPath.evaluate`): the first gives
 * the compiled expression tree (SEF JSON: nodes with `N` kind, `C` children), the second evaluates
 * it with the default result form. Free variables must all be given as parameters, each non-empty
 * in the JavaScript sense (pass sequences as arrays).
 */
declare module 'saxon-js' {
  /** An XDM item or a sequence as SaxonJS hands it to JavaScript: opaque here. */
  export type XdmValue = unknown;

  export interface XPathOptions {
    readonly namespaceContext?: Readonly<Record<string, string>>;
    readonly params?: Readonly<Record<string, unknown>>;
    readonly resultForm?: 'default' | 'array' | 'iterator' | 'xdm';
    readonly xpathDefaultNamespace?: string;
  }

  export type CompiledXPath = (contextItem: XdmValue | null, params?: Readonly<Record<string, unknown>>) => XdmValue;

  /** A node of a compiled expression tree. */
  export interface SefNode {
    readonly N: string;
    C?: SefNode[];
    readonly name?: string;
    readonly val?: string;
    readonly [property: string]: unknown;
  }

  export interface SaxonError extends Error {
    readonly code?: string;
  }

  interface XPathApi {
    evaluate(expression: string, contextItem?: XdmValue | null, options?: XPathOptions): XdmValue;
    compile(expression: string, options: XPathOptions | undefined, raw: true): SefNode;
    compile(expression: string, options?: XPathOptions): CompiledXPath;
    evaluateOnly(compiled: SefNode, contextItem: XdmValue | null, options: { readonly params: Readonly<Record<string, unknown>> }): XdmValue;
  }

  interface SaxonJSApi {
    readonly XPath: XPathApi;
    getProcessorInfo(): { readonly productName: string; readonly productVersion: string };
  }

  const SaxonJS: SaxonJSApi;
  export default SaxonJS;
}
