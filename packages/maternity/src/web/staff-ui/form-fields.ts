import { flag, html, type SafeHtml } from './html.js';

/**
 * Accessible form fields: a label for every control, an optional hint, the field's errors beside
 * it (linked by `aria-describedby`, `aria-invalid`), and an error summary at the top of the form
 * whose links lead to the fields. Values are the strings the form was filled with.
 */

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

export interface FormState {
  readonly values: Readonly<Record<string, string>>;
  readonly problems: readonly FieldProblem[];
  /** Prefix of the fields' ids (several forms on one page). */
  readonly idPrefix: string;
  /** The fields rendered so far, with their label and context (filled while rendering). */
  readonly rendered: Map<string, { readonly label: string; readonly context: string }>;
}

export function formState(values: Readonly<Record<string, string>>, problems: readonly FieldProblem[] = [], idPrefix = 'f'): FormState {
  return { values, problems, idPrefix, rendered: new Map() };
}

/** The id of a field's control: `f-newborns-0-apgar5`. */
export function fieldId(state: FormState, name: string): string {
  return `${state.idPrefix}-${name.replace(/[^A-Za-z0-9]/g, '-')}`;
}

/** A command's "champ obligatoire" message (it names the field by its path). */
const REQUIRED = /^[\w.]+: champ obligatoire$/;

function messagesFor(state: FormState, name: string): string[] {
  return state.problems.filter((p) => p.field === name).map((p) => (REQUIRED.test(p.message) ? 'Champ obligatoire' : p.message));
}

export interface FieldOptions {
  readonly name: string;
  readonly label: string;
  readonly hint?: string;
  /** Said before the message in the error summary, e.g. `Nouveau-né 2 : `. */
  readonly context?: string;
}

interface Parts {
  readonly id: string;
  readonly hint: SafeHtml;
  readonly errors: SafeHtml;
  /** ` aria-describedby="…" aria-invalid="true"` as needed. */
  readonly aria: SafeHtml;
  readonly invalid: boolean;
}

function parts(state: FormState, options: FieldOptions): Parts {
  const id = fieldId(state, options.name);
  state.rendered.set(options.name, { label: options.label, context: options.context ?? '' });
  const messages = messagesFor(state, options.name);
  const describedBy = [options.hint ? `${id}-hint` : '', messages.length ? `${id}-error` : ''].filter((v) => v !== '').join(' ');
  return {
    id,
    hint: options.hint ? html`<p class="hint" id="${id}-hint">${options.hint}</p>` : html``,
    errors: messages.length ? html`<p class="field-error" id="${id}-error"><span class="visually-hidden">Erreur : </span>${messages.join(' ')}</p>` : html``,
    aria: html`${describedBy ? html` aria-describedby="${describedBy}"` : ''}${messages.length ? html` aria-invalid="true"` : ''}`,
    invalid: messages.length > 0,
  };
}

export interface TextOptions extends FieldOptions {
  readonly type?: 'text' | 'date' | 'datetime-local' | 'email' | 'password';
  readonly inputmode?: 'numeric' | 'decimal' | 'email';
  readonly autocomplete?: string;
  /** Narrow fields for numbers and codes. */
  readonly width?: 'short' | 'medium' | 'long';
}

export function textField(state: FormState, options: TextOptions): SafeHtml {
  const p = parts(state, options);
  const value = options.type === 'password' ? '' : (state.values[options.name] ?? '');
  return html`<div class="field${p.invalid ? ' field-invalid' : ''}">
<label for="${p.id}">${options.label}</label>${p.hint}${p.errors}
<input class="input input-${options.width ?? 'long'}" type="${options.type ?? 'text'}" id="${p.id}" name="${options.name}" value="${value}"${options.inputmode ? html` inputmode="${options.inputmode}"` : ''}${options.autocomplete ? html` autocomplete="${options.autocomplete}"` : ''}${p.aria}>
</div>`;
}

export function textArea(state: FormState, options: FieldOptions & { readonly rows?: number }): SafeHtml {
  const p = parts(state, options);
  return html`<div class="field${p.invalid ? ' field-invalid' : ''}">
<label for="${p.id}">${options.label}</label>${p.hint}${p.errors}
<textarea class="input input-long" id="${p.id}" name="${options.name}" rows="${options.rows ?? 4}"${p.aria}>${state.values[options.name] ?? ''}</textarea>
</div>`;
}

/** Options as `[value, label]` pairs, or a label table such as `DELIVERY_MODES`. */
export type SelectOptions = readonly (readonly [string, string])[] | Readonly<Record<string, string>>;

export function selectField(state: FormState, options: FieldOptions & { readonly choices: SelectOptions; readonly placeholder?: string }): SafeHtml {
  const p = parts(state, options);
  const current = state.values[options.name] ?? '';
  const pairs: readonly (readonly [string, string])[] = Array.isArray(options.choices) ? options.choices : Object.entries(options.choices);
  return html`<div class="field${p.invalid ? ' field-invalid' : ''}">
<label for="${p.id}">${options.label}</label>${p.hint}${p.errors}
<select class="input" id="${p.id}" name="${options.name}"${p.aria}>
${options.placeholder !== undefined ? html`<option value=""${flag('selected', current === '')}>${options.placeholder}</option>` : ''}
${pairs.map(([value, label]) => html`<option value="${value}"${flag('selected', value === current)}>${label}</option>`)}
</select>
</div>`;
}

export function checkboxField(state: FormState, options: FieldOptions): SafeHtml {
  const p = parts(state, options);
  const checked = ['on', 'true', '1'].includes(state.values[options.name] ?? '');
  return html`<div class="field field-checkbox${p.invalid ? ' field-invalid' : ''}">
${p.errors}<input type="checkbox" id="${p.id}" name="${options.name}" value="on"${flag('checked', checked)}${p.aria}>
<label for="${p.id}">${options.label}</label>${p.hint}
</div>`;
}

export function fieldset(legend: string, content: SafeHtml | readonly SafeHtml[], hint?: string): SafeHtml {
  return html`<fieldset class="fieldset"><legend>${legend}</legend>${hint ? html`<p class="hint">${hint}</p>` : ''}${content}</fieldset>`;
}

/**
 * The error summary, rendered after the fields (so it knows which fields exist) and placed at the
 * top of the form: one link per problem to its field, the others as text.
 */
export function errorSummary(state: FormState, message?: string): SafeHtml {
  if (state.problems.length === 0 && !message) return html``;
  const items = state.problems.map((p) => {
    const field = state.rendered.get(p.field);
    const text = REQUIRED.test(p.message) ? `${field?.context ?? ''}${field?.label ?? p.field} : champ obligatoire` : `${field?.context ?? ''}${p.message}`;
    return field !== undefined ? html`<li><a href="#${fieldId(state, p.field)}">${text}</a></li>` : html`<li>${text}</li>`;
  });
  const count = state.problems.length;
  return html`<div class="error-summary" role="alert" aria-labelledby="${state.idPrefix}-error-title" tabindex="-1" autofocus>
<h2 id="${state.idPrefix}-error-title">${count > 1 ? `Le formulaire contient ${count} erreurs` : count === 1 ? 'Le formulaire contient une erreur' : 'Action impossible'}</h2>
${message && !state.problems.some((p) => p.message === message) ? html`<p>${message}</p>` : ''}
${items.length ? html`<ul>${items}</ul>` : ''}
</div>`;
}

/** The hidden CSRF field every POST form carries. */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}
