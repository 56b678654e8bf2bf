import { compileTemplate } from './template-engine';
import { referencedPaths } from './placeholders';
import { RenderScope, buildRenderContext } from './render-context';
import { TemplateError } from './template-error';
import { translate } from './translate';

const HOSTILE = 'He said "hi"\n</script>\\ & ünïcødé 🚀 a+b=c/d?e#f';

function render(source: string, dest: Parameters<typeof compileTemplate>[1], ctx: Record<string, unknown>) {
  return compileTemplate(source, dest).render(ctx);
}

describe('translate', () => {
  it('turns {name} and dotted paths into placeholders but leaves JSON braces alone', () => {
    const out = translate('{"a": 1, "b": {device_id}, "c": "{device_custom_metadata.room}"}', 'json');
    expect(out).toContain('{{__e_jval device_id}}');
    expect(out).toContain('{{__e_jstr device_custom_metadata.room}}');
    expect(out).not.toContain('{{__e_jval "a"');
  });

  it('accepts <name> only in URLs', () => {
    expect(translate('https://x.test/<device_id>', 'url')).toContain('{{__e_url device_id}}');
    expect(translate('a <device_id> b', 'text')).toBe('a <device_id> b');
  });

  it('keeps blocks, comments and else untouched', () => {
    const out = translate('{{#if a}}x{{else}}y{{/if}}{{!-- note --}}', 'text');
    expect(out).toBe('{{#if a}}x{{else}}y{{/if}}{{!-- note --}}');
  });

  it('rejects unclosed mustaches', () => {
    expect(() => translate('{{device_id', 'text')).toThrow(TemplateError);
  });
});

describe('compileTemplate / render', () => {
  it('renders shorthand, Handlebars and dotted paths', () => {
    const ctx = { device_id: 'd1', device_custom_metadata: { room: 'kitchen' } };
    expect(render('{device_id}/{{device_id}}/{device_custom_metadata.room}', 'text', ctx)).toBe('d1/d1/kitchen');
  });

  it('renders a bare JSON placeholder as a JSON value and a quoted one as string content', () => {
    const out = render('{"level": {battery_level}, "id": "{device_id}", "meta": {device_custom_metadata}, "none": {missing}}', 'json', {
      battery_level: 0.12,
      device_id: 'abc',
      device_custom_metadata: { room: 'k' },
    });
    expect(JSON.parse(out)).toEqual({ level: 0.12, id: 'abc', meta: { room: 'k' }, none: null });
    expect(out).toContain('"level": 0.12');
  });

  it('JSON-escapes hostile values inside strings and as bare values', () => {
    const out = render('{"q": "{v}", "bare": {v}, "hb": "{{v}}"}', 'json', { v: HOSTILE });
    expect(JSON.parse(out)).toEqual({ q: HOSTILE, bare: HOSTILE, hb: HOSTILE });
  });

  it('handles escaped quotes in literal JSON text when tracking strings', () => {
    const out = render('{"a": "say \\"{v}\\"", "b": {n}}', 'json', { v: 'x"y', n: 3 });
    expect(JSON.parse(out)).toEqual({ a: 'say "x"y"', b: 3 });
  });

  it('supports the json, default, upper and lower helpers', () => {
    const ctx = { a: { x: [1, 2] }, name: 'Front Door', empty: '' };
    expect(JSON.parse(render('{"obj": {{json a}}, "s": "{{json a}}"}', 'json', ctx))).toEqual({ obj: { x: [1, 2] }, s: '{"x":[1,2]}' });
    expect(render('{{default empty "n/a"}} {{upper name}} {{lower name}}', 'text', ctx)).toBe('n/a FRONT DOOR front door');
    expect(JSON.parse(render('{"n": {{default missing 5}}}', 'json', ctx))).toEqual({ n: 5 });
  });

  it('percent-encodes URL values', () => {
    const out = render('https://example.com/hook/{id}?q=<v>', 'url', { id: 'a/b c', v: HOSTILE });
    expect(out.startsWith('https://example.com/hook/a%2Fb%20c?q=')).toBe(true);
    expect(new URL(out).searchParams.get('q')).toBe(HOSTILE);
  });

  it('form-encodes URL_ENCODED_FORM values', () => {
    const out = render('a={v}&b={{w}}', 'form', { v: 'x y&z=1', w: HOSTILE });
    const params = new URLSearchParams(out);
    expect(params.get('a')).toBe('x y&z=1');
    expect(params.get('b')).toBe(HOSTILE);
  });

  it('leaves PLAIN_TEXT raw and keeps header values on one line', () => {
    expect(render('<b>{v}</b>', 'text', { v: '"&<' })).toBe('<b>"&<</b>');
    expect(render('Bearer {v}', 'header', { v: 'a\r\nX-Evil: 1' })).toBe('Bearer a X-Evil: 1');
    // Non-ASCII text travels as UTF-8 bytes.
    expect(Buffer.from(render('{v}', 'header', { v: 'ünï 🚀' }), 'latin1').toString('utf8')).toBe('ünï 🚀');
  });

  it('raw triple-stash is not escaped', () => {
    expect(render('{{{v}}}', 'url', { v: 'a b' })).toBe('a b');
  });

  it('iterates arrays with #each', () => {
    const out = render('[{{#each device_ids}}"{{this}}"{{#unless @last}},{{/unless}}{{/each}}]', 'json', { device_ids: ['a"', 'b'] });
    expect(JSON.parse(out)).toEqual(['a"', 'b']);
  });

  it('does not expose prototype properties', () => {
    expect(render('{{constructor.name}}', 'text', {})).toBe('');
  });

  it('reports syntax errors and unknown helpers as TemplateError at compile time', () => {
    expect(() => compileTemplate('{{#if a}}x', 'text')).toThrow(TemplateError);
    expect(() => compileTemplate('{{shout a}}', 'text')).toThrow(/shout/);
  });

  it('has no log helper: tenant text never reaches the logs', () => {
    const writes: unknown[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((...a) => void writes.push(a));
    const info = jest.spyOn(console, 'info').mockImplementation((...a) => void writes.push(a));
    try {
      for (const src of ['{{log event.note}}', '{{log "x" level="error"}}', '{{#if a}}{{log a}}{{/if}}']) {
        expect(() => compileTemplate(src, 'text')).toThrow(/log/);
      }
      expect(writes).toEqual([]);
    } finally {
      spy.mockRestore();
      info.mockRestore();
    }
  });

  it('caches compiled templates', () => {
    expect(compileTemplate('x{a}', 'text')).toBe(compileTemplate('x{a}', 'text'));
    expect(compileTemplate('x{a}', 'url')).not.toBe(compileTemplate('x{a}', 'text'));
  });

  // Templates of text and placeholders only are rendered without Handlebars; a
  // block that renders nothing sends the same template through Handlebars.
  describe('text-and-placeholder templates render exactly as Handlebars renders them', () => {
    const event = JSON.parse(
      JSON.stringify({
        device_id: HOSTILE,
        battery_level: 0.12,
        count: 0,
        flag: false,
        none: null,
        empty: '',
        list: [1, 'two', { three: 3 }],
        meta: { room: 'kitchen', deep: { er: 'x"y' }, nothing: null },
        constructor: 'own constructor',
      }).replace('"count"', '"__proto__": {"polluted": true}, "count"'),
    );
    const subject = { event, webhook: { id: 7, name: 'w "7"' }, organization: { id: 3, name: 'Org & Co' }, now: new Date('2026-01-02T03:04:05.678Z') };
    const ctx = buildRenderContext(subject);
    const paths = [
      'device_id', 'battery_level', 'count', 'flag', 'none', 'empty', 'list', 'meta', 'meta.room', 'meta.deep.er', 'meta.nothing.below',
      'missing', 'missing.below', 'device_id.length', 'battery_level.toFixed', 'meta.constructor', 'meta.toString', 'meta.__proto__',
      '__proto__', '__proto__.polluted', 'constructor', 'event.device_id', 'event.meta.deep', 'webhook.name', 'organization.name',
      'timestamp_unix', 'timestamp_iso8601', 'this.device_id', 'list.length', 'toString', 'hasOwnProperty', 'valueOf.name',
    ];
    const forced = '{{#if nothing_at_all}}{{/if}}';
    // Handlebars warns (console.error) about each prototype name it refuses; those refusals are the point here.
    let quiet: jest.SpyInstance;
    beforeAll(() => (quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined)));
    afterAll(() => quiet.mockRestore());
    it.each(['text', 'url', 'header', 'form', 'json'] as const)('%s', (dest) => {
      for (const path of paths) {
        for (const source of [`a{${path}}b`, `[{{${path}}}]`, `{"q": "{${path}}", "bare": {${path}}}`, `{{~ ${path} ~}} x {${path}}`]) {
          const fast = compileTemplate(source, dest).render(ctx);
          const viaHandlebars = compileTemplate(source + forced, dest).render(ctx);
          expect({ source, out: fast }).toEqual({ source, out: viaHandlebars });
          // The worker's way: names resolved from the subject, no object built.
          expect({ source, out: compileTemplate(source, dest).render(new RenderScope(subject)) }).toEqual({ source, out: viaHandlebars });
          expect({ source, out: compileTemplate(source + forced, dest).render(new RenderScope(subject)) }).toEqual({ source, out: viaHandlebars });
        }
      }
      // Literal braces and backslashes, which the translation turns into helpers.
      const literal = '{"a\\": {"b": "}{\\"}, "c": {count}}';
      expect(compileTemplate(literal, dest).render(ctx)).toBe(compileTemplate(literal + forced, dest).render(ctx));
    });
  });
});

describe('referencedPaths', () => {
  it('lists the paths a template reads outside each/with blocks', () => {
    const t = compileTemplate(
      '{"a": {device_id}, "b": "{{upper device_name}}", "c": {{json device_custom_metadata.room}}, "d": {{#each device_ids}}{{this.x}}{{/each}}, "e": {{#if battery_level}}1{{/if}}}',
      'json',
    );
    expect(referencedPaths(t).sort()).toEqual(['battery_level', 'device_custom_metadata.room', 'device_id', 'device_ids', 'device_name']);
  });
});

describe(buildRenderContext.name, () => {
  it('exposes the event fields, the event, webhook, organization and timestamps', () => {
    const now = new Date('2026-01-02T03:04:05.000Z');
    const ctx = buildRenderContext({ event: { device_id: 'd' }, webhook: { id: 1, name: 'w' }, organization: { id: 2, name: 'o' }, now });
    expect(render('{device_id} {event.device_id} {webhook.id} {organization.name} {timestamp_unix} {timestamp_iso8601}', 'text', ctx)).toBe(
      'd d 1 o 1767323045 2026-01-02T03:04:05.000Z',
    );
  });
});
