import { EventTypeSpec } from '@hookline/events';
import { CONTEXT_NAMES, Destination, RenderContext, TemplateError, compileTemplate, referencedPaths } from '@hookline/templating';

/** A template's problem, or what it rendered to with the sample context (null without one). */
export type TemplateCheck = { problem: string } | { problem: null; rendered: string | null };

/**
 * Compiles a template, checks every placeholder against the trigger's events and,
 * given a sample context, renders it once within the render budget, so a bomb is
 * refused for the price of its budget and callers reuse the text instead of
 * rendering again.
 */
export function checkTemplate(source: string, dest: Destination, spec: EventTypeSpec | undefined, ctx: RenderContext | null): TemplateCheck {
  let compiled;
  try {
    compiled = compileTemplate(source, dest);
  } catch (err) {
    if (err instanceof TemplateError) return { problem: `template does not compile: ${err.message}` };
    throw err;
  }
  if (spec) {
    const problems = referencedPaths(compiled)
      .map((p) => placeholderProblem(p, spec))
      .filter((p): p is string => p !== null);
    if (problems.length) return { problem: `${problems.join('; ')}. Available: ${[...Object.keys(spec.fields).sort(), ...CONTEXT_NAMES].join(', ')}` };
  }
  if (!ctx) return { problem: null, rendered: null };
  try {
    return { problem: null, rendered: compiled.render(ctx) };
  } catch (err) {
    if (err instanceof TemplateError) return { problem: `template does not render with a sample ${spec?.triggerType ?? ''} event: ${err.message}` };
    throw err;
  }
}

/** Placeholder rules of SPEC §4: documented fields, sub-paths of Object/Array fields, `event.*`, context names. */
export function placeholderProblem(path: string, spec: EventTypeSpec): string | null {
  const [head, ...rest] = path.split('.');
  const field = spec.fields[head];
  if (field) {
    if (rest.length && field.type !== 'object' && field.type !== 'array') return `placeholder "${path}": ${head} is a ${field.type} and has no sub-fields`;
    return null;
  }
  if (head === 'event') return null;
  if (head === 'webhook' || head === 'organization') {
    return rest.length === 0 || (rest.length === 1 && (rest[0] === 'id' || rest[0] === 'name')) ? null : `placeholder "${path}": ${head} has only id and name`;
  }
  if (head === 'timestamp_unix' || head === 'timestamp_iso8601') return rest.length ? `placeholder "${path}": ${head} has no sub-fields` : null;
  return `unknown placeholder "${head}" for ${spec.triggerType} events`;
}
