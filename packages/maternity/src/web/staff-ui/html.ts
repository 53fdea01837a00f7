/**
 * HTML built from tagged templates: every interpolated value is escaped unless it is already
 * `SafeHtml` (the result of another `html` template). Nothing else produces `SafeHtml`, so no page
 * can put an unescaped value into the markup.
 *
 * @example
 *   html`<p class="name">${patient.name}</p>` // `<script>` in the name comes out as `&lt;script&gt;`
 */
export class SafeHtml {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

/** What a template accepts: text (escaped), markup, lists of either; `false`, `null` and `undefined` render nothing. */
export type HtmlValue = SafeHtml | string | number | false | null | undefined | readonly HtmlValue[];

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an element's content or a double- or single-quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(value: HtmlValue): string {
  if (value === false || value === null || value === undefined) return '';
  if (value instanceof SafeHtml) return value.markup;
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  return escapeHtml(String(value));
}

/** The tagged template: `html\`<td>${text}</td>\``. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** An HTML attribute present or not (`checked`, `selected`, `required`...). */
export function flag(name: string, on: boolean): SafeHtml {
  return new SafeHtml(on ? ` ${escapeHtml(name)}` : '');
}
