import { RENDER_LIMITS } from './render-budget';
import { compileTemplate } from './template-engine';
import { TemplateError } from './template-error';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const nest = (open: string, close: string, n: number, inner = 'x') => open.repeat(n) + inner + close.repeat(n);
const MIB = 1024 * 1024;

describe('render budgets', () => {
  describe('at compile time', () => {
    it(`refuses blocks nested more than ${RENDER_LIMITS.blockDepth} deep, of any kind, and accepts that depth`, () => {
      const depth = RENDER_LIMITS.blockDepth;
      expect(() => compileTemplate(nest('{{#each @root.event}}', '{{/each}}', depth + 2), 'url')).toThrow(/nested more than 6 deep/);
      expect(() => compileTemplate(nest('{{#if a}}', '{{/if}}', depth + 1), 'text')).toThrow(TemplateError);
      expect(() => compileTemplate(nest('{{#with a}}', '{{/with}}', depth + 1), 'text')).toThrow(TemplateError);
      expect(() => compileTemplate(nest('{{#a}}', '{{/a}}', depth + 1), 'text')).toThrow(TemplateError);
      expect(() => compileTemplate(`${nest('{{#if a}}', '{{/if}}', depth - 1, `{{#if b}}x{{else}}${nest('{{#if c}}', '{{/if}}', 1)}{{/if}}`)}`, 'text')).toThrow(TemplateError);
      expect(compileTemplate(nest('{{#if a}}', '{{/if}}', depth), 'text').render({ a: 1 })).toBe('x');
    });

    it('counts an else-if chain as one level', () => {
      const chain = `{{#if a}}a${range(20).map((i) => `{{else if b${i}}}${i}`).join('')}{{else}}none{{/if}}`;
      expect(compileTemplate(chain, 'text').render({ b7: true })).toBe('7');
    });

    it('refuses partials and decorators, whose calls no step counter sees', () => {
      for (const source of ['{{#*inline "a"}}x{{/inline}}{{> a}}', '{{> missing}}', '{{#> layout}}default{{/layout}}']) {
        expect(() => compileTemplate(source, 'text')).toThrow(/partials and decorators are not supported/);
      }
    });
  });

  describe('while rendering', () => {
    it('stops nested iteration at the step budget with a TemplateError, and the next render starts a fresh budget', () => {
      const bomb = compileTemplate('{{#each event.a}}{{#each ../event.a}}{{/each}}{{/each}}done', 'text');
      expect(() => bomb.render({ event: { a: range(20_000) } })).toThrow(new RegExp(`render budget of ${RENDER_LIMITS.steps} steps`));
      expect(bomb.render({ event: { a: range(100) } })).toBe('done');
    });

    it('counts steps, not time: an iteration with one placeholder fits up to half the budget', () => {
      const list = compileTemplate('{{#each a}}{{this}}{{/each}}', 'text');
      const fits = Math.floor((RENDER_LIMITS.steps - 1) / 2);
      expect(list.render({ a: range(fits).map(() => 1) })).toBe('1'.repeat(fits));
      expect(() => list.render({ a: range(fits + 1) })).toThrow(TemplateError);
    });

    it('counts raw output, helper calls and blocks over a context path like placeholders', () => {
      const items = { a: range(RENDER_LIMITS.steps / 2) };
      expect(() => compileTemplate('{{#each a}}{{{nope}}}{{/each}}', 'text').render(items)).toThrow(TemplateError);
      expect(() => compileTemplate('{{#each a}}{{&nope}}{{/each}}', 'text').render(items)).toThrow(TemplateError);
      expect(() => compileTemplate('{{#each a}}{{#if (lower nope)}}{{/if}}{{/each}}', 'text').render(items)).toThrow(TemplateError);
      expect(() => compileTemplate('{{#a}}{{#if nope}}{{/if}}{{/a}}', 'text').render(items)).toThrow(TemplateError);
      expect(compileTemplate('{{{v}}}|{{& v}}|{{~& v~}} .', 'url').render({ v: 'a b' })).toBe('a b|a b|a b.');
    });

    it(`bounds text produced and discarded by helpers to ${RENDER_LIMITS.producedBytes / MIB} MiB`, () => {
      const big = { a: range(100), obj: Object.fromEntries(range(20_000).map((i) => [`key${i}`, i])) };
      expect(() => compileTemplate('{{#each a}}{{#if (json @root.obj)}}{{/if}}{{/each}}done', 'text').render(big)).toThrow(/more than 8 MiB of text/);
      expect(compileTemplate('{{#if (json obj)}}done{{/if}}', 'text').render(big)).toBe('done');
    });

    it(`bounds the rendered output to ${RENDER_LIMITS.outputBytes / MIB} MiB, without blocks too`, () => {
      const ctx = { s: 'x'.repeat(MIB), a: range(10) };
      expect(() => compileTemplate('{s}'.repeat(5), 'text').render(ctx)).toThrow(/renders more than 4 MiB/);
      expect(() => compileTemplate('{{#each a}}{{{@root.s}}}{{/each}}', 'text').render(ctx)).toThrow(/renders more than 4 MiB/);
      expect(compileTemplate('{s}'.repeat(3), 'text').render(ctx)).toHaveLength(3 * MIB);
    });
  });
});
