import { describe, expect, it } from 'vitest';
import { escapeHtml, flag, html } from './html.js';

describe('html template', () => {
  it('escapes every interpolated text, in content and attributes', () => {
    const name = `<script>alert("x")</script> & 'quotes'`;
    expect(html`<p title="${name}">${name}</p>`.markup).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;</p>',
    );
  });

  it('keeps nested templates as markup, renders lists, and nothing for false, null and undefined', () => {
    const items = ['a<b', 'c'].map((v) => html`<li>${v}</li>`);
    expect(html`<ul>${items}</ul>${false}${null}${undefined}${0}`.markup).toBe('<ul><li>a&lt;b</li><li>c</li></ul>0');
  });

  it('writes boolean attributes only when on', () => {
    expect(html`<input${flag('checked', true)}><input${flag('checked', false)}>`.markup).toBe('<input checked><input>');
    expect(escapeHtml('plain')).toBe('plain');
  });
});
