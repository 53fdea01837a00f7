import { describe, expect, it } from 'vitest';
import { cx, dt, dtm, escapeHl7, xcn, xon, xpn, xtnEmail } from './hl7-values.js';
import { escapeXml } from './xml-text.js';

describe('HL7 v2 values of XDS metadata (ITI TF-3 Table 4.2.3.1.7-2)', () => {
  it('escapes the delimiters of a component', () => {
    expect(escapeHl7('a\\b|c^d&e~f')).toBe('a\\E\\b\\F\\c\\S\\d\\T\\e\\R\\f');
    expect(escapeHl7('line\r\nbreak')).toBe('line break');
  });

  it('writes an XCN with the national id of a professional', () => {
    expect(xcn({ id: '810001234567', family: 'SAGE', given: 'Claire' })).toBe('810001234567^SAGE^Claire^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS');
    expect(xcn({ id: '810001234567', family: 'SAGE', given: 'Claire', prefix: 'Dr' })).toBe('810001234567^SAGE^Claire^^^Dr^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS');
    expect(xcn({ family: 'SAGE' })).toBe('^SAGE');
  });

  it('writes an XON with the national id of a structure', () => {
    expect(xon({ name: 'Maternité Sainte Félicité', id: '1330000012' })).toBe('Maternité Sainte Félicité^^^^^&1.2.250.1.71.4.2.2&ISO^IDNST^^^1330000012');
    expect(xon({ name: 'Cabinet A^B' })).toBe('Cabinet A\\S\\B');
  });

  it('writes CX, XPN, XTN, DTM and DT', () => {
    expect(cx('295109912611193', '1.2.250.1.213.1.4.8', 'NH')).toBe('295109912611193^^^&1.2.250.1.213.1.4.8&ISO^NH');
    expect(xpn('DURAND', 'Marie', 'L')).toBe('DURAND^Marie^^^^^L');
    expect(xtnEmail('a@b.mssante.fr')).toBe('^^Internet^a@b.mssante.fr');
    expect(dtm(new Date('2026-06-12T08:30:05.900+02:00'))).toBe('20260612063005');
    expect(() => dtm(new Date('nope'))).toThrow(RangeError);
    expect(dt('1995-10-12')).toBe('19951012');
    expect(() => dt('12/10/1995')).toThrow(RangeError);
  });
});

describe('escapeXml', () => {
  it('escapes markup and quotes, keeps line breaks as references, drops what XML forbids', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
    expect(escapeXml('a\nb\tc')).toBe('a&#10;b&#9;c');
    expect(escapeXml('a\u0000b\u001Fc\uFFFEd\uD800e')).toBe('abcde');
    expect(escapeXml('😀 é')).toBe('😀 é');
  });
});
