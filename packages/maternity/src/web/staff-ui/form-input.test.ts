import { describe, expect, it } from 'vitest';
import { flatValues, formValues, nestedInput } from './form-input.js';
import { localInputValue } from './format.js';

describe('form input', () => {
  it('keeps the fields of a form body as strings, without the UI’s own fields or odd names', () => {
    expect(formValues({ _csrf: 't', a: 'x', b: ['1', '2'], 'c.0.d': 'y', '__proto__.x': 'z', 'e f': 'w', n: 3 })).toEqual({ a: 'x', b: '2', 'c.0.d': 'y' });
  });

  it('nests dotted names into objects and lists, leaving empty fields out unless kept', () => {
    const input = nestedInput(
      { deliveredAt: '2026-11-20T14:32', 'newborns.0.apgar5': '9', 'newborns.1.apgar5': '8', 'newborns.1.givenName': '', 'choices.patientInformed': 'on', treatmentsStopped: '', events: '' },
      new Set(['treatmentsStopped']),
    );
    expect(input).toEqual({ deliveredAt: '2026-11-20T14:32', newborns: [{ apgar5: '9' }, { apgar5: '8' }], choices: { patientInformed: 'on' }, treatmentsStopped: '' });
  });

  it('keeps an empty newborn fieldset in its place, so problems keep their index', () => {
    expect(nestedInput({ 'newborns.1.sex': 'F' })).toEqual({ newborns: [{}, { sex: 'F' }] });
  });

  it('ignores a dotted name under a plain value, and never touches prototypes', () => {
    expect(nestedInput({ a: 'x', 'a.b': 'y', 'constructor.prototype': 'z' })).toEqual({ a: 'x', constructor: { prototype: 'z' } });
    expect(({} as Record<string, unknown>).prototype).toBeUndefined();
  });

  it('turns a recorded report back into form values for a correction', () => {
    const at = '2026-11-20T13:32:00.000Z';
    expect(flatValues({ deliveredAt: at, gestationalWeeks: 39, newborns: [{ apgar5: 10, transferredToNeonatology: false }], choices: { patientInformed: true, patientRefused: false }, followUp: ['a', 'b'], events: undefined })).toEqual({
      deliveredAt: localInputValue(at),
      gestationalWeeks: '39',
      'newborns.0.apgar5': '10',
      'choices.patientInformed': 'on',
      followUp: 'a\nb',
    });
  });
});
