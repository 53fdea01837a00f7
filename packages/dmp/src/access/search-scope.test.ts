import { describe, expect, it } from 'vitest';
import { decide, searchScope } from './decide.js';
import { habilitation } from './habilitation-matrix.js';
import { isEmergencyAccess } from './rules.js';
import { documentInScope, scopeExclusion } from './scope-match.js';
import { ACTOR, ID, MATERNITY, REP, doc, professional, record } from './test-fixtures.js';
import type { AccessContext, AccessMode, Actor, RecordAccessState, SearchScope, VisibilityFlag } from './types.js';

const SENSITIVE = ['68599-0', '83901-9', '75496-0'];
const REASON = 'arrêt cardio-respiratoire';

describe('searchScope: the rules as data', () => {
  const R = record({
    minor: true,
    legalRepresentatives: new Set([REP]),
    authorised: new Set([ID.nurse, ID.socialWorker, ID.assistantDentaire, MATERNITY.nationalId]),
    blocked: new Set([ID.blocked]),
  });
  const table: readonly (readonly [string, Actor, RecordAccessState | undefined, AccessContext, SearchScope])[] = [
    ['patient', ACTOR.patient, R, { mode: 'normal' }, { kind: 'documents', rule: 'patient-own-record', hiddenFlags: ['INVISIBLE_PATIENT'] }],
    [
      'legal representative',
      ACTOR.legalRep,
      R,
      { mode: 'normal' },
      { kind: 'documents', rule: 'legal-representative', hiddenFlags: ['INVISIBLE_PATIENT', 'INVISIBLE_REPRESENTANTS_LEGAUX'] },
    ],
    ['médecin traitant', ACTOR.medecinTraitant, R, { mode: 'normal' }, { kind: 'documents', rule: 'medecin-traitant', hiddenFlags: [], excludedTypeCodes: ['ATTEST-RESID'] }],
    [
      'authorised nurse',
      ACTOR.nurse,
      R,
      { mode: 'normal' },
      { kind: 'documents', rule: 'authorised-professional', hiddenFlags: ['MASQUE_PS'], unlessAuthor: ID.nurse, excludedClassCodes: ['95'], excludedTypeCodes: SENSITIVE },
    ],
    [
      'authorised social worker',
      ACTOR.socialWorker,
      R,
      { mode: 'normal' },
      { kind: 'documents', rule: 'authorised-professional', hiddenFlags: ['MASQUE_PS'], unlessAuthor: ID.socialWorker, allowedClassCodes: ['44', '90'] },
    ],
    [
      'midwife of an authorised maternity',
      ACTOR.maternityMidwife,
      R,
      { mode: 'normal' },
      { kind: 'documents', rule: 'authorised-establishment', hiddenFlags: ['MASQUE_PS'], unlessAuthor: ID.midwife, excludedTypeCodes: ['ATTEST-RESID'] },
    ],
    [
      'doctor in bris de glace',
      ACTOR.doctor,
      R,
      { mode: 'bris_de_glace', reason: REASON },
      { kind: 'documents', rule: 'bris-de-glace', hiddenFlags: ['MASQUE_PS'], unlessAuthor: ID.doctor, excludedTypeCodes: ['ATTEST-RESID'] },
    ],
    [
      'regulator in centre 15',
      ACTOR.regulator,
      R,
      { mode: 'centre_15', reason: REASON },
      { kind: 'documents', rule: 'centre-15', hiddenFlags: ['MASQUE_PS'], unlessAuthor: ID.regulator, excludedTypeCodes: ['ATTEST-RESID'] },
    ],
    [
      'physiotherapist in bris de glace',
      professional('810000000070', '70'),
      R,
      { mode: 'bris_de_glace', reason: REASON },
      { kind: 'documents', rule: 'bris-de-glace', hiddenFlags: ['MASQUE_PS'], unlessAuthor: '810000000070', excludedClassCodes: ['95'], excludedTypeCodes: SENSITIVE },
    ],
    ['unauthorised doctor', ACTOR.doctor, R, { mode: 'normal' }, { kind: 'none', rule: 'not-authorised', reason: expect.any(String) as string }],
    ['authorised assistant dentaire', ACTOR.assistantDentaire, R, { mode: 'normal' }, { kind: 'none', rule: 'habilitation', reason: expect.any(String) as string }],
    ['blocked doctor', ACTOR.blockedDoctor, R, { mode: 'bris_de_glace', reason: REASON }, { kind: 'none', rule: 'blocked-by-patient', reason: expect.any(String) as string }],
    ['doctor, opposed', ACTOR.doctor, record({ ...R, emergencyOpposed: true }), { mode: 'bris_de_glace', reason: REASON }, { kind: 'none', rule: 'emergency-opposed', reason: expect.any(String) as string }],
    ['doctor, no reason', ACTOR.doctor, R, { mode: 'bris_de_glace' }, { kind: 'none', rule: 'emergency-reason-missing', reason: expect.any(String) as string }],
    ['doctor in centre 15', ACTOR.doctor, R, { mode: 'centre_15', reason: REASON }, { kind: 'none', rule: 'centre-15-not-regulator', reason: expect.any(String) as string }],
    ['médecin traitant, closed record', ACTOR.medecinTraitant, record({ ...R, status: 'closed' }), { mode: 'normal' }, { kind: 'none', rule: 'record-closed', reason: expect.any(String) as string }],
    ['patient, closed record', ACTOR.patient, record({ ...R, status: 'closed' }), { mode: 'normal' }, { kind: 'none', rule: 'record-closed', reason: expect.any(String) as string }],
    ['patient, no record', ACTOR.patient, undefined, { mode: 'normal' }, { kind: 'none', rule: 'record-not-found', reason: expect.any(String) as string }],
    ['representative of an adult', ACTOR.legalRep, record({ ...R, minor: false }), { mode: 'normal' }, { kind: 'none', rule: 'not-legal-representative', reason: expect.any(String) as string }],
    ['administrator', ACTOR.administrator, R, { mode: 'normal' }, { kind: 'none', rule: 'not-permitted', reason: expect.any(String) as string }],
    ['assurance maladie', ACTOR.assuranceMaladie, R, { mode: 'normal' }, { kind: 'none', rule: 'assurance-maladie-deposit-only', reason: expect.any(String) as string }],
    ['bank', ACTOR.bank, R, { mode: 'normal' }, { kind: 'none', rule: 'forbidden-third-party', reason: expect.any(String) as string }],
    ['occupational physician', ACTOR.occupationalPhysician, record({ ...R, authorised: new Set([ID.occupational]) }), { mode: 'normal' }, { kind: 'none', rule: 'forbidden-occupational-medicine', reason: expect.any(String) as string }],
  ];
  it.each(table)('%s', (_name, actor, rec, context, expected) => {
    const scope = searchScope(actor, rec, context);
    expect(scope).toEqual(expected);
    expect(isEmergencyAccess(scope)).toBe(scope.kind === 'documents' && (scope.rule === 'bris-de-glace' || scope.rule === 'centre-15'));
  });
});

describe('scopeExclusion', () => {
  const nurseScope = searchScope(ACTOR.nurse, record({ authorised: new Set([ID.nurse]) }), { mode: 'normal' });
  it.each([
    ['plain', doc(), undefined],
    ['masked', doc({ flags: ['MASQUE_PS'] }), 'masked-to-professionals'],
    ['masked, own', doc({ flags: ['MASQUE_PS'], authorId: ID.nurse }), undefined],
    ['management class', doc({ typeCode: '59284-0', classCode: '95' }), 'habilitation'],
    ['sensitive, own', doc({ typeCode: '68599-0', classCode: '11', authorId: ID.nurse }), 'habilitation'],
  ] as const)('%s -> %s', (_name, document, rule) => {
    expect(scopeExclusion(nurseScope, document)?.rule).toBe(rule);
    expect(documentInScope(nurseScope, document)).toBe(rule === undefined);
  });
});

/**
 * Every combination of the dimensions the rules know, checked against invariants. These do not
 * re-derive the expected outcome; they assert properties that must hold whatever the rule order.
 */
describe('invariants over every combination', () => {
  const professionals: readonly (readonly [string, Actor])[] = [
    ['mt', ACTOR.medecinTraitant],
    ['doctor', ACTOR.doctor],
    ['midwife', ACTOR.maternityMidwife],
    ['nurse', ACTOR.nurse],
    ['social', ACTOR.socialWorker],
    ['unlisted', ACTOR.assistantDentaire],
    ['regulator', ACTOR.regulator],
    ['samu-nurse', ACTOR.samuNurse],
    ['occupational', ACTOR.occupationalPhysician],
  ];
  const patientSide: readonly (readonly [string, Actor])[] = [
    ['patient', ACTOR.patient],
    ['rep', ACTOR.legalRep],
    ['stranger-rep', ACTOR.strangerRep],
    ['admin', ACTOR.administrator],
    ['cnam', ACTOR.assuranceMaladie],
    ['bank', ACTOR.bank],
  ];
  const relations = ['none', 'authorised', 'blocked', 'authorised+blocked'] as const;
  const modes: readonly AccessMode[] = ['normal', 'bris_de_glace', 'centre_15'];
  const reasons = [undefined, REASON] as const; // a blank reason is in the tables above
  const flagSets: readonly (readonly VisibilityFlag[])[] = [[], ['MASQUE_PS'], ['INVISIBLE_PATIENT'], ['INVISIBLE_REPRESENTANTS_LEGAUX'], ['MASQUE_PS', 'INVISIBLE_PATIENT']];
  const types = [
    ['11490-0', '10'],
    ['ATTEST-RESID', '95'],
    ['68599-0', '11'],
    ['18776-5', '44'],
  ] as const;

  function idOf(actor: Actor): string {
    return actor.kind === 'professional' ? actor.professional.nationalId : actor.kind === 'patient' ? actor.ins : 'x';
  }

  interface Combination {
    readonly actor: Actor;
    readonly name: string;
    readonly record: RecordAccessState;
    readonly context: AccessContext;
    readonly relation: (typeof relations)[number];
    readonly own: boolean;
  }

  const combinations: Combination[] = [];
  for (const [name, actor] of [...professionals, ...patientSide]) {
    for (const relation of relations) {
      for (const opposed of [false, true]) {
        for (const status of ['open', 'closed'] as const) {
          const id = idOf(actor);
          const rec = record({
            status,
            emergencyOpposed: opposed,
            minor: true,
            legalRepresentatives: new Set([REP]),
            authorised: new Set(relation.includes('authorised') ? [id] : []),
            blocked: new Set(relation.includes('blocked') ? [id] : []),
          });
          for (const mode of modes) {
            for (const reason of reasons) {
              for (const flags of flagSets) {
                for (const [typeCode, classCode] of types) {
                  for (const own of [false, true]) {
                    const document = doc({ typeCode, classCode, flags: [...flags], authorId: own ? id : ID.otherAuthor });
                    const context: AccessContext = { mode, ...(reason !== undefined ? { reason } : {}), document };
                    combinations.push({ actor, name, record: rec, context, relation, own });
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  const OTHER_ACTIONS = ['document.deposit', 'document.mask', 'document.archive', 'document.delete', 'document.set-visibility', 'record.status', 'record.create'] as const;

  /** Every decision of every combination, computed once. */
  const results = combinations.map((c) => ({
    c,
    scope: searchScope(c.actor, c.record, c.context),
    read: decide(c.actor, 'document.read', c.record, c.context),
    search: decide(c.actor, 'document.search', c.record, c.context),
    other: Object.fromEntries(OTHER_ACTIONS.map((a) => [a, decide(c.actor, a, c.record, { ...c.context, depositTypeCode: '11490-0' })])),
  }));

  const describeCase = (c: Combination): string =>
    `${c.name} ${c.relation} ${c.record.status}${c.record.emergencyOpposed ? ' opposed' : ''} ${c.context.mode} reason=${JSON.stringify(c.context.reason)} flags=${[...(c.context.document?.visibility ?? [])].join('+')} ${c.context.document?.typeCode}${c.own ? ' own' : ''}`;

  /** The cases breaking an invariant (expected: none), described; at most 5 shown. */
  function violations(check: (r: (typeof results)[number]) => boolean): string[] {
    return results.filter((r) => !check(r)).slice(0, 5).map((r) => describeCase(r.c));
  }

  it('covers the cross product', () => {
    expect(combinations.length).toBe(15 * 4 * 2 * 2 * 3 * 2 * 5 * 4 * 2);
  });

  it('a read is allowed exactly when the search scope shows the document, with the same rule', () => {
    expect(
      violations(({ c, scope, read, search }) => {
        const document = c.context.document ?? doc();
        const exclusion = scopeExclusion(scope, document);
        return (
          read.allowed === documentInScope(scope, document) &&
          search.allowed === (scope.kind === 'documents') &&
          search.rule === scope.rule &&
          read.rule === (read.allowed ? scope.rule : exclusion?.rule)
        );
      }),
    ).toEqual([]);
  });

  it('on a closed record only record.status, record.create refusals, and the patient side\'s record.manage and history.read', () => {
    expect(
      violations(({ c, read, search, other }) => {
        if (c.record.status !== 'closed') return true;
        const allowed = [read, search, ...OTHER_ACTIONS.filter((a) => a !== 'record.status').map((a) => other[a])].some((d) => d?.allowed);
        return !allowed;
      }),
    ).toEqual([]);
  });

  it('a blocked professional who is not the médecin traitant gets nothing but record.status', () => {
    expect(
      violations(({ c, read, search, other }) => {
        if (c.actor.kind !== 'professional' || !c.relation.includes('blocked') || c.name === 'mt' || c.name === 'occupational') return true;
        const refusals = [read, search, other['document.deposit'], other['document.archive'], other['document.delete'], other['document.set-visibility']];
        return refusals.every((d) => d !== undefined && !d.allowed && d.rule === 'blocked-by-patient') && other['record.status']?.allowed === true;
      }),
    ).toEqual([]);
  });

  it('the forbidden are never allowed anything', () => {
    expect(
      violations(({ c, read, search, other }) => {
        if (c.name !== 'occupational' && c.name !== 'bank') return true;
        return ![read, search, ...Object.values(other)].some((d) => d?.allowed);
      }),
    ).toEqual([]);
  });

  it('a masked document is read by a professional only if médecin traitant or author', () => {
    expect(
      violations(({ c, read }) => !(c.actor.kind === 'professional' && c.context.document?.visibility.has('MASQUE_PS') && read.allowed) || c.name === 'mt' || c.own),
    ).toEqual([]);
  });

  it('every professional read respects the habilitation matrix', () => {
    expect(
      violations(({ c, read }) => {
        if (c.actor.kind !== 'professional') return true;
        const document = c.context.document ?? doc();
        return habilitation(c.actor.professional.profession, document.typeCode, document.classCode) || !read.allowed;
      }),
    ).toEqual([]);
  });

  it('emergency access only in an emergency mode, with a reason, not opposed, for someone without a normal right', () => {
    expect(
      violations(({ c, read }) => {
        if (!isEmergencyAccess(read)) return true;
        return (
          c.context.mode !== 'normal' &&
          (c.context.reason ?? '').trim() !== '' &&
          !c.record.emergencyOpposed &&
          c.name !== 'mt' &&
          c.relation === 'none' &&
          (read.rule !== 'centre-15' || c.name === 'regulator')
        );
      }),
    ).toEqual([]);
  });

  it('some combinations are emergency accesses, of both kinds (the invariant above is not vacuous)', () => {
    const rules = new Set(results.filter((r) => isEmergencyAccess(r.read)).map((r) => r.read.rule));
    expect([...rules].sort()).toEqual(['bris-de-glace', 'centre-15']);
  });

  it('a document flagged INVISIBLE_PATIENT is never shown to the patient or a legal representative', () => {
    expect(
      violations(({ c, read }) => {
        if (c.name !== 'patient' && c.name !== 'rep') return true;
        const flags = c.context.document?.visibility;
        if (flags?.has('INVISIBLE_PATIENT')) return !read.allowed;
        if (c.name === 'rep' && flags?.has('INVISIBLE_REPRESENTANTS_LEGAUX')) return !read.allowed;
        return true;
      }),
    ).toEqual([]);
  });

  it('the Assurance Maladie, administrators and strangers never read', () => {
    expect(
      violations(({ c, read, scope }) => !['cnam', 'admin', 'stranger-rep', 'bank'].includes(c.name) || (!read.allowed && scope.kind === 'none')),
    ).toEqual([]);
  });
});
