import type { XMLParser } from 'fast-xml-parser';

/**
 * Shows a CDA document to a patient without ever running anything it contains: the XML is parsed
 * with entities left unexpanded (no DTD, no external resource), and only the header's title and the
 * narrative of each section are rendered, as escaped text in a fixed set of elements (p, ul/li,
 * table, strong). No attribute of the source reaches the output, so no script, style, link, image
 * or event handler can. A level-1 CDA (nonXMLBody) hands its embedded PDF over instead.
 */
export type CdaView =
  | { readonly kind: 'html'; readonly title: string; readonly html: string }
  | { readonly kind: 'embedded'; readonly mediaType: string; readonly content: Buffer };

type Node = Record<string, unknown>;

/** The parser, made on first use (a host whose patients never open a CDA never loads it). */
let parser: Promise<XMLParser> | undefined;
const loadParser = (): Promise<XMLParser> =>
  (parser ??= import('fast-xml-parser').then(
    ({ XMLParser }) =>
      new XMLParser({
        preserveOrder: true,
        ignoreAttributes: false,
        attributeNamePrefix: '@',
        processEntities: false,
        htmlEntities: false,
        ignoreDeclaration: true,
        ignorePiTags: true,
        removeNSPrefix: true,
        trimValues: false,
      }),
  ));

const BLOCKS: Readonly<Record<string, string>> = {
  paragraph: 'p',
  list: 'ul',
  item: 'li',
  table: 'table',
  thead: 'thead',
  tbody: 'tbody',
  tr: 'tr',
  th: 'th',
  td: 'td',
};

/** Renders a CDA R2 document for the portal. Throws on XML that is not a ClinicalDocument. */
export async function viewCda(xml: Buffer): Promise<CdaView> {
  const source = xml.toString('utf8');
  if (/<!DOCTYPE|<!ENTITY/i.test(source)) throw new Error('a CDA document has no DOCTYPE');
  const tree = (await loadParser()).parse(source) as Node[];
  const document = childrenNamed(tree, 'ClinicalDocument')[0];
  if (!document) throw new Error('not a CDA ClinicalDocument');
  const title = textOf(childrenNamed(children(document), 'title')[0]) || 'Document';
  const component = childrenNamed(children(document), 'component')[0];
  const nonXml = childrenNamed(children(component), 'nonXMLBody')[0];
  if (nonXml) {
    const text = childrenNamed(children(nonXml), 'text')[0];
    const attrs = (text?.[':@'] ?? {}) as Record<string, string>;
    const data = textOf(text).replace(/\s+/g, '');
    return { kind: 'embedded', mediaType: attrs['@mediaType'] ?? 'application/octet-stream', content: Buffer.from(data, 'base64') };
  }
  const sections: string[] = [];
  const walkSections = (nodes: Node[], depth: number): void => {
    for (const section of childrenNamed(nodes, 'section')) {
      const heading = textOf(childrenNamed(children(section), 'title')[0]);
      const narrative = childrenNamed(children(section), 'text')[0];
      const level = Math.min(6, depth + 2);
      sections.push(`<section>${heading ? `<h${level}>${escape(heading)}</h${level}>` : ''}${narrative ? renderNarrative(children(narrative)) : ''}`);
      for (const sub of childrenNamed(children(section), 'component')) walkSections(children(sub), depth + 1);
      sections.push('</section>');
    }
  };
  const structured = childrenNamed(children(component), 'structuredBody')[0];
  for (const part of childrenNamed(children(structured), 'component')) walkSections(children(part), 0);
  const html = [
    '<!doctype html><html lang="fr"><head><meta charset="utf-8">',
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
    '<style>body{font-family:Marianne,Arial,sans-serif;line-height:1.5;margin:1rem;color:#161616}table{border-collapse:collapse}td,th{border:1px solid #929292;padding:.25rem .5rem}</style>',
    `<title>${escape(title)}</title></head><body><h1>${escape(title)}</h1>${sections.join('')}</body></html>`,
  ].join('');
  return { kind: 'html', title, html };
}

function renderNarrative(nodes: Node[]): string {
  let out = '';
  for (const node of nodes) {
    const name = nameOf(node);
    if (name === '#text') out += escape(String(node['#text'] ?? ''));
    else if (name === 'br') out += '<br>';
    else if (name === 'caption') out += `<p><strong>${escape(textOf(node))}</strong></p>`;
    else if (name && BLOCKS[name]) out += `<${BLOCKS[name]}>${renderNarrative(children(node))}</${BLOCKS[name]}>`;
    else if (name) out += renderNarrative(children(node)); // content, sub, sup, linkHtml, renderMultiMedia...: their text only
  }
  return out;
}

function nameOf(node: Node): string | undefined {
  return Object.keys(node).find((k) => k !== ':@');
}

function children(node: Node | undefined): Node[] {
  if (!node) return [];
  const name = nameOf(node);
  const value = name ? node[name] : undefined;
  return Array.isArray(value) ? (value as Node[]) : [];
}

function childrenNamed(nodes: Node[], name: string): Node[] {
  return nodes.filter((n) => nameOf(n) === name);
}

function textOf(node: Node | undefined): string {
  if (!node) return '';
  if (nameOf(node) === '#text') return String(node['#text'] ?? '');
  return children(node).map(textOf).join('');
}

/** HTML-escapes text (the only way source text reaches the output). */
export function escape(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
