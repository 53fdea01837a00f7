import { describe, expect, it } from 'vitest';
import { sessionDeadline } from './session-deadline.js';

describe('sessionDeadline', () => {
  const at = Date.parse('2026-11-26T10:00:00Z');
  it('counts the idle time from the last answered request', () => {
    expect(sessionDeadline({ idleTimeoutSeconds: 900, absoluteExpiresAt: '2026-11-26T22:00:00Z' }, at)).toBe(at + 900_000);
  });
  it('never goes past the absolute end of the session', () => {
    expect(sessionDeadline({ idleTimeoutSeconds: 900, absoluteExpiresAt: '2026-11-26T10:05:00Z' }, at)).toBe(at + 300_000);
  });
});
