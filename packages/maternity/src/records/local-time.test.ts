import { describe, expect, it } from 'vitest';
import { offsetMinutes, wallTimeToInstant, zonedDate, zonedIso } from './local-time.js';

describe('the maternity wall clock (Europe/Paris)', () => {
  it.each([
    ['2026-11-20T14:32', '2026-11-20T13:32:00.000Z'],
    ['2026-07-14T08:00', '2026-07-14T06:00:00.000Z'],
    // the spring gap (02:00–03:00 does not exist on 29 March 2026): read with the offset before it
    ['2026-03-29T02:30', '2026-03-29T01:30:00.000Z'],
    // the autumn's repeated hour (25 October 2026, 02:00–03:00 twice): the first one
    ['2026-10-25T02:30', '2026-10-25T00:30:00.000Z'],
  ])('reads %s as %s', (wall, instant) => {
    expect(wallTimeToInstant(wall, 'Europe/Paris').toISOString()).toBe(instant);
  });

  it('writes instants as local time with their offset, and local dates', () => {
    expect(zonedIso('2026-11-20T13:32:00Z', 'Europe/Paris')).toBe('2026-11-20T14:32:00+01:00');
    expect(zonedIso('2026-07-14T06:00:00Z', 'Europe/Paris')).toBe('2026-07-14T08:00:00+02:00');
    expect(zonedDate('2026-11-20T23:30:00Z', 'Europe/Paris')).toBe('2026-11-21');
    expect(offsetMinutes(Date.parse('2026-01-01T00:00:00Z'), 'America/Cayenne')).toBe(-180);
  });

  it('refuses what is not a wall time', () => {
    expect(() => wallTimeToInstant('20/11/2026 14:32')).toThrow(RangeError);
  });
});
