/**
 * A small XML writer: elements are plain immutable values built with {@link el}, serialised with
 * {@link serializeXml}. Every text and attribute value is escaped here, in one place, so no caller
 * ever concatenates markup. Characters that XML 1.0 cannot carry (control characters, lone
 * surrogates, U+FFFE/U+FFFF) are replaced by U+FFFD rather than producing an unreadable document.
 *
 * @example serializeXml(el('title', {}, 'Naissance <J1> & J2')) // '<title>Naissance &lt;J1&gt; &amp; J2</title>'
 */

/** An element: a name, its attributes in order, and its children. */
export interface XmlElement {
  readonly kind: 'element';
  readonly name: string;
  readonly attributes: readonly (readonly [string, string])[];
  readonly children: readonly XmlContent[];
}

/** Character data (escaped on output). */
export interface XmlText {
  readonly kind: 'text';
  readonly value: string;
}

/** A comment (its text may not contain `--`; such runs are broken up). */
export interface XmlComment {
  readonly kind: 'comment';
  readonly value: string;
}

export type XmlContent = XmlElement | XmlText | XmlComment;

/** What a child argument of {@link el} may be: strings become text; empty values are skipped. */
export type XmlChild = XmlContent | string | number | null | undefined | false | readonly XmlChild[];

/** Attribute values; `undefined`/`null`/`false` attributes are omitted. */
export type XmlAttributes = Readonly<Record<string, string | number | true | false | null | undefined>>;

const NAME = /^[A-Za-z_][A-Za-z0-9._-]*(:[A-Za-z_][A-Za-z0-9._-]*)?$/;
// Characters outside the XML 1.0 Char production (and lone surrogates).
const INVALID_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function checkName(name: string): string {
  if (!NAME.test(name)) throw new RangeError(`not an XML name: ${JSON.stringify(name)}`);
  return name;
}

/** Replaces characters XML 1.0 cannot represent with U+FFFD. */
export function xmlSafe(value: string): string {
  return value.replace(INVALID_CHARS, '\uFFFD');
}

/** Escapes character data: `&`, `<`, `>` (the last so `]]>` never appears). */
export function escapeText(value: string): string {
  return xmlSafe(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes an attribute value for double quotes; tabs and line ends are kept as character references. */
export function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

function flatten(children: readonly XmlChild[], into: XmlContent[]): XmlContent[] {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (typeof child === 'string') {
      if (child !== '') into.push({ kind: 'text', value: child });
    } else if (typeof child === 'number') {
      into.push({ kind: 'text', value: String(child) });
    } else if (Array.isArray(child)) {
      flatten(child as readonly XmlChild[], into);
    } else {
      into.push(child as XmlContent);
    }
  }
  return into;
}

/**
 * An element. Attributes keep their insertion order; `undefined`, `null` and `false` values are
 * left out, `true` becomes `"true"`.
 */
export function el(name: string, attributes: XmlAttributes = {}, ...children: XmlChild[]): XmlElement {
  const attrs: (readonly [string, string])[] = [];
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    attrs.push([checkName(key), value === true ? 'true' : String(value)]);
  }
  return Object.freeze({ kind: 'element', name: checkName(name), attributes: Object.freeze(attrs), children: Object.freeze(flatten(children, [])) });
}

/** Character data. */
export function text(value: string): XmlText {
  return { kind: 'text', value };
}

/** A comment. */
export function comment(value: string): XmlComment {
  return { kind: 'comment', value };
}

function openTag(node: XmlElement): string {
  const attrs = node.attributes.map(([k, v]) => ` ${k}="${escapeAttribute(v)}"`).join('');
  return `<${node.name}${attrs}`;
}

function write(node: XmlContent, indent: string | undefined, depth: number, out: string[]): void {
  const pad = indent === undefined ? '' : `\n${indent.repeat(depth)}`;
  if (node.kind === 'text') {
    out.push(escapeText(node.value));
    return;
  }
  if (node.kind === 'comment') {
    out.push(`${pad}<!-- ${xmlSafe(node.value).replace(/-(?=-)/g, '- ').replace(/-$/, '- ')} -->`);
    return;
  }
  if (node.children.length === 0) {
    out.push(`${pad}${openTag(node)}/>`);
    return;
  }
  // Mixed content (any text child) is written inline: whitespace there would change the text.
  const mixed = node.children.some((c) => c.kind === 'text');
  out.push(`${pad}${openTag(node)}>`);
  for (const child of node.children) write(child, mixed ? undefined : indent, depth + 1, out);
  out.push(`${mixed || indent === undefined ? '' : pad}</${node.name}>`);
}

/** Serialises an element; `indent` pretty-prints element-only content (default two spaces). */
export function serializeXml(root: XmlElement, options: { readonly declaration?: boolean; readonly indent?: string | false } = {}): string {
  const out: string[] = [];
  if (options.declaration !== false) out.push('<?xml version="1.0" encoding="UTF-8"?>');
  const indent = options.indent === false ? undefined : (options.indent ?? '  ');
  write(root, indent, 0, out);
  return out.join('').replace(/^\n/, '');
}
