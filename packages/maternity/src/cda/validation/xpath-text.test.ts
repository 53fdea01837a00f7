import { describe, expect, it } from 'vitest';
import {
  mapStringLiterals,
  mayBePositional,
  parsePathPattern,
  portableRegex,
  requiredTemplateIdRoot,
  rewriteDocumentCalls,
  splitUnion,
  substituteParameters,
  variableReferences,
} from './xpath-text.js';

describe('XPath text operations', () => {
  it('splits unions at top level only', () => {
    expect(splitUnion("a | b[c | d] | e('|') | f || g")).toEqual(['a', "b[c | d]", "e('|')", 'f || g']);
  });

  it('parses path patterns into steps, keeping predicates whole', () => {
    expect(parsePathPattern("//hl7:a[hl7:b[@x = '/']]/hl7:c//@d")).toEqual({
      absolute: false,
      steps: [
        { separator: '//', axis: 'child', test: 'hl7:a', predicates: ["hl7:b[@x = '/']"] },
        { separator: '/', axis: 'child', test: 'hl7:c', predicates: [] },
        { separator: '//', axis: 'attribute', test: 'd', predicates: [] },
      ],
    });
    expect(parsePathPattern('/a/*:b[1][@c]')?.steps.map((s) => [s.separator, s.test, s.predicates])).toEqual([
      ['/', 'a', []],
      ['/', '*:b', ['1', '@c']],
    ]);
    expect(parsePathPattern('*[cda:templateId/@root="1"]')?.steps[0]?.test).toBe('*');
    for (const other of ['/', 'id("x")', '$v/a', 'doc("x")//a', '(a|b)/c', 'self::a', '.']) expect(parsePathPattern(other), other).toBeUndefined();
  });

  it('tells predicates that may select by position', () => {
    for (const p of ['1', 'last()', 'position() = 2', '$n', 'count(x)']) expect(mayBePositional(p), p).toBe(true);
    for (const p of ['@code', "hl7:templateId[@root='1']", 'not(@x)', 'count(x) = 1', '$n = 2', 'a and b']) expect(mayBePositional(p), p).toBe(false);
  });

  it('substitutes abstract pattern parameters by whole name, longest first, outside nothing', () => {
    const params = new Map([
      ['elt', 'cda:x'],
      ['elt_name', "'X'"],
      ['path_jdv', '$JDV_A-B'],
    ]);
    expect(substituteParameters('$elt/cda:y | $elt_name | $eltx | document($path_jdv)', params)).toBe("cda:x/cda:y | 'X' | $eltx | document($JDV_A-B)");
  });

  it('finds variable references outside literals', () => {
    expect([...variableReferences("$a + $JDV_A-B + '$c' + $ns:d")].sort()).toEqual(['JDV_A-B', 'a', 'ns:d']);
  });

  it('redirects doc() and document(), nested ones too, not other names', () => {
    const out = rewriteDocumentCalls("doc('a')//x[. = document($p)/y] and doc-available('z') and fn:doc(concat('b', 'c'))", (arg) => `L(${arg})`);
    expect(out).toBe("L('a')//x[. = L($p)/y] and doc-available('z') and L(concat('b', 'c'))");
  });

  it('recognises a leading templateId predicate, not a disjunction', () => {
    expect(requiredTemplateIdRoot("cda:templateId/@root = '1.2.3'")).toEqual({ prefix: 'cda', root: '1.2.3' });
    expect(requiredTemplateIdRoot('hl7:templateId[@root="4.5"] and hl7:code')).toEqual({ prefix: 'hl7', root: '4.5' });
    expect(requiredTemplateIdRoot("cda:templateId/@root = '1' or cda:templateId/@root = '2'")).toBeUndefined();
    expect(requiredTemplateIdRoot("cda:code and cda:templateId/@root = '1'")).toBeUndefined();
  });

  it('maps string literals, doubled quotes included', () => {
    expect(mapStringLiterals(`concat('it''s', "say ""x""") (: 'comment' :)`, (s) => s.toUpperCase())).toBe(`concat('IT''S', "SAY ""X""") (: 'comment' :)`);
  });

  it('drops quantifiers on regex anchors, nothing else', () => {
    expect(portableRegex('^-?[1-9]\\d*$|^+?\\d*$')).toBe('^-?[1-9]\\d*$|^\\d*$');
    expect(portableRegex('^*a$?')).toBe('a');
    expect(portableRegex('[^+?]\\^+x{2}')).toBe('[^+?]\\^+x{2}');
  });
});
