import { describe, expect, it } from 'vitest';
import { decide } from './decide.js';
import { isEmergencyAccess } from './rules.js';
import { ACTOR, ID, INS, MATERNITY, REP, doc, professional, record } from './test-fixtures.js';
import type { AccessContext, AccessMode, Action, Actor, Decision, RecordAccessState, VisibilityFlag } from './types.js';

/** `+rule` allowed by rule, `-rule` denied by rule. */
type Expected = `${'+' | '-'}${string}`;

const show = (d: Decision): Expected => `${d.allowed ? '+' : '-'}${d.rule}`;

const ACTIONS = [
  'record.status',
  'record.create',
  'record.manage',
  'document.search',
  'document.read',
  'document.deposit',
  'document.mask',
  'document.unmask',
  'document.set-visibility',
  'document.archive',
  'document.delete',
  'history.read',
] as const satisfies readonly Action[];

/** The record every case of the action matrix sees, unless the case says otherwise. */
const BASE = {
  minor: true,
  legalRepresentatives: new Set([REP]),
  authorised: new Set<string>([ID.nurse, ID.occupational, ID.blocked, ID.assistantDentaire, MATERNITY.nationalId, ID.socialWorker]),
  blocked: new Set<string>([ID.blocked]),
} satisfies Partial<RecordAccessState>;

interface ActorCase {
  readonly actor: Actor;
  readonly record?: Partial<RecordAccessState>;
}

const CASES = {
  patient: { actor: ACTOR.patient },
  'patient of another record': { actor: ACTOR.otherPatient },
  'legal representative': { actor: ACTOR.legalRep },
  'unlisted representative': { actor: ACTOR.strangerRep },
  'representative, patient now adult': { actor: ACTOR.legalRep, record: { minor: false } },
  administrator: { actor: ACTOR.administrator },
  'assurance maladie': { actor: ACTOR.assuranceMaladie },
  bank: { actor: ACTOR.bank },
  'occupational physician (authorised)': { actor: ACTOR.occupationalPhysician },
  'nurse of an SPST (authorised)': { actor: ACTOR.spstNurse },
  'médecin traitant': { actor: ACTOR.medecinTraitant },
  'médecin traitant, also blocked': { actor: ACTOR.medecinTraitant, record: { blocked: new Set([ID.medecinTraitant]) } },
  'authorised nurse': { actor: ACTOR.nurse },
  'midwife of an authorised maternity': { actor: ACTOR.maternityMidwife },
  'unauthorised doctor': { actor: ACTOR.doctor },
  'blocked doctor (also authorised)': { actor: ACTOR.blockedDoctor },
  'author of the document, unauthorised': { actor: ACTOR.author },
  'authorised assistant dentaire (no habilitation)': { actor: ACTOR.assistantDentaire },
} satisfies Record<string, ActorCase>;

type CaseName = keyof typeof CASES;

/**
 * Open record, a plain document (lettre de liaison, class 10, no flags) by another author (the
 * `author` case is given authorship), deposit of a lettre de liaison, mode normal.
 * Columns: status, create, manage, search, read, deposit, mask, unmask, set-visibility, archive, delete, history.
 */
const OPEN: Record<CaseName, readonly Expected[]> = {
  patient: ['+record-status', '-record-already-exists', '+patient-own-record', '+patient-own-record', '+patient-own-record', '-deposit-type-not-allowed', '+patient-own-record', '+patient-own-record', '-not-author', '+patient-own-record', '-not-author', '+patient-own-record'],
  'patient of another record': ['+record-status', '-record-already-exists', ...Array<Expected>(10).fill('-not-own-record')],
  'legal representative': ['+record-status', '-record-already-exists', '+legal-representative', '+legal-representative', '+legal-representative', '-deposit-type-not-allowed', '+legal-representative', '+legal-representative', '-not-author', '+legal-representative', '-not-author', '+legal-representative'],
  'unlisted representative': ['+record-status', '-record-already-exists', ...Array<Expected>(10).fill('-not-legal-representative')],
  'representative, patient now adult': ['+record-status', '-record-already-exists', ...Array<Expected>(10).fill('-not-legal-representative')],
  administrator: ['+record-status', '-record-already-exists', '+administrator-for-patient', '-not-permitted', '-not-permitted', '-not-permitted', '+administrator-for-patient', '+administrator-for-patient', '-not-permitted', '-not-permitted', '-not-permitted', '+administrator-for-patient'],
  'assurance maladie': ['+record-status', '-record-already-exists', '-assurance-maladie-deposit-only', '-assurance-maladie-deposit-only', '-assurance-maladie-deposit-only', '-deposit-type-not-allowed', ...Array<Expected>(6).fill('-assurance-maladie-deposit-only')],
  bank: Array<Expected>(12).fill('-forbidden-third-party'),
  'occupational physician (authorised)': Array<Expected>(12).fill('-forbidden-occupational-medicine'),
  'nurse of an SPST (authorised)': Array<Expected>(12).fill('-forbidden-occupational-medicine'),
  'médecin traitant': ['+record-status', '-record-already-exists', '-not-permitted', '+medecin-traitant', '+medecin-traitant', '+professional-deposit', '-not-permitted', '-not-permitted', '-not-author', '-not-author', '-not-author', '-not-permitted'],
  'médecin traitant, also blocked': ['+record-status', '-record-already-exists', '-not-permitted', '+medecin-traitant', '+medecin-traitant', '+professional-deposit', '-not-permitted', '-not-permitted', '-not-author', '-not-author', '-not-author', '-not-permitted'],
  'authorised nurse': ['+record-status', '-record-already-exists', '-not-permitted', '+authorised-professional', '+authorised-professional', '+professional-deposit', '-not-permitted', '-not-permitted', '-not-author', '-not-author', '-not-author', '-not-permitted'],
  'midwife of an authorised maternity': ['+record-status', '-record-already-exists', '-not-permitted', '+authorised-establishment', '+authorised-establishment', '+professional-deposit', '-not-permitted', '-not-permitted', '-not-author', '-not-author', '-not-author', '-not-permitted'],
  'unauthorised doctor': ['+record-status', '-record-already-exists', '-not-permitted', '-not-authorised', '-not-authorised', '+professional-deposit', '-not-permitted', '-not-permitted', '-not-author', '-not-author', '-not-author', '-not-permitted'],
  'blocked doctor (also authorised)': ['+record-status', '-record-already-exists', ...Array<Expected>(10).fill('-blocked-by-patient')],
  'author of the document, unauthorised': ['+record-status', '-record-already-exists', '-not-permitted', '-not-authorised', '-not-authorised', '+professional-deposit', '-not-permitted', '-not-permitted', '+document-author', '+document-author', '+document-author', '-not-permitted'],
  'authorised assistant dentaire (no habilitation)': ['+record-status', '-record-already-exists', '-not-permitted', '-habilitation', '-habilitation', '+professional-deposit', '-not-permitted', '-not-permitted', '-not-author', '-not-author', '-not-author', '-not-permitted'],
};

/** The same on a closed record: only record.manage (to reopen) and history.read stay open to the patient side. */
const CLOSED: Record<CaseName, readonly Expected[]> = {
  patient: ['+record-status', '-record-already-exists', '+patient-own-record', ...Array<Expected>(8).fill('-record-closed'), '+patient-own-record'],
  'patient of another record': ['+record-status', '-record-already-exists', ...Array<Expected>(10).fill('-not-own-record')],
  'legal representative': ['+record-status', '-record-already-exists', '+legal-representative', ...Array<Expected>(8).fill('-record-closed'), '+legal-representative'],
  'unlisted representative': ['+record-status', '-record-already-exists', ...Array<Expected>(10).fill('-not-legal-representative')],
  'representative, patient now adult': ['+record-status', '-record-already-exists', ...Array<Expected>(10).fill('-not-legal-representative')],
  administrator: ['+record-status', '-record-already-exists', '+administrator-for-patient', '-not-permitted', '-not-permitted', ...Array<Expected>(6).fill('-record-closed'), '+administrator-for-patient'],
  'assurance maladie': ['+record-status', '-record-already-exists', '-record-closed', '-assurance-maladie-deposit-only', '-assurance-maladie-deposit-only', ...Array<Expected>(7).fill('-record-closed')],
  bank: Array<Expected>(12).fill('-forbidden-third-party'),
  'occupational physician (authorised)': Array<Expected>(12).fill('-forbidden-occupational-medicine'),
  'nurse of an SPST (authorised)': Array<Expected>(12).fill('-forbidden-occupational-medicine'),
  'médecin traitant': ['+record-status', '-record-already-exists', ...Array<Expected>(10).fill('-record-closed')],
  'médecin traitant, also blocked': ['+record-status', '-record-already-exists', ...Array<Expected>(10).fill('-record-closed')],
  'authorised nurse': ['+record-status', '-record-already-exists', ...Array<Expected>(10).fill('-record-closed')],
  'midwife of an authorised maternity': ['+record-status', '-record-already-exists', ...Array<Expected>(10).fill('-record-closed')],
  'unauthorised doctor': ['+record-status', '-record-already-exists', ...Array<Expected>(10).fill('-record-closed')],
  'blocked doctor (also authorised)': ['+record-status', '-record-already-exists', ...Array<Expected>(10).fill('-blocked-by-patient')],
  'author of the document, unauthorised': ['+record-status', '-record-already-exists', ...Array<Expected>(10).fill('-record-closed')],
  'authorised assistant dentaire (no habilitation)': ['+record-status', '-record-already-exists', ...Array<Expected>(10).fill('-record-closed')],
};

function matrixCells(table: Record<CaseName, readonly Expected[]>, status: 'open' | 'closed') {
  return (Object.keys(table) as CaseName[]).flatMap((name) => {
    const row = table[name];
    return ACTIONS.map((action, i) => [name, action, status, row[i] ?? 'missing'] as const);
  });
}

function runCase(name: CaseName, action: Action, status: 'open' | 'closed'): Decision {
  const c: ActorCase = CASES[name];
  const authorId = name === 'author of the document, unauthorised' ? ID.author : ID.otherAuthor;
  const context: AccessContext = { mode: 'normal', document: doc({ authorId }), depositTypeCode: '11490-0', depositClassCode: '10' };
  return decide(c.actor, action, record({ ...BASE, ...c.record, status }), context);
}

describe('decide: actor x action on an open record', () => {
  it('has a full row for every case', () => {
    for (const row of Object.values(OPEN)) expect(row).toHaveLength(ACTIONS.length);
  });
  it.each(matrixCells(OPEN, 'open'))('%s / %s (%s record) -> %s', (name, action, status, expected) => {
    expect(show(runCase(name, action, status))).toBe(expected);
  });
});

describe('decide: actor x action on a closed record', () => {
  it('has a full row for every case', () => {
    for (const row of Object.values(CLOSED)) expect(row).toHaveLength(ACTIONS.length);
  });
  it.each(matrixCells(CLOSED, 'closed'))('%s / %s (%s record) -> %s', (name, action, status, expected) => {
    expect(show(runCase(name, action, status))).toBe(expected);
  });
});

describe('decide: no record yet', () => {
  const table: readonly (readonly [string, Actor, Action, Expected])[] = [
    ['patient', ACTOR.patient, 'record.create', '+record-create'],
    ['legal representative', ACTOR.legalRep, 'record.create', '+record-create'],
    ['administrator (front desk)', ACTOR.administrator, 'record.create', '+record-create'],
    ['doctor', ACTOR.doctor, 'record.create', '+record-create'],
    ['midwife at an establishment', ACTOR.maternityMidwife, 'record.create', '+record-create'],
    ['nurse on their own', ACTOR.nurse, 'record.create', '-not-permitted'],
    ['assurance maladie', ACTOR.assuranceMaladie, 'record.create', '-not-permitted'],
    ['bank', ACTOR.bank, 'record.create', '-forbidden-third-party'],
    ['occupational physician', ACTOR.occupationalPhysician, 'record.create', '-forbidden-occupational-medicine'],
    ['doctor', ACTOR.doctor, 'record.status', '+record-status'],
    ['patient', ACTOR.patient, 'record.status', '+record-status'],
    ['bank', ACTOR.bank, 'record.status', '-forbidden-third-party'],
    ['patient', ACTOR.patient, 'document.search', '-record-not-found'],
    ['doctor', ACTOR.doctor, 'document.read', '-record-not-found'],
    ['doctor', ACTOR.doctor, 'document.deposit', '-record-not-found'],
    ['administrator', ACTOR.administrator, 'record.manage', '-record-not-found'],
    ['assurance maladie', ACTOR.assuranceMaladie, 'document.deposit', '-record-not-found'],
  ];
  it.each(table)('%s / %s -> %s', (_name, actor, action, expected) => {
    expect(show(decide(actor, action, undefined, { mode: 'normal', depositTypeCode: 'REMB', depositClassCode: '60' }))).toBe(expected);
  });
});

describe('decide: the forbidden are refused whatever the patient said', () => {
  const everything = record({
    authorised: new Set([ID.occupational, ID.nurse, ID.doctor]),
    medecinTraitant: ID.occupational,
    emergencyOpposed: false,
  });
  const actors: readonly (readonly [string, Actor, string])[] = [
    ['SM25', ACTOR.occupationalPhysician, 'forbidden-occupational-medicine'],
    ['C41', ACTOR.occupationalCompetence, 'forbidden-occupational-medicine'],
    ['CAPA11', ACTOR.occupationalCapacity, 'forbidden-occupational-medicine'],
    ['structure SA66', ACTOR.spstNurse, 'forbidden-occupational-medicine'],
    ['establishment SA66', ACTOR.spstEstablishment, 'forbidden-occupational-medicine'],
    ['bank', ACTOR.bank, 'forbidden-third-party'],
    ['insurer', { kind: 'other', description: 'Mutuelle Exemple' }, 'forbidden-third-party'],
  ];
  const modes: readonly AccessMode[] = ['normal', 'bris_de_glace', 'centre_15'];
  const cells = actors.flatMap(([name, actor, rule]) => modes.flatMap((mode) => ACTIONS.map((action) => [name, mode, action, actor, rule] as const)));
  it.each(cells)('%s in mode %s / %s is refused', (_name, mode, action, actor, rule) => {
    const decision = decide(actor, action, everything, { mode, reason: 'urgence vitale', document: doc(), depositTypeCode: '11490-0' });
    expect(show(decision)).toBe(`-${rule}`);
  });
});

describe('decide: professional reads (relation x mode x flags)', () => {
  const R = record({ authorised: new Set([ID.nurse, ID.socialWorker, MATERNITY.nationalId]), blocked: new Set([ID.blocked]) });
  const opposed = record({ ...R, emergencyOpposed: true });
  type Row = readonly [string, Actor, RecordAccessState, AccessMode, string | undefined, readonly VisibilityFlag[], string, string, Expected];
  const REASON = 'patient inconscient, urgence vitale';
  const S = '18776-5'; // plan personnalisé de soins, class 44
  const table: readonly Row[] = [
    // who, actor, record, mode, reason, flags, type, authorId, expected
    ['MT', ACTOR.medecinTraitant, R, 'normal', undefined, [], '11490-0', ID.otherAuthor, '+medecin-traitant'],
    ['MT', ACTOR.medecinTraitant, R, 'normal', undefined, ['MASQUE_PS'], '11490-0', ID.otherAuthor, '+medecin-traitant'],
    ['MT', ACTOR.medecinTraitant, R, 'normal', undefined, ['INVISIBLE_PATIENT'], '11490-0', ID.otherAuthor, '+medecin-traitant'],
    ['MT', ACTOR.medecinTraitant, R, 'normal', undefined, ['INVISIBLE_REPRESENTANTS_LEGAUX'], '11490-0', ID.otherAuthor, '+medecin-traitant'],
    ['MT', ACTOR.medecinTraitant, R, 'normal', undefined, [], 'ATTEST-RESID', ID.otherAuthor, '-habilitation'],
    ['MT, opposed, bris de glace', ACTOR.medecinTraitant, opposed, 'bris_de_glace', undefined, ['MASQUE_PS'], '11490-0', ID.otherAuthor, '+medecin-traitant'],
    ['nurse', ACTOR.nurse, R, 'normal', undefined, [], '11490-0', ID.otherAuthor, '+authorised-professional'],
    ['nurse', ACTOR.nurse, R, 'normal', undefined, ['MASQUE_PS'], '11490-0', ID.otherAuthor, '-masked-to-professionals'],
    ['nurse, author', ACTOR.nurse, R, 'normal', undefined, ['MASQUE_PS'], '11490-0', ID.nurse, '+authorised-professional'],
    ['nurse', ACTOR.nurse, R, 'normal', undefined, ['INVISIBLE_PATIENT'], '11490-0', ID.otherAuthor, '+authorised-professional'],
    ['nurse', ACTOR.nurse, R, 'normal', undefined, ['INVISIBLE_REPRESENTANTS_LEGAUX'], '11490-0', ID.otherAuthor, '+authorised-professional'],
    ['nurse', ACTOR.nurse, R, 'normal', undefined, [], '68599-0', ID.otherAuthor, '-habilitation'],
    ['nurse, author', ACTOR.nurse, R, 'normal', undefined, [], '68599-0', ID.nurse, '-habilitation'],
    ['nurse', ACTOR.nurse, R, 'normal', undefined, ['MASQUE_PS'], '68599-0', ID.otherAuthor, '-masked-to-professionals'],
    ['nurse, bris de glace (normal right wins)', ACTOR.nurse, R, 'bris_de_glace', undefined, [], '11490-0', ID.otherAuthor, '+authorised-professional'],
    ['maternity midwife', ACTOR.maternityMidwife, R, 'normal', undefined, [], '15508-5', ID.otherAuthor, '+authorised-establishment'],
    ['maternity midwife', ACTOR.maternityMidwife, R, 'normal', undefined, ['MASQUE_PS'], '15508-5', ID.otherAuthor, '-masked-to-professionals'],
    ['social worker', ACTOR.socialWorker, R, 'normal', undefined, [], S, ID.otherAuthor, '+authorised-professional'],
    ['social worker', ACTOR.socialWorker, R, 'normal', undefined, [], '11490-0', ID.otherAuthor, '-habilitation'],
    ['social worker', ACTOR.socialWorker, R, 'normal', undefined, ['MASQUE_PS'], S, ID.otherAuthor, '-masked-to-professionals'],
    ['doctor', ACTOR.doctor, R, 'normal', undefined, [], '11490-0', ID.otherAuthor, '-not-authorised'],
    ['doctor', ACTOR.doctor, R, 'normal', undefined, [], '11490-0', ID.doctor, '-not-authorised'],
    ['doctor', ACTOR.doctor, R, 'bris_de_glace', REASON, [], '11490-0', ID.otherAuthor, '+bris-de-glace'],
    ['doctor', ACTOR.doctor, R, 'bris_de_glace', REASON, ['MASQUE_PS'], '11490-0', ID.otherAuthor, '-masked-to-professionals'],
    ['doctor, author', ACTOR.doctor, R, 'bris_de_glace', REASON, ['MASQUE_PS'], '11490-0', ID.doctor, '+bris-de-glace'],
    ['doctor', ACTOR.doctor, R, 'bris_de_glace', REASON, ['INVISIBLE_PATIENT'], '11490-0', ID.otherAuthor, '+bris-de-glace'],
    ['doctor', ACTOR.doctor, R, 'bris_de_glace', REASON, [], 'ATTEST-RESID', ID.otherAuthor, '-habilitation'],
    ['doctor', ACTOR.doctor, R, 'bris_de_glace', undefined, [], '11490-0', ID.otherAuthor, '-emergency-reason-missing'],
    ['doctor', ACTOR.doctor, R, 'bris_de_glace', '   ', [], '11490-0', ID.otherAuthor, '-emergency-reason-missing'],
    ['doctor', ACTOR.doctor, opposed, 'bris_de_glace', REASON, [], '11490-0', ID.otherAuthor, '-emergency-opposed'],
    ['pharmacist', professional('810000000021', '21'), R, 'bris_de_glace', REASON, [], '11490-0', ID.otherAuthor, '+bris-de-glace'],
    ['pharmacist', professional('810000000021', '21'), R, 'bris_de_glace', REASON, [], '83901-9', ID.otherAuthor, '-habilitation'],
    ['assistant dentaire', ACTOR.assistantDentaire, R, 'bris_de_glace', REASON, [], '11490-0', ID.otherAuthor, '-habilitation'],
    ['doctor', ACTOR.doctor, R, 'centre_15', REASON, [], '11490-0', ID.otherAuthor, '-centre-15-not-regulator'],
    ['SAMU nurse', ACTOR.samuNurse, R, 'centre_15', REASON, [], '11490-0', ID.otherAuthor, '-centre-15-not-regulator'],
    ['regulator', ACTOR.regulator, R, 'centre_15', REASON, [], '11490-0', ID.otherAuthor, '+centre-15'],
    ['regulator', ACTOR.regulator, R, 'centre_15', REASON, ['MASQUE_PS'], '11490-0', ID.otherAuthor, '-masked-to-professionals'],
    ['regulator', ACTOR.regulator, R, 'centre_15', REASON, [], 'ATTEST-RESID', ID.otherAuthor, '-habilitation'],
    ['regulator', ACTOR.regulator, R, 'centre_15', undefined, [], '11490-0', ID.otherAuthor, '-emergency-reason-missing'],
    ['regulator', ACTOR.regulator, opposed, 'centre_15', REASON, [], '11490-0', ID.otherAuthor, '-emergency-opposed'],
    ['regulator', ACTOR.regulator, R, 'normal', REASON, [], '11490-0', ID.otherAuthor, '-not-authorised'],
    ['regulator', ACTOR.regulator, R, 'bris_de_glace', REASON, [], '11490-0', ID.otherAuthor, '+bris-de-glace'],
    ['blocked', ACTOR.blockedDoctor, R, 'bris_de_glace', REASON, [], '11490-0', ID.otherAuthor, '-blocked-by-patient'],
    ['blocked, author', ACTOR.blockedDoctor, R, 'normal', undefined, [], '11490-0', ID.blocked, '-blocked-by-patient'],
    ['blocked regulator', ACTOR.regulator, record({ ...R, blocked: new Set([ID.regulator]) }), 'centre_15', REASON, [], '11490-0', ID.otherAuthor, '-blocked-by-patient'],
    ['blocked maternity', ACTOR.maternityMidwife, record({ ...R, blocked: new Set([MATERNITY.nationalId]) }), 'normal', undefined, [], '11490-0', ID.otherAuthor, '-blocked-by-patient'],
  ];
  const label = (r: Row): string =>
    `${r[0]} / ${r[3]}${r[4] === undefined ? '' : ` (reason ${JSON.stringify(r[4])})`}${r[2].emergencyOpposed ? ' / opposed' : ''} / flags ${r[5].join('+') || 'none'} / ${r[6]} / ${r[7] === ID.otherAuthor ? 'by another' : 'by ' + r[7]} -> ${r[8]}`;
  it.each(table.map((r) => [label(r), ...r] as const))('%s', (_label, _who, actor, rec, mode, reason, flags, typeCode, authorId, expected) => {
    const classCode = typeCode === S ? '44' : typeCode === 'ATTEST-RESID' ? '95' : typeCode === '68599-0' || typeCode === '83901-9' ? '11' : '10';
    const context: AccessContext = { mode, ...(reason !== undefined ? { reason } : {}), document: doc({ typeCode, classCode, flags: [...flags], authorId }) };
    const decision = decide(actor, 'document.read', rec, context);
    expect(show(decision)).toBe(expected);
    expect(isEmergencyAccess(decision)).toBe(expected === '+bris-de-glace' || expected === '+centre-15');
  });
});

describe('decide: patient side and visibility flags', () => {
  const minor = record({ minor: true, legalRepresentatives: new Set([REP]) });
  type Row = readonly [string, Actor, Action, VisibilityFlag | 'none', Expected];
  const table: readonly Row[] = [
    ['patient', ACTOR.patient, 'document.read', 'none', '+patient-own-record'],
    ['patient', ACTOR.patient, 'document.read', 'MASQUE_PS', '+patient-own-record'],
    ['patient', ACTOR.patient, 'document.read', 'INVISIBLE_PATIENT', '-invisible-to-patient'],
    ['patient', ACTOR.patient, 'document.read', 'INVISIBLE_REPRESENTANTS_LEGAUX', '+patient-own-record'],
    ['patient', ACTOR.patient, 'document.mask', 'none', '+patient-own-record'],
    ['patient', ACTOR.patient, 'document.mask', 'INVISIBLE_PATIENT', '-invisible-to-patient'],
    ['patient', ACTOR.patient, 'document.unmask', 'MASQUE_PS', '+patient-own-record'],
    ['patient', ACTOR.patient, 'document.archive', 'INVISIBLE_PATIENT', '-invisible-to-patient'],
    ['patient', ACTOR.patient, 'document.archive', 'MASQUE_PS', '+patient-own-record'],
    ['representative', ACTOR.legalRep, 'document.read', 'none', '+legal-representative'],
    ['representative', ACTOR.legalRep, 'document.read', 'MASQUE_PS', '+legal-representative'],
    ['representative', ACTOR.legalRep, 'document.read', 'INVISIBLE_PATIENT', '-invisible-to-patient'],
    ['representative', ACTOR.legalRep, 'document.read', 'INVISIBLE_REPRESENTANTS_LEGAUX', '-invisible-to-legal-representatives'],
    ['representative', ACTOR.legalRep, 'document.mask', 'INVISIBLE_REPRESENTANTS_LEGAUX', '-invisible-to-legal-representatives'],
    ['representative', ACTOR.legalRep, 'document.unmask', 'MASQUE_PS', '+legal-representative'],
    ['representative', ACTOR.legalRep, 'document.archive', 'INVISIBLE_REPRESENTANTS_LEGAUX', '-invisible-to-legal-representatives'],
    ['administrator', ACTOR.administrator, 'document.mask', 'none', '+administrator-for-patient'],
    ['administrator', ACTOR.administrator, 'document.unmask', 'MASQUE_PS', '+administrator-for-patient'],
    ['administrator', ACTOR.administrator, 'document.mask', 'INVISIBLE_PATIENT', '-invisible-to-patient'],
    ['administrator', ACTOR.administrator, 'document.mask', 'INVISIBLE_REPRESENTANTS_LEGAUX', '+administrator-for-patient'],
    ['administrator', ACTOR.administrator, 'document.read', 'none', '-not-permitted'],
  ];
  it.each(table)('%s / %s / flag %s -> %s', (_who, actor, action, flag, expected) => {
    const document = doc({ flags: flag === 'none' ? [] : [flag] });
    expect(show(decide(actor, action, minor, { mode: 'normal', document }))).toBe(expected);
  });

  it('the patient reads their own record in any mode', () => {
    for (const mode of ['normal', 'bris_de_glace', 'centre_15'] as const) {
      expect(show(decide(ACTOR.patient, 'document.read', record({ emergencyOpposed: true }), { mode, document: doc() }))).toBe('+patient-own-record');
    }
  });
});

describe('decide: authorship (delete, set-visibility, archive)', () => {
  const minor = record({ minor: true, legalRepresentatives: new Set([REP]) });
  type Row = readonly [string, Actor, Action, string, readonly VisibilityFlag[], Expected];
  const table: readonly Row[] = [
    ['author deletes', ACTOR.author, 'document.delete', ID.author, [], '+document-author'],
    ['author deletes a masked doc', ACTOR.author, 'document.delete', ID.author, ['MASQUE_PS'], '+document-author'],
    ['author lifts INVISIBLE_PATIENT', ACTOR.author, 'document.set-visibility', ID.author, ['INVISIBLE_PATIENT'], '+document-author'],
    ['author archives', ACTOR.author, 'document.archive', ID.author, [], '+document-author'],
    ['MT deletes another author', ACTOR.medecinTraitant, 'document.delete', ID.author, [], '-not-author'],
    ['MT lifts another author', ACTOR.medecinTraitant, 'document.set-visibility', ID.author, ['INVISIBLE_PATIENT'], '-not-author'],
    ['patient deletes own deposit', ACTOR.patient, 'document.delete', INS, [], '+document-author'],
    ['patient deletes a professional doc', ACTOR.patient, 'document.delete', ID.author, [], '-not-author'],
    ['patient lifts INVISIBLE_PATIENT', ACTOR.patient, 'document.set-visibility', ID.author, ['INVISIBLE_PATIENT'], '-invisible-to-patient'],
    ['patient archives a professional doc', ACTOR.patient, 'document.archive', ID.author, [], '+patient-own-record'],
    ['representative deletes the minor\'s deposit', ACTOR.legalRep, 'document.delete', INS, [], '+document-author'],
    ['representative deletes own deposit', ACTOR.legalRep, 'document.delete', REP, [], '+document-author'],
    ['representative deletes a professional doc', ACTOR.legalRep, 'document.delete', ID.author, [], '-not-author'],
    ['administrator deletes', ACTOR.administrator, 'document.delete', INS, [], '-not-permitted'],
    ['assurance maladie deletes', ACTOR.assuranceMaladie, 'document.delete', 'cnam', [], '-assurance-maladie-deposit-only'],
  ];
  it.each(table)('%s -> %s', (_name, actor, action, authorId, flags, expected) => {
    expect(show(decide(actor, action, minor, { mode: 'normal', document: doc({ authorId, flags: [...flags] }) }))).toBe(expected.toString());
  });

  it('single-document actions need the document', () => {
    for (const action of ['document.read', 'document.mask', 'document.unmask', 'document.archive', 'document.delete', 'document.set-visibility'] as const) {
      expect(show(decide(ACTOR.patient, action, record(), { mode: 'normal' }))).toBe('-document-required');
    }
  });
});

describe('decide: deposits (actor x document type)', () => {
  const R = record({ minor: true, legalRepresentatives: new Set([REP]), blocked: new Set([ID.blocked]) });
  // Columns: 11490-0/10, REMB/60, DOCPAT03/10, EXPPAT_3/90, 74465-6/90 (questionnaire patient), ATTEST-RESID/95, REMB/10, no type
  const TYPES = [['11490-0', '10'], ['REMB', '60'], ['DOCPAT03', '10'], ['EXPPAT_3', '90'], ['74465-6', '90'], ['ATTEST-RESID', '95'], ['REMB', '10'], [undefined, undefined]] as const;
  const N = '-deposit-type-not-allowed';
  const table: readonly (readonly [string, Actor, readonly Expected[]])[] = [
    ['patient', ACTOR.patient, [N, N, '+patient-own-record', '+patient-own-record', '+patient-own-record', N, N, '-deposit-type-required']],
    ['representative', ACTOR.legalRep, [N, N, '+legal-representative', '+legal-representative', '+legal-representative', N, N, '-deposit-type-required']],
    ['assurance maladie', ACTOR.assuranceMaladie, [N, '+assurance-maladie-care-history', N, N, N, N, N, '-deposit-type-required']],
    ['unauthorised doctor', ACTOR.doctor, ['+professional-deposit', N, N, '+professional-deposit', '+professional-deposit', '+professional-deposit', N, '-deposit-type-required']],
    ['social worker (no reading right)', ACTOR.socialWorker, ['+professional-deposit', N, N, '+professional-deposit', '+professional-deposit', '+professional-deposit', N, '-deposit-type-required']],
    ['unlisted profession', ACTOR.assistantDentaire, ['+professional-deposit', N, N, '+professional-deposit', '+professional-deposit', '+professional-deposit', N, '-deposit-type-required']],
    ['maternity midwife', ACTOR.maternityMidwife, ['+professional-deposit', N, N, '+professional-deposit', '+professional-deposit', '+professional-deposit', N, '-deposit-type-required']],
    ['blocked doctor', ACTOR.blockedDoctor, Array<Expected>(8).fill('-blocked-by-patient')],
    ['administrator', ACTOR.administrator, Array<Expected>(8).fill('-not-permitted')],
    ['occupational physician', ACTOR.occupationalPhysician, Array<Expected>(8).fill('-forbidden-occupational-medicine')],
  ];
  const cells = table.flatMap(([name, actor, row]) => TYPES.map(([type, cls], i) => [name, type ?? '(none)', cls ?? '(none)', actor, row[i] ?? 'missing', type, cls] as const));
  it.each(cells)('%s deposits %s (class %s)', (_name, _t, _c, actor, expected, type, cls) => {
    const context: AccessContext = { mode: 'normal', ...(type ? { depositTypeCode: type } : {}), ...(cls ? { depositClassCode: cls } : {}) };
    expect(show(decide(actor, 'document.deposit', R, context))).toBe(expected);
  });
});
