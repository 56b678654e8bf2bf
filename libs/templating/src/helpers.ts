import Handlebars from 'handlebars';
import { ESCAPERS, JsonText } from './escaping';
import { checkOutput, spend } from './render-budget';
import { ESCAPE_HELPER_PREFIX, EscapeContext } from './translate';

/** The Handlebars instance templates compile with: our helpers, every call charged to the render budget. */
export const hb = Handlebars.create();

const isMissing = (v: unknown) => v === undefined || v === null || v === '';

/** Helpers available in templates (SPEC §5.1: at least json, default, upper, lower). */
export const USER_HELPERS: Record<string, (...args: any[]) => unknown> = {
  json: (value: unknown) => new JsonText(JSON.stringify(value === undefined ? null : value)),
  default: (value: unknown, fallback: unknown) => (isMissing(value) ? fallback : value),
  upper: (value: unknown) => (isMissing(value) ? '' : String(value).toUpperCase()),
  lower: (value: unknown) => (isMissing(value) ? '' : String(value).toLowerCase()),
  urlencode: (value: unknown) => encodeURIComponent(isMissing(value) ? '' : String(value)),
};

/** The helpers translate() writes: literal braces, escapers per context, and raw output (`{{{x}}}`). */
const INTERNAL_HELPERS: Record<string, (...args: any[]) => unknown> = {
  __lb: () => '{',
  __rb: () => '}',
  __bs: () => '\\',
  __raw: (value: unknown) => value,
};
for (const [ctx, escape] of Object.entries(ESCAPERS)) {
  INTERNAL_HELPERS[`${ESCAPE_HELPER_PREFIX}${ctx as EscapeContext}`] = (value: unknown) => escape(value);
}

/** The text a helper produced, for the budget: strings and json output by length, anything else as a step. */
const produced = (value: unknown) => (typeof value === 'string' ? value : value instanceof JsonText ? value.text : undefined);

for (const [name, fn] of Object.entries({ ...USER_HELPERS, ...INTERNAL_HELPERS })) {
  // Handlebars passes an options hash last; helpers here take plain values.
  hb.registerHelper(name, (...args: unknown[]) => {
    const value = fn(...args.slice(0, -1));
    spend(produced(value));
    return value;
  });
}

// Not `log`: it would write tenant text into the API's and the worker's logs (forged lines, whole payloads).
hb.unregisterHelper('log');
export const BUILTIN_BLOCK_HELPERS = ['if', 'unless', 'each', 'with', 'lookup'];

// Every block runs through one of these (`{{#path}}` through blockHelperMissing, which
// iterates arrays with `each`): a step per call, and `each` a step per iteration,
// with what it accumulates held to the output limit as it grows.
for (const name of [...BUILTIN_BLOCK_HELPERS, 'blockHelperMissing']) {
  const builtin = hb.helpers[name];
  hb.registerHelper(name, function (this: unknown, ...args: unknown[]) {
    spend();
    return (builtin as (...a: unknown[]) => unknown).apply(this, args);
  });
}
const countedEach = hb.helpers.each;
hb.registerHelper('each', function (this: unknown, context: unknown, options?: Handlebars.HelperOptions) {
  if (!options) return countedEach.call(this, context);
  let length = 0;
  const fn = (item: unknown, frame?: Handlebars.RuntimeOptions) => {
    spend();
    const out = options.fn(item, frame);
    checkOutput((length += out.length));
    return out;
  };
  return countedEach.call(this, context, { ...options, fn });
});

export const KNOWN_HELPERS: Record<string, boolean> = {
  ...Object.fromEntries([...Object.keys(USER_HELPERS), ...Object.keys(INTERNAL_HELPERS), ...BUILTIN_BLOCK_HELPERS].map((h) => [h, true])),
  // Handlebars' compiler counts `log` as known unless told otherwise.
  log: false,
};
