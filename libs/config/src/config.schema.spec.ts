import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, logLevelFrom, parseConfig } from './config.schema';

/** Folders the tests made, removed at the end. */
const madeDirs: string[] = [];
afterAll(() => madeDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const KEY = Buffer.alloc(32, 7).toString('base64');
const good = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgresql://u@127.0.0.1:5432/db',
  REDIS_URL: 'redis://127.0.0.1:6379',
  HOOKLINE_ENCRYPTION_KEY: KEY,
  HOOKLINE_TOKEN_SECRET: KEY,
};

function problems(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe(parseConfig.name, () => {
  it('applies the SPEC §9 defaults', () => {
    const sut = parseConfig(good);
    expect(sut).toMatchObject({
      port: 3000,
      requestTimeoutMs: 15000,
      rateLimitPerMinute: 10000,
      retryScheduleMs: [5000, 300000, 1800000, 7200000, 18000000, 36000000, 36000000],
      allowedTargetCidrs: [],
      smtpUrl: null,
      publicUrl: null,
      workerConcurrency: 100,
      circuitFailureThreshold: 5,
      circuitPauseMs: 30000,
      circuitMaxPauseMs: 3600000,
    });
    expect(sut.encryptionKey).toHaveLength(32);
  });

  it('reads every setting', () => {
    const sut = parseConfig({
      ...good,
      PORT: '8080',
      HOOKLINE_ALLOWED_TARGET_CIDRS: '127.0.0.0/8, ::1/128',
      HOOKLINE_RETRY_SCHEDULE: '100,200',
      HOOKLINE_REQUEST_TIMEOUT_MS: '500',
      HOOKLINE_WORKER_CONCURRENCY: '8',
      HOOKLINE_RATE_LIMIT_PER_MINUTE: '60',
      HOOKLINE_CIRCUIT_FAILURE_THRESHOLD: '0',
      HOOKLINE_CIRCUIT_PAUSE_MS: '1000',
      HOOKLINE_CIRCUIT_MAX_PAUSE_MS: '8000',
      SMTP_URL: 'smtp://127.0.0.1:2525',
      SMTP_FROM: 'ops@example.com',
    });
    expect(sut).toMatchObject({
      port: 8080,
      allowedTargetCidrs: ['127.0.0.0/8', '::1/128'],
      retryScheduleMs: [100, 200],
      requestTimeoutMs: 500,
      workerConcurrency: 8,
      rateLimitPerMinute: 60,
      circuitFailureThreshold: 0,
      circuitPauseMs: 1000,
      circuitMaxPauseMs: 8000,
      smtpUrl: 'smtp://127.0.0.1:2525',
      smtpFrom: 'ops@example.com',
    });
  });

  it.each([
    ['DATABASE_URL missing', { DATABASE_URL: undefined }, 'DATABASE_URL is required'],
    ['DATABASE_URL not postgres', { DATABASE_URL: 'mysql://x/y' }, 'DATABASE_URL must use'],
    ['REDIS_URL malformed', { REDIS_URL: 'not a url' }, 'REDIS_URL is not a valid URL'],
    ['encryption key missing in production', { HOOKLINE_ENCRYPTION_KEY: undefined }, 'HOOKLINE_ENCRYPTION_KEY is required'],
    ['encryption key too short', { HOOKLINE_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') }, 'HOOKLINE_ENCRYPTION_KEY must be 32 bytes'],
    ['token secret not base64', { HOOKLINE_TOKEN_SECRET: '!!!not-base64!!!' }, 'HOOKLINE_TOKEN_SECRET must be 32 bytes'],
    ['PORT not a number', { PORT: 'eighty' }, 'PORT must be an integer'],
    ['PORT out of range', { PORT: '70000' }, 'PORT must be between'],
    ['bad CIDR', { HOOKLINE_ALLOWED_TARGET_CIDRS: '127.0.0.0/33' }, 'HOOKLINE_ALLOWED_TARGET_CIDRS has an invalid CIDR'],
    ['CIDR with two ::', { HOOKLINE_ALLOWED_TARGET_CIDRS: '10.0.0.0/8,1:2::3::4/64' }, 'HOOKLINE_ALLOWED_TARGET_CIDRS has an invalid CIDR "1:2::3::4/64"'],
    ['CIDR with a trailing colon', { HOOKLINE_ALLOWED_TARGET_CIDRS: '1::2:/64' }, 'HOOKLINE_ALLOWED_TARGET_CIDRS has an invalid CIDR "1::2:/64"'],
    ['CIDR without a prefix', { HOOKLINE_ALLOWED_TARGET_CIDRS: '10.0.0.1' }, 'HOOKLINE_ALLOWED_TARGET_CIDRS has an invalid CIDR "10.0.0.1"'],
    ['CIDR with an octal-looking part', { HOOKLINE_ALLOWED_TARGET_CIDRS: '010.0.0.0/8' }, 'HOOKLINE_ALLOWED_TARGET_CIDRS has an invalid CIDR "010.0.0.0/8"'],
    ['CIDR with a zone', { HOOKLINE_ALLOWED_TARGET_CIDRS: 'fe80::1%eth0/64' }, 'HOOKLINE_ALLOWED_TARGET_CIDRS has an invalid CIDR'],
    ['bad retry schedule', { HOOKLINE_RETRY_SCHEDULE: '5s,10s' }, 'HOOKLINE_RETRY_SCHEDULE must be'],
    ['timeout zero', { HOOKLINE_REQUEST_TIMEOUT_MS: '0' }, 'HOOKLINE_REQUEST_TIMEOUT_MS must be between'],
    ['bad NODE_ENV', { NODE_ENV: 'staging' }, 'NODE_ENV must be'],
    ['circuit pause above its maximum', { HOOKLINE_CIRCUIT_PAUSE_MS: '60000', HOOKLINE_CIRCUIT_MAX_PAUSE_MS: '1000' }, 'HOOKLINE_CIRCUIT_MAX_PAUSE_MS must be at least HOOKLINE_CIRCUIT_PAUSE_MS'],
    ['circuit threshold negative', { HOOKLINE_CIRCUIT_FAILURE_THRESHOLD: '-1' }, 'HOOKLINE_CIRCUIT_FAILURE_THRESHOLD must be an integer between 0 and 1000'],
    ['SMTP_URL not smtp', { SMTP_URL: 'http://mail' }, 'SMTP_URL must use'],
  ])('stops with a message naming the setting: %s', (_label, over, message) => {
    expect(problems({ ...good, ...over }).join('\n')).toContain(message);
  });

  it('reports every problem at once', () => {
    const all = problems({ NODE_ENV: 'production' });
    expect(all).toEqual(
      expect.arrayContaining([
        'DATABASE_URL is required',
        'REDIS_URL is required',
        expect.stringContaining('HOOKLINE_ENCRYPTION_KEY is required'),
        expect.stringContaining('HOOKLINE_TOKEN_SECRET is required'),
      ]),
    );
  });

  it('treats an unset NODE_ENV as production (keys required)', () => {
    expect(problems({ ...good, NODE_ENV: undefined, HOOKLINE_TOKEN_SECRET: undefined }).join()).toContain('HOOKLINE_TOKEN_SECRET is required');
  });

  it('generates development keys once and reuses them', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hl-keys-'));
    madeDirs.push(dir);
    const file = path.join(dir, 'dev-keys.json');
    const env = { ...good, NODE_ENV: 'development', HOOKLINE_ENCRYPTION_KEY: undefined, HOOKLINE_TOKEN_SECRET: undefined };
    const first = parseConfig(env, { devKeysFile: file });
    const second = parseConfig(env, { devKeysFile: file });
    expect(first.encryptionKey.equals(second.encryptionKey)).toBe(true);
    expect(first.encryptionKey.equals(first.tokenSecret)).toBe(false);
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')))).toEqual(['HOOKLINE_ENCRYPTION_KEY', 'HOOKLINE_TOKEN_SECRET']);
    // Keys from the environment win, and then no file is written.
    const other = path.join(path.dirname(file), 'unused.json');
    parseConfig({ ...good, NODE_ENV: 'development' }, { devKeysFile: other });
    expect(() => readFileSync(other)).toThrow();
    // Production never falls back to a key file.
    expect(() => parseConfig({ ...env, NODE_ENV: 'production' }, { devKeysFile: file })).toThrow(ConfigError);
  });
});

describe(logLevelFrom.name, () => {
  it('reads LOG_LEVEL, falling back to info for a missing or unknown value', () => {
    expect(logLevelFrom({ LOG_LEVEL: 'warn' })).toBe('warn');
    expect(logLevelFrom({})).toBe('info');
    expect(logLevelFrom({ LOG_LEVEL: 'loud' })).toBe('info');
  });
});
