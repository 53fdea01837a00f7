import { describe, expect, it } from 'vitest';
import { birthDateProblem, emailProblem, nirProblem, passwordProblem, passwordRules, phoneProblem, uploadMimeType, uploadProblem, rppsProblem, UPLOAD_MAX_BYTES } from './validate.js';

describe('form checks', () => {
  it('accepts a NIR of 13 characters, or 15 with a matching key', () => {
    expect(nirProblem('2 84 05 75 123 456')).toBeUndefined();
    const body = 2840575123456n;
    const key = String(97n - (body % 97n)).padStart(2, '0');
    expect(nirProblem(`2840575123456${key}`)).toBeUndefined();
    expect(nirProblem('284057512345600')).toBe(key === '00' ? undefined : 'err.nirKey');
    expect(nirProblem('12345')).toBe('err.nirFormat');
    expect(nirProblem('')).toBe('err.required');
    expect(nirProblem('1 84 05 2A 123 456')).toBeUndefined();
  });
  it('checks e-mail and French mobile numbers', () => {
    expect(emailProblem('a@b.fr')).toBeUndefined();
    expect(emailProblem('a@b')).toBe('err.email');
    expect(phoneProblem('06 12 34 56 78', true)).toBeUndefined();
    expect(phoneProblem('+33612345678', true)).toBeUndefined();
    expect(phoneProblem('', false)).toBeUndefined();
    expect(phoneProblem('01 23 45 67 89', false)).toBe('err.phone');
  });
  it('checks birth dates', () => {
    const today = new Date('2026-11-26T00:00:00Z');
    expect(birthDateProblem('1984-05-31', today)).toBeUndefined();
    expect(birthDateProblem('1984-02-30', today)).toBe('err.date');
    expect(birthDateProblem('2030-01-01', today)).toBe('err.dateFuture');
  });
  it('lists password rules', () => {
    expect(passwordRules('abc')).toEqual({ length: false, lower: true, upper: false, digit: false, special: false });
    expect(passwordProblem('Correct-Horse-42')).toBeUndefined();
    expect(passwordProblem('short')).toBe('err.passwordWeak');
  });
  it('checks uploads by type and size', () => {
    expect(uploadProblem({ name: 'a.pdf', type: 'application/pdf', size: 10 })).toBeUndefined();
    expect(uploadProblem({ name: 'a.exe', type: 'application/octet-stream', size: 10 })).toBe('err.fileType');
    expect(uploadProblem({ name: 'a.jpg', type: 'image/jpeg', size: UPLOAD_MAX_BYTES + 1 })).toBe('err.fileSize');
    expect(uploadProblem({ name: 'a.png', type: 'image/png', size: 10 })).toBe('err.fileType');
    expect(uploadMimeType({ name: 'cr.XML', type: '' })).toBe('text/xml');
    expect(uploadMimeType({ name: 'x', type: 'application/xml' })).toBe('text/xml');
    expect(rppsProblem('10001234567')).toBeUndefined();
    expect(rppsProblem('123')).toBe('err.rpps');
    expect(uploadProblem(undefined)).toBe('err.fileRequired');
  });
});
