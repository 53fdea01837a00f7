import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatSize, formatTime, parisDay } from './format.js';

describe('dates and times in Europe/Paris', () => {
  it('writes an instant the French way, in Paris time (winter, UTC+1)', () => {
    expect(formatDateTime('2026-03-12T13:05:00Z')).toBe('12 mars 2026 à 14:05');
  });
  it('follows summer time (UTC+2)', () => {
    expect(formatDateTime('2026-07-01T22:30:00Z')).toBe('2 juillet 2026 à 00:30');
    expect(parisDay('2026-07-01T22:30:00Z')).toBe('2026-07-02');
  });
  it('writes English when asked', () => {
    expect(formatDateTime('2026-03-12T13:05:00Z', 'en')).toBe('12 March 2026 at 14:05');
    expect(formatTime('2026-03-12T13:05:00Z', 'en')).toBe('14:05');
  });
  it('takes a bare calendar date as that day, whatever the zone', () => {
    expect(formatDate('2026-01-01')).toBe('1 janvier 2026');
    expect(formatDate('1984-05-31', 'en')).toBe('31 May 1984');
  });
  it('gives back what it cannot read', () => {
    expect(formatDateTime('not a date')).toBe('not a date');
  });
});

describe('sizes', () => {
  it('uses French units and decimal comma', () => {
    expect(formatSize(1.5 * 1024 * 1024)).toBe('1,5 Mo');
    expect(formatSize(10 * 1024 * 1024)).toBe('10 Mo');
    expect(formatSize(512)).toBe('512 o');
    expect(formatSize(2048, 'en')).toBe('2 KB');
    expect(formatSize(1.5 * 1024 * 1024, 'en')).toBe('1.5 MB');
  });
});
