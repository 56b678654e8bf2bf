import { ESCAPERS } from './escaping';
import { KNOWN_HELPERS, hb } from './helpers';
import { RenderScope } from './render-context';
import { checkOutput, structureProblem, withBudget } from './render-budget';
import { TemplateError } from './template-error';
import { Destination, ESCAPE_HELPER_PREFIX, EscapeContext, translate } from './translate';

export type RenderContext = Record<string, unknown>;

export interface CompiledTemplate {
  readonly source: string;
  readonly destination: Destination;
  /** Handlebars AST of the translated source, for placeholder checks. */
  readonly ast: hbs.AST.Program;
  /** Renders with a context object, or a scope (which builds the object only if Handlebars needs it). */
  render(context: RenderContext | RenderScope): string;
}

const HANDLEBARS_OPTIONS: RuntimeOptions = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false };

/** Per destination, by source: the worker looks up the same string instances, whose hashes V8 keeps. */
const cache = new Map<Destination, Map<string, CompiledTemplate>>();
const CACHE_LIMIT = 5000;

/** Literal text, or a value placeholder: the path it reads and the escaper of its context. */
type Segment = string | { parts: string[]; escape: (value: unknown) => string };

const LITERAL_HELPERS: Record<string, string> = { __lb: '{', __rb: '}', __bs: '\\' };
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * The plan of a template made only of text and placeholders (`{name}`,
 * `{{a.b}}`), which is what most templates are; null when it uses anything else
 * (blocks, helpers, raw output, parent or data paths), which Handlebars renders.
 * Rendering a plan gives what Handlebars gives (the same escapers, the same
 * property lookup) without its per-call set-up, which dominated the worker's
 * rendering time.
 */
function linearPlan(ast: hbs.AST.Program): Segment[] | null {
  const plan: Segment[] = [];
  for (const stmt of ast.body) {
    if (stmt.type === 'ContentStatement') {
      plan.push((stmt as hbs.AST.ContentStatement).value);
      continue;
    }
    if (stmt.type !== 'MustacheStatement') return null;
    const m = stmt as hbs.AST.MustacheStatement;
    if (m.path.type !== 'PathExpression' || (m.hash && m.hash.pairs.length)) return null;
    const name = (m.path as hbs.AST.PathExpression).original;
    if (m.params.length === 0) {
      if (!hasOwn.call(LITERAL_HELPERS, name)) return null;
      plan.push(LITERAL_HELPERS[name]);
      continue;
    }
    if (m.params.length !== 1 || !name.startsWith(ESCAPE_HELPER_PREFIX)) return null;
    const context = name.slice(ESCAPE_HELPER_PREFIX.length) as EscapeContext;
    const escape = hasOwn.call(ESCAPERS, context) ? ESCAPERS[context] : undefined;
    const param = m.params[0] as hbs.AST.PathExpression;
    if (!escape || param.type !== 'PathExpression' || param.data || param.depth !== 0 || !param.parts.length) return null;
    plan.push({ parts: param.parts, escape });
  }
  return plan;
}

/**
 * Handlebars' property lookup with prototype access denied (the options render()
 * passes): own properties only, a prototype's own constructor excluded; a null or
 * undefined step ends the walk with that value.
 */
function lookup(root: unknown, parts: string[], from = 0): unknown {
  let value = root;
  for (let i = from; i < parts.length; i++) {
    const name = parts[i];
    if (value === null || value === undefined) return value;
    const next = (value as Record<string, unknown>)[name];
    if (next === null || next === undefined) {
      value = next;
      continue;
    }
    const own = hasOwn.call(value, name) && !(name === 'constructor' && typeof next === 'function' && value === (next as { prototype?: unknown }).prototype);
    value = own ? next : undefined;
  }
  return value;
}

function renderPlan(plan: Segment[], context: RenderContext | RenderScope): string {
  // The first name of a path, from the scope or the object; the rest is the same walk.
  const top = context instanceof RenderScope ? (name: string) => context.get(name) : (name: string) => lookup(context, [name]);
  let out = '';
  for (const seg of plan) {
    out += typeof seg === 'string' ? seg : seg.escape(lookup(top(seg.parts[0]), seg.parts, 1));
    // A plan is at most a template long, so its only cost is its output (`{{json event}}` a thousand times).
    checkOutput(out.length);
  }
  return out;
}

/**
 * Compiles a template for one destination. Throws TemplateError naming the
 * problem when it does not compile (syntax, unknown helper, partials, blocks
 * nested too deep); render() throws it when the render exceeds its budget. Compiled templates
 * are cached by (destination, source): the worker renders the same few
 * templates many times.
 */
export function compileTemplate(source: string, destination: Destination): CompiledTemplate {
  let forDestination = cache.get(destination);
  if (!forDestination) cache.set(destination, (forDestination = new Map()));
  const hit = forDestination.get(source);
  if (hit) return hit;

  let ast: hbs.AST.Program;
  let fn: HandlebarsTemplateDelegate;
  try {
    const translated = translate(source, destination);
    ast = hb.parse(translated);
    const problem = structureProblem(ast);
    if (problem) throw new TemplateError(problem);
    // knownHelpersOnly turns an unknown helper into a compile error, not a runtime one.
    fn = hb.compile(ast, { noEscape: true, strict: false, knownHelpers: KNOWN_HELPERS, knownHelpersOnly: true });
    withBudget(() => fn({})); // Handlebars compiles lazily; force it so syntax errors surface here.
  } catch (err) {
    if (err instanceof TemplateError) throw err;
    throw new TemplateError(cleanMessage((err as Error).message));
  }
  const plan = linearPlan(ast);
  const compiled: CompiledTemplate = {
    source,
    destination,
    ast,
    render(context: RenderContext | RenderScope): string {
      try {
        if (plan) return renderPlan(plan, context);
        const out = withBudget(() => fn(context instanceof RenderScope ? context.context() : context, HANDLEBARS_OPTIONS));
        checkOutput(out.length);
        return out;
      } catch (err) {
        throw new TemplateError(cleanMessage((err as Error).message));
      }
    },
  };
  if (forDestination.size >= CACHE_LIMIT) forDestination.delete(forDestination.keys().next().value as string);
  forDestination.set(source, compiled);
  return compiled;
}

/** Handlebars messages quote the translated source; keep the first line and our helper names out. */
function cleanMessage(message: string): string {
  return message
    .split('\n')[0]
    .replace(new RegExp(`${ESCAPE_HELPER_PREFIX}\\w+`, 'g'), 'placeholder')
    .replace(/__lb|__rb|__bs/g, 'brace');
}
