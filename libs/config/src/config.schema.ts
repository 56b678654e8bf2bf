import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Env, EnvReader } from './env-reader';

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
  /** Requests one webhook may have in flight in a worker (issue #11): half of workerConcurrency unless set. */
  webhookMaxConcurrency: number;
  /** Circuit breaker (issue #11): timeouts or connection failures in a row that open a webhook's circuit; 0 turns it off. */
  circuitFailureThreshold: number;
  /** The first pause of an open circuit; it doubles with each reopening, up to circuitMaxPauseMs. */
  circuitPauseMs: number;
  circuitMaxPauseMs: number;
  rateLimitPerMinute: number;
  /** Events one organization may have in ingestion at once in an API process while others publish (issue #11). */
  ingestOrgMaxEvents: number;
  maxBodyBytes: number;
  smtpUrl: string | null;
  /** Where users reach this Hookline (`https://hooks.example.com`): portal links are absolute with it, relative without. */
  publicUrl: string | null;
  smtpFrom: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  retentionDays: number;
  workerMetricsPort: number;
  /** 0: the API serves /metrics on its own port; else only on this one. */
  apiMetricsPort: number;
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

/**
 * Parses the environment into a typed config, collecting every problem so the
 * operator sees them all at once. Throws ConfigError naming each bad setting.
 */
export function parseConfig(env: Env, opts: { devKeysFile?: string } = {}): HooklineConfig {
  const read = new EnvReader(env);
  const nodeEnv = read.oneOf('NODE_ENV', ['production', 'development', 'test'] as const, 'production');
  // Keys: required in production; generated once and kept in a git-ignored file
  // for local development and tests, so restarts keep decrypting stored secrets.
  const devKeys = nodeEnv !== 'production' && (!env.HOOKLINE_ENCRYPTION_KEY || !env.HOOKLINE_TOKEN_SECRET) && opts.devKeysFile ? loadOrCreateDevKeys(opts.devKeysFile) : undefined;
  const requestTimeoutMs = read.int('HOOKLINE_REQUEST_TIMEOUT_MS', 15000, 100, 300000);
  const workerConcurrency = read.int('HOOKLINE_WORKER_CONCURRENCY', DEFAULT_WORKER_CONCURRENCY, 1, 1000);
  // How long a dead worker's attempts wait before another worker takes them over. A live
  // worker renews the leases of its attempts however long they take (LeaseKeeper).
  const claimLeaseMs = read.int('HOOKLINE_CLAIM_LEASE_MS', requestTimeoutMs * 3 + 30_000, 1000, 3_600_000);
  if (claimLeaseMs < requestTimeoutMs * 3) read.problems.push(`HOOKLINE_CLAIM_LEASE_MS must be at least 3 × HOOKLINE_REQUEST_TIMEOUT_MS (${requestTimeoutMs * 3})`);
  const config: HooklineConfig = {
    nodeEnv,
    databaseUrl: read.url('DATABASE_URL', ['postgresql:', 'postgres:']),
    redisUrl: read.url('REDIS_URL', ['redis:', 'rediss:']),
    port: read.int('PORT', 3000, 0, 65535),
    encryptionKey: read.key('HOOKLINE_ENCRYPTION_KEY', devKeys?.HOOKLINE_ENCRYPTION_KEY),
    tokenSecret: read.key('HOOKLINE_TOKEN_SECRET', devKeys?.HOOKLINE_TOKEN_SECRET),
    tokenTtlSeconds: read.int('HOOKLINE_TOKEN_TTL_SECONDS', 3600, 60, 86400),
    allowedTargetCidrs: read.cidrs('HOOKLINE_ALLOWED_TARGET_CIDRS'),
    retryScheduleMs: read.millisList('HOOKLINE_RETRY_SCHEDULE', DEFAULT_RETRY_SCHEDULE),
    requestTimeoutMs,
    workerConcurrency,
    webhookMaxConcurrency: read.int('HOOKLINE_WEBHOOK_MAX_CONCURRENCY', Math.max(1, Math.floor((workerConcurrency * 3) / 4)), 1, 1000),
    ...readCircuit(read),
    rateLimitPerMinute: read.int('HOOKLINE_RATE_LIMIT_PER_MINUTE', 10000, 1, 10_000_000),
    // One full batch (500 events) at a time while another organization is publishing.
    ingestOrgMaxEvents: read.int('HOOKLINE_INGEST_ORG_MAX_EVENTS', 500, 1, 1_000_000),
    maxBodyBytes: read.int('HOOKLINE_MAX_BODY_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    smtpUrl: env.SMTP_URL ? read.url('SMTP_URL', ['smtp:', 'smtps:']) : null,
    publicUrl: env.HOOKLINE_PUBLIC_URL ? read.url('HOOKLINE_PUBLIC_URL', ['http:', 'https:']).replace(/\/+$/, '') : null,
    smtpFrom: env.SMTP_FROM ?? 'Hookline <hookline@localhost>',
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    retentionDays: read.int('HOOKLINE_RETENTION_DAYS', 30, 1, 3650),
    // 0 turns the worker's metrics/health listener off.
    workerMetricsPort: read.int('HOOKLINE_WORKER_METRICS_PORT', 9464, 0, 65535),
    // Set, it keeps the API's /metrics off the public port (docker-compose.yml).
    apiMetricsPort: read.int('HOOKLINE_API_METRICS_PORT', 0, 0, 65535),
    sweepIntervalMs: read.int('HOOKLINE_SWEEP_INTERVAL_MS', 10_000, 100, 3_600_000),
    // How long past due a PENDING delivery may sit before the sweeper re-enqueues it.
    sweepGraceMs: read.int('HOOKLINE_SWEEP_GRACE_MS', 30_000, 0, 3_600_000),
    claimLeaseMs,
  };
  if (read.problems.length) throw new ConfigError(read.problems);
  return config;
}

/** The circuit breaker's settings (issue #11): 5 unreachable attempts in a row open it for 30 s, doubling to at most an hour. */
function readCircuit(read: EnvReader): Pick<HooklineConfig, 'circuitFailureThreshold' | 'circuitPauseMs' | 'circuitMaxPauseMs'> {
  const circuitPauseMs = read.int('HOOKLINE_CIRCUIT_PAUSE_MS', 30_000, 100, 86_400_000);
  const circuitMaxPauseMs = read.int('HOOKLINE_CIRCUIT_MAX_PAUSE_MS', 3_600_000, 100, 86_400_000);
  if (circuitMaxPauseMs < circuitPauseMs) read.problems.push(`HOOKLINE_CIRCUIT_MAX_PAUSE_MS must be at least HOOKLINE_CIRCUIT_PAUSE_MS (${circuitPauseMs})`);
  return { circuitFailureThreshold: read.int('HOOKLINE_CIRCUIT_FAILURE_THRESHOLD', 5, 0, 1000), circuitPauseMs, circuitMaxPauseMs };
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
