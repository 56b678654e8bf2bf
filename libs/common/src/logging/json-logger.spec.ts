import { JsonLogger, redact } from './json-logger';

describe(JsonLogger.name, () => {
  it('writes one JSON object per line with level and context, redacting secret-looking keys', () => {
    const lines: string[] = [];
    const sut = new JsonLogger('info', (l) => lines.push(l));
    sut.log({ msg: 'x', clientSecret: 'abc', nested: { password: 'p', ok: 1 } }, 'Ctx');
    sut.debug('hidden');
    sut.error('boom', 'stack here', 'Ctx');
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0]);
    expect(first).toMatchObject({ level: 'info', context: 'Ctx', msg: 'x', clientSecret: '[redacted]', nested: { password: '[redacted]', ok: 1 } });
    expect(JSON.parse(lines[1])).toMatchObject({ level: 'error', msg: 'boom', stack: 'stack here' });
    expect(lines.every((l) => l.endsWith('\n'))).toBe(true);
  });

  it('redacts tokens and authorization values at any depth', () => {
    expect(redact({ a: [{ accessToken: 't' }], Authorization: 'Bearer x' })).toEqual({ a: [{ accessToken: '[redacted]' }], Authorization: '[redacted]' });
  });
});
