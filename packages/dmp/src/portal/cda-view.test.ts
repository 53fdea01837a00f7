import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { viewCda } from './cda-view.js';

/** Every tag of the body is one of the fixed set, with no attribute at all. */
function bodyTags(html: string): string[] {
  const body = html.slice(html.indexOf('<body>'));
  return [...body.matchAll(/<\/?([a-zA-Z0-9]+)([^>]*)>/g)].map((m) => `${m[1]}${m[2]}`);
}
const ALLOWED = /^(body|h[1-6]|section|p|ul|li|table|thead|tbody|tr|th|td|strong|br|html)$/;

const examples = path.resolve(process.env.ANS_DIR ?? path.join(process.cwd(), '..', 'shared', 'ans'), 'cda-examples');

describe('CDA view for the portal', () => {
  it('renders the ANS lettre de liaison example as readable, inert HTML', async () => {
    const view = await viewCda(readFileSync(path.join(examples, 'LDL-SES_2022.01.xml')));
    expect(view.kind).toBe('html');
    if (view.kind !== 'html') return;
    expect(view.html).toContain('<h1>');
    expect(view.html).toMatch(/<section><h2>/);
    for (const tag of bodyTags(view.html)) expect(tag).toMatch(ALLOWED);
  });

  it('hands over the PDF of a level-1 CDA', async () => {
    const view = await viewCda(readFileSync(path.join(examples, 'DOC_NON_STRUCTURE_CDA-R2-N1.xml')));
    expect(view.kind).toBe('embedded');
    if (view.kind !== 'embedded') return;
    expect(view.mediaType).toBe('application/pdf');
    expect(view.content.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('never lets markup, scripts or handlers from the document through', async () => {
    const hostile = Buffer.from(`<?xml version="1.0"?>
      <ClinicalDocument xmlns="urn:hl7-org:v3"><title>T &lt;script&gt;</title><component><structuredBody><component><section>
        <title>Section<img src=x onerror=alert(1)></title>
        <text><paragraph onclick="x()">Bonjour <content styleCode="Bold">&lt;script&gt;alert(1)&lt;/script&gt;</content></paragraph>
        <linkHtml href="javascript:alert(1)">lien</linkHtml><renderMultiMedia referencedObject="x"/></text>
      </section></component></structuredBody></component></ClinicalDocument>`);
    const view = await viewCda(hostile);
    if (view.kind !== 'html') throw new Error('expected html');
    for (const tag of bodyTags(view.html)) expect(tag).toMatch(ALLOWED);
    expect(view.html).not.toMatch(/<script|<img/i);
    expect(view.html).toContain('&amp;lt;script&amp;gt;');
  });

  it('refuses a DOCTYPE (entity expansion attacks)', async () => {
    const bomb = Buffer.from('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]><ClinicalDocument>&b;</ClinicalDocument>');
    await expect(viewCda(bomb)).rejects.toThrow(/DOCTYPE/);
  });
});
