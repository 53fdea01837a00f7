/**
 * Test support: a CDA read back into a small element tree (fast-xml-parser, order kept), with the
 * few lookups the tests need.
 */
import { XMLParser } from 'fast-xml-parser';

export interface XNode {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XNode[];
  /** Text directly inside the element. */
  readonly text: string;
}

type Ordered = Record<string, unknown>;

function convert(entry: Ordered): XNode | string | undefined {
  if ('#text' in entry) return String(entry['#text']);
  const name = Object.keys(entry).find((k) => k !== ':@');
  if (name === undefined || name.startsWith('?')) return undefined;
  const attrs = (entry[':@'] ?? {}) as Record<string, string>;
  const parts = (entry[name] as Ordered[]).map(convert).filter((p) => p !== undefined);
  return {
    name,
    attrs,
    children: parts.filter((p): p is XNode => typeof p !== 'string'),
    text: parts.filter((p): p is string => typeof p === 'string').join(''),
  };
}

/** The document element of `xml`. */
export function parseXmlTree(xml: string): XNode {
  const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, parseAttributeValue: false, trimValues: false });
  const top = (parser.parse(xml) as Ordered[]).map(convert).filter((n): n is XNode => n !== undefined && typeof n !== 'string');
  if (top.length !== 1) throw new Error('expected one document element');
  return top[0]!;
}

/** All descendants named `name` (document order). */
export function descendants(node: XNode, name?: string): XNode[] {
  const out: XNode[] = [];
  const walk = (n: XNode): void => {
    for (const c of n.children) {
      if (name === undefined || c.name === name) out.push(c);
      walk(c);
    }
  };
  walk(node);
  return out;
}

/** Children named `name`. */
export function children(node: XNode, name: string): XNode[] {
  return node.children.filter((c) => c.name === name);
}

/** Follows a path of child names (`recordTarget/patientRole/id`), all matches. */
export function path(node: XNode, steps: string): XNode[] {
  return steps.split('/').reduce<XNode[]>((nodes, step) => nodes.flatMap((n) => children(n, step)), [node]);
}

/** All text below the node. */
export function textContent(node: XNode): string {
  return node.text + node.children.map(textContent).join('');
}

/** Whether the element declares `templateId root`. */
export function hasTemplate(node: XNode, root: string): boolean {
  return children(node, 'templateId').some((t) => t.attrs.root === root);
}

/** Elements carrying `templateId root`. */
export function withTemplate(node: XNode, root: string): XNode[] {
  return descendants(node).filter((n) => hasTemplate(n, root));
}

/** The element with narrative `ID` = `id`. */
export function byId(node: XNode, id: string): XNode | undefined {
  return descendants(node).find((n) => n.attrs.ID === id);
}
