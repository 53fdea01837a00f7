import { isIsoInstant, localInputValue } from './format.js';

/**
 * From an HTML form to a command's input and back. Forms name nested fields with dots
 * (`newborns.0.apgar5`, `choices.patientInformed`); the commands take nested objects and arrays.
 */

/** Field names the UI reads: letters and digits, dotted; anything else in a body is ignored. */
const SEGMENT = /^(?:[A-Za-z][A-Za-z0-9]{0,63}|\d{1,2})$/;

/** A form body as field → string (the last value of a repeated name); `_csrf` and `_action` left out. */
export function formValues(body: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  if (body === null || typeof body !== 'object') return values;
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (name.startsWith('_') || name.length > 200 || !name.split('.').every((s) => SEGMENT.test(s))) continue;
    const last = Array.isArray(value) ? (value as unknown[]).at(-1) : value;
    if (typeof last === 'string') values[name] = last.slice(0, 20_000);
  }
  return values;
}

/** A field of a form body that the UI itself reads (`_action`), as a string. */
export function bodyField(body: unknown, name: string): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

type Tree = { [key: string]: Tree | string };

function toPlain(tree: Tree): unknown {
  const keys = Object.keys(tree);
  const entries = keys.map((k) => [k, typeof tree[k] === 'string' ? tree[k] : toPlain(tree[k] as Tree)] as const);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    // a list (newborns): a fieldset left empty stays in its place, so problems keep their index
    const byIndex = new Map(entries.map(([k, v]) => [Number(k), v]));
    return Array.from({ length: Math.max(...byIndex.keys()) + 1 }, (_, index) => byIndex.get(index) ?? {});
  }
  return Object.fromEntries(entries);
}

/**
 * The nested input of a command from a form's values: `newborns.0.apgar5=9` becomes
 * `{newborns: [{apgar5: '9'}]}`. Empty fields are left out (the command then says which are
 * required), except `keepEmpty` ones (a textarea of lines may be empty).
 */
export function nestedInput(values: Readonly<Record<string, string>>, keepEmpty: ReadonlySet<string> = new Set()): Record<string, unknown> {
  const root: Tree = Object.create(null) as Tree;
  for (const [name, value] of Object.entries(values)) {
    if (value.trim() === '' && !keepEmpty.has(name)) continue;
    const path = name.split('.');
    let node: Tree | undefined = root;
    for (const segment of path.slice(0, -1)) {
      const next: Tree | string | undefined = Object.hasOwn(node, segment) ? node[segment] : undefined;
      if (typeof next === 'string') {
        node = undefined; // `a` and `a.b` both given: the dotted one is ignored
        break;
      }
      node = next ?? (node[segment] = Object.create(null) as Tree);
    }
    const leaf = path.at(-1)!;
    if (node && !Object.hasOwn(node, leaf)) node[leaf] = value;
  }
  return toPlain(root) as Record<string, unknown>;
}

/**
 * A recorded report as form values, to prefill a correction: booleans become checked boxes,
 * lists of lines a textarea, instants `datetime-local` values, nested objects dotted names.
 */
export function flatValues(content: unknown, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  if (content === null || typeof content !== 'object') return out;
  for (const [key, value] of Object.entries(content as Record<string, unknown>)) {
    const name = `${prefix}${key}`;
    if (value === true) out[name] = 'on';
    else if (typeof value === 'number') out[name] = String(value);
    else if (typeof value === 'string') out[name] = isIsoInstant(value) ? localInputValue(value) : value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out[name] = value.join('\n');
    else if (Array.isArray(value)) value.forEach((item, index) => Object.assign(out, flatValues(item, `${name}.${index}.`)));
    else if (value !== null && typeof value === 'object') Object.assign(out, flatValues(value, `${name}.`));
  }
  return out;
}
