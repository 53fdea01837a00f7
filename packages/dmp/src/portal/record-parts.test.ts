import { describe, expect, it } from 'vitest';
import { partOf } from './record-parts.js';

describe('record parts', () => {
  it.each([
    ['REMB', '60', 'care-history'],
    ['11502-2', '10', 'exam-results'],
    ['18748-4', '31', 'exam-results'],
    ['15508-5', '10', 'hospital-reports'],
    ['11490-0', '10', 'hospital-reports'],
    ['60591-5', '11', 'medical-history'],
    ['EXPPAT_3', '90', 'advance-directives'],
    ['EXPPAT_1', '90', 'emergency-contacts'],
    ['DOCPAT01', '11', 'patient-documents'],
    ['11488-4', '10', 'hospital-reports'],
  ])('type %s (class %s) is in %s', (type, cls, part) => {
    expect(partOf(type, cls)).toBe(part);
  });
});
