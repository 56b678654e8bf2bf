import Handlebars from 'handlebars';
import { ESCAPERS, JsonText } from './escaping';
import { TemplateError } from './template-error';
import { Destination, ESCAPE_HELPER_PREFIX, EscapeContext, translate } from './translate';

const hb = Handlebars.create();

const isMissing = (v: unknown) => v === undefined || v === null || v === '';

/** Helpers available in templates (SPEC §5.1: at least json, default, upper, lower). */
export const USER_HELPERS: Record<string, (...args: any[]) => unknown> = {
  json: (value: unknown) => new JsonText(JSON.stringify(value === undefined ? null : value)),
  default: (value: unknown, fallback: unknown) => (isMissing(value) ? fallback : value),
  upper: (value: unknown) => (isMissing(value) ? '' : String(value).toUpperCase()),
  lower: (value: unknown) => (isMissing(value) ? '' : String(value).toLowerCase()),
  urlencode: (value: unknown) => encodeURIComponent(isMissing(value) ? '' : String(value)),
};

const INTERNAL_HELPERS: Record<string, (...args: any[]) => unknown> = {
  __lb: () => '{',
  __rb: () => '}',
  __bs: () => '\\',
};
for (const [ctx, escape] of Object.entries(ESCAPERS)) {
  INTERNAL_HELPERS[`${ESCAPE_HELPER_PREFIX}${ctx as EscapeContext}`] = (value: unknown) => escape(value);
}
for (const [name, fn] of Object.entries({ ...USER_HELPERS, ...INTERNAL_HELPERS })) {
  // Handlebars passes an options hash last; helpers here take plain values.
  hb.registerHelper(name, (...args: unknown[]) => fn(...args.slice(0, -1)));
}

export const BUILTIN_BLOCK_HELPERS = ['if', 'unless', 'each', 'with', 'lookup', 'log'];
const KNOWN_HELPERS: Record<string, boolean> = Object.fromEntries(
  [...Object.keys(USER_HELPERS), ...Object.keys(INTERNAL_HELPERS), ...BUILTIN_BLOCK_HELPERS].map((h) => [h, true]),
);

export type RenderContext = Record<string, unknown>;

export interface CompiledTemplate {
  readonly source: string;
  readonly destination: Destination;
  /** Handlebars AST of the translated source, for placeholder checks. */
  readonly ast: hbs.AST.Program;
  render(context: RenderContext): string;
}

const cache = new Map<string, CompiledTemplate>();
const CACHE_LIMIT = 5000;

/**
 * Compiles a template for one destination. Throws TemplateError naming the
 * problem when it does not compile (syntax, unknown helper). Compiled templates
 * are cached by (destination, source): the worker renders the same few
 * templates many times.
 */
export function compileTemplate(source: string, destination: Destination): CompiledTemplate {
  const key = `${destination}\u0000${source}`;
  const hit = cache.get(key);
  if (hit) return hit;

  let ast: hbs.AST.Program;
  let fn: HandlebarsTemplateDelegate;
  try {
    const translated = translate(source, destination);
    ast = hb.parse(translated);
    // knownHelpersOnly turns an unknown helper into a compile error, not a runtime one.
    fn = hb.compile(ast, { noEscape: true, strict: false, knownHelpers: KNOWN_HELPERS, knownHelpersOnly: true });
    fn({}); // Handlebars compiles lazily; force it so syntax errors surface here.
  } catch (err) {
    if (err instanceof TemplateError) throw err;
    throw new TemplateError(cleanMessage((err as Error).message));
  }
  const compiled: CompiledTemplate = {
    source,
    destination,
    ast,
    render(context: RenderContext): string {
      try {
        return fn(context, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
      } catch (err) {
        throw new TemplateError(cleanMessage((err as Error).message));
      }
    },
  };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, compiled);
  return compiled;
}

/** Handlebars messages quote the translated source; keep the first line and our helper names out. */
function cleanMessage(message: string): string {
  return message
    .split('\n')[0]
    .replace(new RegExp(`${ESCAPE_HELPER_PREFIX}\\w+`, 'g'), 'placeholder')
    .replace(/__lb|__rb|__bs/g, 'brace');
}
