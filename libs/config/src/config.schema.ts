import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ipaddr from 'ipaddr.js';

/** The whole of Hookline's settings (SPEC §9), validated once at start. */
export interface HooklineConfig {
  nodeEnv: 'production' | 'development' | 'test';
  databaseUrl: string;
  redisUrl: string;
  port: number;
  encryptionKey: Buffer;
  tokenSecret: Buffer;
  tokenTtlSeconds: number;
  allowedTargetCidrs: string[];
  retryScheduleMs: number[];
  requestTimeoutMs: number;
  workerConcurrency: number;
  rateLimitPerMinute: number;
  maxBodyBytes: number;
  smtpUrl: string | null;
  smtpFrom: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  retentionDays: number;
  workerMetricsPort: number;
  sweepIntervalMs: number;
  sweepGraceMs: number;
  /** How long a worker's claim on an attempt lasts; must outlast the longest attempt. */
  claimLeaseMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Requests in flight per worker. Hookline's attempts wait on PostgreSQL as well as on the receiver, so
 * more of them in flight keep a worker busy: on the benchmark machine 100 instead of 50 took the worker
 * from 74–77 % to 87–90 % of a bare worker's rate, and the bare worker gained nothing (docs/performance.md).
 */
export const DEFAULT_WORKER_CONCURRENCY = 100;

export const DEFAULT_RETRY_SCHEDULE = '5000,300000,1800000,7200000,18000000,36000000,36000000';

type Env = Record<string, string | undefined>;

/**
 * Parses the environment into a typed config, collecting every problem so the
 * operator sees them all at once. Throws ConfigError naming each bad setting.
 */
export function parseConfig(env: Env, opts: { devKeysFile?: string } = {}): HooklineConfig {
  const problems: string[] = [];
  const nodeEnv = (env.NODE_ENV ?? 'production') as HooklineConfig['nodeEnv'];
  if (!['production', 'development', 'test'].includes(nodeEnv)) {
    problems.push(`NODE_ENV must be production, development or test (got "${env.NODE_ENV}")`);
  }

  const url = (name: string, protocols: string[]): string => {
    const raw = env[name];
    if (!raw) {
      problems.push(`${name} is required`);
      return '';
    }
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) problems.push(`${name} must use ${protocols.join(' or ')} (got ${u.protocol})`);
    } catch {
      problems.push(`${name} is not a valid URL`);
    }
    return raw;
  };

  const int = (name: string, def: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return def;
    if (!/^\d+$/.test(raw.trim())) {
      problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return def;
    }
    const n = Number(raw);
    if (n < min || n > max) problems.push(`${name} must be between ${min} and ${max} (got ${n})`);
    return n;
  };

  // Keys: required in production; generated once and kept in a git-ignored file
  // for local development and tests, so restarts keep decrypting stored secrets.
  const keysMissing = !env.HOOKLINE_ENCRYPTION_KEY || !env.HOOKLINE_TOKEN_SECRET;
  const devKeys = nodeEnv !== 'production' && keysMissing && opts.devKeysFile ? loadOrCreateDevKeys(opts.devKeysFile) : undefined;
  const key = (name: 'HOOKLINE_ENCRYPTION_KEY' | 'HOOKLINE_TOKEN_SECRET'): Buffer => {
    const raw = env[name] ?? devKeys?.[name];
    if (!raw) {
      problems.push(`${name} is required (32 random bytes in base64: openssl rand -base64 32)`);
      return Buffer.alloc(32);
    }
    const buf = Buffer.from(raw, 'base64');
    if (buf.length !== 32 || !/^[A-Za-z0-9+/]+=*$/.test(raw.trim())) {
      problems.push(`${name} must be 32 bytes in base64 (openssl rand -base64 32)`);
      return Buffer.alloc(32);
    }
    return buf;
  };

  const cidrs = (env.HOOKLINE_ALLOWED_TARGET_CIDRS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const c of cidrs) {
    if (!isCidr(c)) problems.push(`HOOKLINE_ALLOWED_TARGET_CIDRS has an invalid CIDR "${c}" (expected address/prefix, e.g. 10.0.0.0/8 or fd00::/8)`);
  }

  const scheduleRaw = env.HOOKLINE_RETRY_SCHEDULE ?? DEFAULT_RETRY_SCHEDULE;
  const retryScheduleMs = scheduleRaw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (retryScheduleMs.some((n) => !Number.isInteger(n) || n < 0)) {
    problems.push(`HOOKLINE_RETRY_SCHEDULE must be comma-separated non-negative integers (ms) (got "${scheduleRaw}")`);
  }

  const requestTimeoutMs = int('HOOKLINE_REQUEST_TIMEOUT_MS', 15000, 100, 300000);
  // How long a dead worker's attempts wait before another worker takes them over. A live
  // worker renews the leases of its attempts however long they take (LeaseKeeper).
  const claimLeaseMs = int('HOOKLINE_CLAIM_LEASE_MS', requestTimeoutMs * 3 + 30_000, 1000, 3_600_000);
  if (claimLeaseMs < requestTimeoutMs * 3) {
    problems.push(`HOOKLINE_CLAIM_LEASE_MS must be at least 3 × HOOKLINE_REQUEST_TIMEOUT_MS (${requestTimeoutMs * 3})`);
  }

  const smtpUrl = env.SMTP_URL ? url('SMTP_URL', ['smtp:', 'smtps:']) : null;
  const logLevel = (env.LOG_LEVEL ?? 'info') as HooklineConfig['logLevel'];
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) problems.push(`LOG_LEVEL must be debug, info, warn or error`);

  const config: HooklineConfig = {
    nodeEnv,
    databaseUrl: url('DATABASE_URL', ['postgresql:', 'postgres:']),
    redisUrl: url('REDIS_URL', ['redis:', 'rediss:']),
    port: int('PORT', 3000, 0, 65535),
    encryptionKey: key('HOOKLINE_ENCRYPTION_KEY'),
    tokenSecret: key('HOOKLINE_TOKEN_SECRET'),
    tokenTtlSeconds: int('HOOKLINE_TOKEN_TTL_SECONDS', 3600, 60, 86400),
    allowedTargetCidrs: cidrs,
    retryScheduleMs,
    requestTimeoutMs,
    workerConcurrency: int('HOOKLINE_WORKER_CONCURRENCY', DEFAULT_WORKER_CONCURRENCY, 1, 1000),
    rateLimitPerMinute: int('HOOKLINE_RATE_LIMIT_PER_MINUTE', 10000, 1, 10_000_000),
    maxBodyBytes: int('HOOKLINE_MAX_BODY_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    smtpUrl,
    smtpFrom: env.SMTP_FROM ?? 'Hookline <hookline@localhost>',
    logLevel,
    retentionDays: int('HOOKLINE_RETENTION_DAYS', 30, 1, 3650),
    // 0 turns the worker's metrics/health listener off.
    workerMetricsPort: int('HOOKLINE_WORKER_METRICS_PORT', 9464, 0, 65535),
    sweepIntervalMs: int('HOOKLINE_SWEEP_INTERVAL_MS', 10_000, 100, 3_600_000),
    // How long past due a PENDING delivery may sit before the sweeper re-enqueues it.
    sweepGraceMs: int('HOOKLINE_SWEEP_GRACE_MS', 30_000, 0, 3_600_000),
    claimLeaseMs,
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/** An address in canonical form (four decimal parts, or IPv6 without a zone) and a prefix length that fits it. */
function isCidr(value: string): boolean {
  const [addr, bits, ...rest] = value.split('/');
  if (rest.length || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  if (ipaddr.IPv4.isValidFourPartDecimal(addr)) return Number(bits) <= 32;
  return !addr.includes('%') && ipaddr.IPv6.isValid(addr) && Number(bits) <= 128;
}

type DevKeys = Record<'HOOKLINE_ENCRYPTION_KEY' | 'HOOKLINE_TOKEN_SECRET', string>;

function loadOrCreateDevKeys(file: string): DevKeys {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DevKeys;
  const keys: DevKeys = {
    HOOKLINE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    HOOKLINE_TOKEN_SECRET: randomBytes(32).toString('base64'),
  };
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 });
  return keys;
}

/** Only DATABASE_URL, for commands that need nothing else (bootstrap). */
export function databaseUrlFrom(env: Env = process.env): string {
  const raw = env.DATABASE_URL;
  if (!raw) throw new ConfigError(['DATABASE_URL is required']);
  try {
    const u = new URL(raw);
    if (u.protocol !== 'postgresql:' && u.protocol !== 'postgres:') throw new Error();
  } catch {
    throw new ConfigError(['DATABASE_URL must be a postgresql:// URL']);
  }
  return raw;
}

/** A 32-byte base64 key from the environment, for commands (key rotation). */
export function keyFrom(name: string, env: Env = process.env): Buffer {
  const raw = env[name];
  const buf = raw ? Buffer.from(raw, 'base64') : Buffer.alloc(0);
  if (!raw || buf.length !== 32) throw new ConfigError([`${name} must be 32 bytes in base64 (openssl rand -base64 32)`]);
  return buf;
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/**
 * The log level, needed before the settings are loaded (the logger is built
 * first, to report them). An invalid value falls back to info here and is
 * reported by parseConfig.
 */
export function logLevelFrom(env: Env = process.env): HooklineConfig['logLevel'] {
  const v = env.LOG_LEVEL as HooklineConfig['logLevel'] | undefined;
  return v && LOG_LEVELS.includes(v) ? v : 'info';
}
