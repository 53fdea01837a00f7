import { describe, expect, it } from 'vitest';
import type { AuditEntry } from './audit-entry.js';
import { auditEventFromEntry } from './audit-event.js';

function entry(action: string, mode = 'normal'): AuditEntry {
  return {
    partition: '279035121518989',
    seq: 1,
    recordedAt: new Date('2026-11-20T13:05:00Z'),
    actor: { kind: 'professional', id: '810005678901', profession: '50' },
    action,
    outcome: 'allowed',
    rule: 'authorised-professional',
    mode,
    reason: null,
    documentId: null,
    documentUniqueId: null,
    requestId: null,
    details: null,
    prevHash: Buffer.alloc(32),
    hash: Buffer.alloc(32),
  };
}

describe('AuditEvent action codes of the actions the host records', () => {
  it('reads a retrieve (ITI-68) as a read, and the patient’s decisions as updates', () => {
    expect(auditEventFromEntry(entry('document.retrieve')).action).toBe('R');
    expect(auditEventFromEntry(entry('record.block')).action).toBe('U');
    expect(auditEventFromEntry(entry('list.search')).action).toBe('E');
  });

  it('labels the access mode from the TRE_R248 list', () => {
    const event = auditEventFromEntry(entry('document.read', 'bris_de_glace'));
    expect(event.purposeOfEvent?.[0]?.coding?.[0]).toMatchObject({ code: 'bris_de_glace', display: 'Accès en bris de glace' });
  });
});
