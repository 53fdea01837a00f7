import { describe, expect, it } from 'vitest';
import { comment, el, escapeAttribute, escapeText, serializeXml } from './xml-writer.js';
import { parseXmlTree, textContent } from './test-support/xml-tree.js';

describe('XML writer', () => {
  it('escapes markup in text and attributes', () => {
    expect(escapeText('<script>alert("x")</script> & ]]>')).toBe('&lt;script&gt;alert("x")&lt;/script&gt; &amp; ]]&gt;');
    expect(escapeAttribute(`a"b'c<d>&\te\nf`)).toBe('a&quot;b\'c&lt;d&gt;&amp;&#9;e&#10;f');
  });

  it('round-trips hostile text through a parser unchanged', () => {
    const hostile = `<script>alert('x')</script> & "quotes" ’ œ <!-- --> ]]> <![CDATA[x]]>`;
    const xml = serializeXml(el('doc', { note: hostile }, el('p', {}, hostile)));
    const tree = parseXmlTree(xml);
    expect(tree.attrs.note).toBe(hostile);
    expect(textContent(tree.children[0]!)).toBe(hostile);
    expect(xml).not.toContain('<script>');
  });

  it('replaces characters XML 1.0 cannot carry', () => {
    const xml = serializeXml(el('p', {}, 'a\u0001b\u001Fc\uFFFEd\uD800e'), { declaration: false });
    expect(xml).toBe('<p>a\uFFFDb\uFFFDc\uFFFDd\uFFFDe</p>');
    expect(serializeXml(el('p', {}, '😀 tab\tok'), { declaration: false })).toBe('<p>😀 tab\tok</p>');
  });

  it('refuses names that are not XML names', () => {
    expect(() => el('a b')).toThrow(RangeError);
    expect(() => el('a', { 'x"y': '1' })).toThrow(RangeError);
  });

  it('skips empty attributes and children, keeps attribute order', () => {
    const xml = serializeXml(el('a', { z: '1', y: undefined, x: false, w: 0, v: true }, null, undefined, false, [el('b'), ['', el('c')]]), { declaration: false, indent: false });
    expect(xml).toBe('<a z="1" w="0" v="true"><b/><c/></a>');
  });

  it('indents element content but never mixed content', () => {
    const xml = serializeXml(el('a', {}, el('b', {}, 'x ', el('i', {}, 'y'), ' z'), el('c')));
    expect(xml).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<a>\n  <b>x <i>y</i> z</b>\n  <c/>\n</a>');
  });

  it('keeps comments well-formed', () => {
    const xml = serializeXml(el('a', {}, comment('x -- y -')), { declaration: false, indent: false });
    expect(xml).toBe('<a><!-- x - - y -  --></a>');
    expect(() => parseXmlTree(xml)).not.toThrow();
  });
});
