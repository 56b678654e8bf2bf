import { TemplateError } from './template-error';

/**
 * Where a rendered template goes; it decides how values are escaped (SPEC §5.1).
 * `json` is split further, per placeholder, into a value inside a JSON string
 * (`jstr`) and a bare value (`jval`).
 */
export type Destination = 'url' | 'header' | 'json' | 'form' | 'text';
export type EscapeContext = 'url' | 'header' | 'jstr' | 'jval' | 'form' | 'text';

export const ESCAPE_HELPER_PREFIX = '__e_';

/** `device_id`, `device_custom_metadata.room` */
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*/;

/** Mustaches that are Handlebars structure, not values: blocks, comments, partials, else. */
const STRUCTURAL = /^(?:[#/^!>*]|else\b)/;

/**
 * Turns a Hookline template into Handlebars source:
 * - `{name}` (seed style) and, in URLs, `<name>` become placeholders;
 * - every value mustache (`{name}`, `{{expr}}`) goes through the escape helper of
 *   its context; `{{{expr}}}` and `{{&expr}}` go through `__raw`, which leaves
 *   them unescaped but counts them like every other placeholder;
 * - in JSON, a placeholder between quotes is string-escaped and a bare one
 *   renders as a JSON value (`{"level": {battery_level}}` → `{"level": 0.12}`);
 * - literal `{`, `}` and `\` are emitted through helpers, so JSON braces are never
 *   read as placeholders and can sit right next to a mustache.
 * One pass over the characters, kept in one function (a little over 40 lines):
 * the scanner's state (inside a JSON string, the run of backslashes) is what
 * each branch reads and resets.
 */
export function translate(source: string, destination: Destination): string {
  let out = '';
  let i = 0;
  let inString = false;
  let backslashes = 0;
  const context = (): EscapeContext => (destination === 'json' ? (inString ? 'jstr' : 'jval') : destination);

  while (i < source.length) {
    if (source.startsWith('{{{', i)) {
      const end = source.indexOf('}}}', i + 3);
      if (end < 0) throw new TemplateError(`unclosed "{{{" at position ${i}`);
      out += `{{{${helperCall('__raw', source.slice(i + 3, end))}}}}`;
      i = end + 3;
      backslashes = 0;
      continue;
    }
    if (source.startsWith('{{', i)) {
      const end = source.indexOf('}}', i + 2);
      if (end < 0) throw new TemplateError(`unclosed "{{" at position ${i}`);
      out += rewriteMustache(source.slice(i + 2, end), context());
      i = end + 2;
      backslashes = 0;
      continue;
    }
    const open = source[i];
    if (open === '{' || (open === '<' && destination === 'url')) {
      const close = open === '{' ? '}' : '>';
      const m = PATH.exec(source.slice(i + 1));
      if (m && source[i + 1 + m[0].length] === close) {
        out += `{{${ESCAPE_HELPER_PREFIX}${context()} ${m[0]}}}`;
        i += m[0].length + 2;
        backslashes = 0;
        continue;
      }
    }
    const c = source[i];
    if (destination === 'json' && c === '"' && backslashes % 2 === 0) inString = !inString;
    backslashes = c === '\\' ? backslashes + 1 : 0;
    out += c === '{' ? '{{__lb}}' : c === '}' ? '{{__rb}}' : c === '\\' ? '{{__bs}}' : c;
    i++;
  }
  return out;
}

function rewriteMustache(inner: string, context: EscapeContext): string {
  const expr = inner.replace(/^~/, '').replace(/(.)~$/, '$1').trim();
  if (expr.startsWith('&')) return `{{${helperCall('__raw', inner.replace(/&/, ''))}}}`;
  if (STRUCTURAL.test(expr)) return `{{${inner}}}`;
  return `{{${helperCall(`${ESCAPE_HELPER_PREFIX}${context}`, inner)}}}`;
}

/** A mustache's inside (`~ a.b ~`, `upper a`) as a call of `helper`, keeping its whitespace control. */
function helperCall(helper: string, inner: string): string {
  const left = inner.startsWith('~') ? '~' : '';
  const right = inner.length > 1 && inner.endsWith('~') ? '~' : '';
  const expr = inner.slice(left.length, inner.length - right.length).trim();
  if (expr === '') throw new TemplateError('empty "{{}}"');
  const simple = !/[\s()]/.test(expr);
  return `${left}${helper} ${simple ? expr : `(${expr})`}${right}`;
}
