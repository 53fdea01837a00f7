import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../audit/index.js';
import { historyEvent, whenPhrase } from './history-sentences.js';

const midwife = { kind: 'professional' as const, id: '810005678901', profession: '50', givenName: 'Sophie', familyName: 'BERNARD', structure: { id: '1330000012', name: 'Maternité Sainte Félicité' } };

function entry(overrides: Partial<AuditEntry>): AuditEntry {
  return {
    partition: '279035121518989',
    seq: 7,
    recordedAt: new Date('2026-03-12T13:05:00Z'),
    actor: midwife,
    action: 'document.retrieve',
    outcome: 'allowed',
    rule: 'authorised-professional',
    mode: 'normal',
    reason: null,
    documentId: '3f1c2a4e-0000-4000-8000-000000000001',
    documentUniqueId: null,
    requestId: null,
    details: null,
    prevHash: Buffer.alloc(32),
    hash: Buffer.alloc(32),
    ...overrides,
  };
}

const now = new Date('2026-06-01T00:00:00Z');

describe('access history in plain sentences', () => {
  it('says who opened which document, when, in Paris time', () => {
    const event = historyEvent(entry({}), 'fr', "CR d'accouchement", now);
    expect(event.sentence).toBe("Sophie Bernard, sage-femme à Maternité Sainte Félicité, a ouvert votre document « CR d'accouchement » le 12 mars à 14:05.");
    expect(historyEvent(entry({}), 'en', "CR d'accouchement", now).sentence).toBe(
      "Sophie Bernard, midwife at Maternité Sainte Félicité, opened your document “CR d'accouchement” on 12 March at 14:05.",
    );
  });

  it('highlights refusals and emergency accesses, with the stated reason', () => {
    const refused = historyEvent(entry({ action: 'document.search', outcome: 'denied', rule: 'blocked-by-patient' }), 'fr', undefined, now);
    expect(refused).toMatchObject({ refused: true, kind: 'refusal' });
    expect(refused.sentence).toContain('accès refusé');
    const emergency = historyEvent(entry({ mode: 'bris_de_glace', reason: 'patiente inconsciente' }), 'fr', 'Bilan', now);
    expect(emergency).toMatchObject({ emergency: true, kind: 'emergency' });
    expect(emergency.sentence).toContain('en accès d’urgence (bris de glace : « patiente inconsciente »)');
  });

  it('speaks to the patient in the second person', () => {
    const own = historyEvent(entry({ actor: { kind: 'patient', id: '279035121518989' }, action: 'record.oppose-emergency-access', documentId: null }), 'fr', undefined, now);
    expect(own.sentence).toMatch(/^Vous vous êtes opposé\(e\) à l’accès en urgence le 12 mars à 14:05\.$/);
  });

  it('gives the year only when it is not the current one, in summer time too', () => {
    expect(whenPhrase(new Date('2025-07-14T20:30:00Z'), 'fr', now)).toBe('le 14 juillet 2025 à 22:30');
  });
});

describe('every audited action has words', () => {
  it('names the portal’s own events, not their codes', () => {
    const signIn = historyEvent(entry({ actor: { kind: 'patient', id: '279035121518989' }, action: 'portal.sign-in', documentId: null }), 'fr', undefined, now);
    expect(signIn.sentence).toBe('Vous avez ouvert une session sur l’espace patient le 12 mars à 14:05.');
  });
});
