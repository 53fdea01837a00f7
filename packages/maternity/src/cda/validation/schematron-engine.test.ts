/**
 * The Schematron engine on small schemas written here, one ISO Schematron feature at a time.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSchematron } from './schematron-model.js';
import { SchematronRunner, type SchematronResult } from './schematron-engine.js';
import { parseXml, type XdmNode } from './xdm.js';

const DIR = '/virtual/schematrons';

/** Loads `main.sch` from an in-memory folder and runs it on a document. */
function run(files: Record<string, string>, xml: string, documents: Record<string, string> = {}): SchematronResult {
  const read = (file: string): string => {
    const text = files[path.relative(DIR, file)];
    if (text === undefined) throw new Error(`no file ${file}`);
    return text;
  };
  const schema = loadSchematron(path.join(DIR, 'main.sch'), read);
  const docs = new Map<string, XdmNode>(Object.entries(documents).map(([k, v]) => [k, parseXml(v)]));
  return new SchematronRunner(schema, docs).run(parseXml(xml));
}

const sch = (body: string, attrs = ''): string =>
  `<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2" ${attrs}><ns prefix="cda" uri="urn:hl7-org:v3"/>${body}</schema>`;

const DOC = `<ClinicalDocument xmlns="urn:hl7-org:v3">
  <code code="A" codeSystem="1.2"/>
  <section><templateId root="1.1"/><entry><obs code="x"/></entry><entry><obs code="y"/></entry></section>
  <section><templateId root="2.2"/><entry><obs code="z"/></entry></section>
</ClinicalDocument>`;

const messages = (r: SchematronResult): string[] => r.errors.map((e) => e.message);

describe('Schematron engine', () => {
  it('asserts fail when false, reports fire when true; messages evaluate value-of and name', () => {
    const r = run(
      {
        'main.sch': sch(`<pattern><rule context="cda:code">
          <assert test="@code = 'B'">code <value-of select="@code"/> on <name/> is not B</assert>
          <assert test="@code = 'A'">never</assert>
          <report test="@codeSystem">has   codeSystem
            <value-of select="@codeSystem"/></report>
        </rule></pattern>`),
      },
      DOC,
    );
    expect(r.errors).toEqual([
      { message: 'code A on code is not B', location: '/ClinicalDocument[1]/code[1]', rule: "@code = 'B'" },
      { message: 'has codeSystem 1.2', location: '/ClinicalDocument[1]/code[1]', rule: '@codeSystem' },
    ]);
    expect(r.warnings).toEqual([]);
  });

  it('role warning/info makes a warning; error, fatal or none an error; the assert id is the rule', () => {
    const r = run(
      {
        'main.sch': sch(`<pattern><rule context="cda:code">
          <assert id="w1" role="warning" test="false()">w</assert>
          <assert id="i1" role="info" test="false()">i</assert>
          <assert id="e1" role="error" test="false()">e</assert>
          <assert id="f1" role="fatal" test="false()">f</assert>
          <assert id="n1" test="false()">n</assert>
        </rule></pattern>`),
      },
      DOC,
    );
    expect(r.warnings.map((w) => w.rule)).toEqual(['w1', 'i1']);
    expect(r.errors.map((e) => e.rule)).toEqual(['e1', 'f1', 'n1']);
  });

  it('within a pattern the first matching rule wins; another pattern sees the node again', () => {
    const r = run(
      {
        'main.sch': sch(`
          <pattern id="p1">
            <rule context="cda:section[cda:templateId/@root = '1.1']"><assert test="false()">p1 first</assert></rule>
            <rule context="cda:section"><assert test="false()">p1 second</assert></rule>
          </pattern>
          <pattern id="p2">
            <rule context="*[cda:templateId]"><assert test="false()">p2</assert></rule>
          </pattern>`),
      },
      DOC,
    );
    expect(r.errors.map((e) => `${e.message} ${e.location}`)).toEqual([
      'p1 first /ClinicalDocument[1]/section[1]',
      'p1 second /ClinicalDocument[1]/section[2]',
      'p2 /ClinicalDocument[1]/section[1]',
      'p2 /ClinicalDocument[1]/section[2]',
    ]);
  });

  it('matches XSLT patterns: //, attributes, unions, positions, the root', () => {
    const r = run(
      {
        'main.sch': sch(`
          <pattern><rule context="cda:section[cda:templateId/@root='1.1']//cda:obs"><assert test="false()">deep <value-of select="@code"/></assert></rule></pattern>
          <pattern><rule context="cda:obs/@code"><report test=". = 'z'">attribute <value-of select="."/></report></rule></pattern>
          <pattern><rule context="cda:code | cda:templateId[@root='2.2']"><report test="true()">union <name/></report></rule></pattern>
          <pattern><rule context="cda:section/cda:entry[1]"><report test="true()">first entry</report></rule></pattern>
          <pattern><rule context="/"><assert test="cda:ClinicalDocument">root</assert><report test="count(//cda:obs) = 3">root sees 3</report></rule></pattern>`),
      },
      DOC,
    );
    expect(r.errors.map((e) => `${e.message} @ ${e.location}`)).toEqual([
      'deep x @ /ClinicalDocument[1]/section[1]/entry[1]/obs[1]',
      'deep y @ /ClinicalDocument[1]/section[1]/entry[2]/obs[1]',
      'attribute z @ /ClinicalDocument[1]/section[2]/entry[1]/obs[1]/@code',
      'union code @ /ClinicalDocument[1]/code[1]',
      'union templateId @ /ClinicalDocument[1]/section[2]/templateId[1]',
      'first entry @ /ClinicalDocument[1]/section[1]/entry[1]',
      'first entry @ /ClinicalDocument[1]/section[2]/entry[1]',
      'root sees 3 @ /',
    ]);
  });

  it('instantiates abstract patterns (is-a, params substituted by name, longest first), with includes', () => {
    const r = run(
      {
        'main.sch': sch(`
          <include href="abstract/a.sch"/>
          <include href="inst/i.sch"/>
          <pattern id="vars"><let name="expected" value="'y'"/></pattern>`),
        'abstract/a.sch': `<pattern xmlns="http://purl.oclc.org/dsdl/schematron" abstract="true" id="codeIs">
            <rule context="$elt"><assert test="@code = $value">[<value-of select="$label"/>] <value-of select="@code"/> is not <value-of select="$value"/> ($elt2 untouched: <value-of select="'$elt2'"/>)</assert></rule>
          </pattern>`,
        'inst/i.sch': `<pattern xmlns="http://purl.oclc.org/dsdl/schematron" id="obsIsY" is-a="codeIs">
            <param name="elt" value="cda:obs"/><param name="value" value="$expected"/><param name="label" value="'obs'"/>
          </pattern>`,
      },
      DOC,
    );
    expect(messages(r)).toEqual(['[obs] x is not y ($elt2 untouched: $elt2)', '[obs] z is not y ($elt2 untouched: $elt2)']);
  });

  it('inlines abstract rules where they are extended, lets included, nested', () => {
    const r = run(
      {
        'main.sch': sch(`
          <pattern>
            <rule abstract="true" id="base"><let name="c" value="string(@code)"/><assert test="$c != ''">base: code empty</assert></rule>
            <rule abstract="true" id="mid"><extends rule="base"/><assert test="$c = ('x', 'y', 'z', 'A')">mid: <value-of select="$c"/> unknown</assert></rule>
          </pattern>
          <pattern><rule context="cda:obs"><extends rule="mid"/><let name="d" value="concat($c, '!')"/><report test="$d = 'y!'">own: <value-of select="$d"/></report></rule></pattern>`),
      },
      DOC.replace('<obs code="z"/>', '<obs code="q"/>'),
    );
    // Checks in rule order: those of the extended rules first, where the extends stands.
    expect(messages(r)).toEqual(['own: y!', 'mid: q unknown']);
  });

  it('runs only the default phase’s patterns', () => {
    const r = run(
      {
        'main.sch': sch(
          `<phase id="p"><active pattern="on"/></phase>
           <pattern id="on"><rule context="cda:code"><assert test="false()">on</assert></rule></pattern>
           <pattern id="off"><rule context="cda:code"><assert test="false()">off</assert></rule></pattern>`,
          'defaultPhase="p"',
        ),
      },
      DOC,
    );
    expect(messages(r)).toEqual(['on']);
  });

  it('reads documents through doc() and document() by the literal the schema names; a missing one is reported', () => {
    const vs = '<RetrieveValueSetResponse xmlns="urn:ihe:iti:svs:2008"><ValueSet><ConceptList><Concept code="x"/><Concept code="y"/></ConceptList></ValueSet></RetrieveValueSetResponse>';
    const r = run(
      {
        'main.sch': sch(`
          <ns prefix="svs" uri="urn:ihe:iti:svs:2008"/>
          <let name="jdv" value="'../jeuxDeValeurs/JDV_X.xml'"/>
          <pattern><rule context="cda:obs">
            <assert test="document($jdv)//svs:Concept/@code = @code">not in set: <value-of select="@code"/></assert>
            <assert test="doc('../jeuxDeValeurs/JDV_X.xml')//svs:Concept/@code = @code">doc: not in set</assert>
          </rule></pattern>
          <pattern><rule context="cda:code"><assert test="doc('../jeuxDeValeurs/absent.xml')//svs:Concept">unreachable</assert></rule></pattern>`),
      },
      DOC,
      { '../jeuxDeValeurs/JDV_X.xml': vs },
    );
    expect(r.errors).toEqual([
      { message: 'not in set: z', location: '/ClinicalDocument[1]/section[2]/entry[1]/obs[1]', rule: 'document($jdv)//svs:Concept/@code = @code' },
      { message: 'doc: not in set', location: '/ClinicalDocument[1]/section[2]/entry[1]/obs[1]', rule: "doc('../jeuxDeValeurs/JDV_X.xml')//svs:Concept/@code = @code" },
      {
        message: 'Could not be evaluated (Q{urn:dmp:maternity:cda-validation}missing-document: document not available: ../jeuxDeValeurs/absent.xml): unreachable',
        location: '/ClinicalDocument[1]/code[1]',
        rule: "doc('../jeuxDeValeurs/absent.xml')//svs:Concept",
      },
    ]);
  });

  it('evaluates collation-sensitive functions inside lets, and quantified regex anchors as Saxon does', () => {
    const r = run(
      {
        'main.sch': sch(`<pattern><rule context="cda:code">
          <let name="v" value="distinct-values(('a', 'b', 'a'))"/>
          <let name="w" value="contains(@codeSystem, '.')"/>
          <assert test="count($v) = 2 and $w and starts-with(@code, 'A') and max(('a', 'c')) = 'c'">collations</assert>
          <assert test="matches('123', '^-?[1-9]\\d*$|^+?\\d*$') and not(matches('+5', '^+?\\d*$'))">regex</assert>
        </rule></pattern>`),
      },
      DOC,
    );
    expect(r).toEqual({ errors: [], warnings: [] });
  });

  it('reports an expression error as an issue of its check; a failing variable fails only the checks using it', () => {
    const r = run(
      {
        'main.sch': sch(`<pattern><rule context="cda:code">
          <let name="n" value="xs:integer(@code)"/>
          <let name="m" value="$n + 1"/>
          <let name="s" value="string(@code)"/>
          <assert test="$m gt 0">needs a number</assert>
          <assert test="$s = 'B'">still runs: <value-of select="$s"/></assert>
        </rule></pattern>`),
      },
      DOC,
    );
    expect(r.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^Could not be evaluated \(FORG0001.*\): needs a number$/), 'still runs: A']);
  });
});
