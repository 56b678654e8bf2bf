import type { EscapeContext } from './translate';

/** Output of the `json` helper: already JSON text, so a bare JSON placeholder inserts it as is. */
export class JsonText {
  constructor(readonly text: string) {}
  toString() {
    return this.text;
  }
}

/** A value as text: objects and arrays as JSON (never "[object Object]"), null/undefined as empty. */
export function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof JsonText) return value.text;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function jsonValue(value: unknown): string {
  if (value instanceof JsonText) return value.text;
  if (value === undefined) return 'null';
  if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
  return JSON.stringify(value);
}

export const ESCAPERS: Record<EscapeContext, (value: unknown) => string> = {
  // Inside a JSON string: the escaped characters without the surrounding quotes.
  jstr: (v) => JSON.stringify(stringify(v)).slice(1, -1),
  jval: jsonValue,
  url: (v) => encodeURIComponent(stringify(v)),
  form: (v) => encodeURIComponent(stringify(v)).replace(/%20/g, '+'),
  // A header value can never start a new header line; control characters become
  // spaces, and the text goes on the wire as UTF-8 bytes (headers are byte strings).
  header: (v) => Buffer.from(stringify(v).replace(/[\x00-\x08\x0a-\x1f\x7f]+/g, ' '), 'utf8').toString('latin1'),
  text: stringify,
};
