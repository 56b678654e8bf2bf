import { LoggerService, LogLevel } from '@nestjs/common';

const ORDER: Record<string, number> = { verbose: 0, debug: 0, log: 1, info: 1, warn: 2, error: 3, fatal: 4 };

/** Keys whose values never reach a log line, at any depth. */
const SECRET_KEY = /secret|password|token|authorization|cookie|api[-_]?key|signature/i;

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1);
  }
  return out;
}

/**
 * Structured logs (SPEC §6): one JSON object per line on stdout. Fields passed
 * as an object are redacted by key name; messages are ours and never carry
 * payloads or credentials.
 */
export class JsonLogger implements LoggerService {
  private min: number;

  constructor(
    level: 'debug' | 'info' | 'warn' | 'error' = 'info',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line),
  ) {
    this.min = ORDER[level];
  }

  log(message: unknown, ...rest: unknown[]) {
    this.emit('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.emit('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.emit('debug', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.emit('fatal', message, rest);
  }
  setLogLevels(levels: LogLevel[]) {
    this.min = Math.min(...levels.map((l) => ORDER[l] ?? 1));
  }

  private emit(level: string, message: unknown, rest: unknown[]) {
    if (ORDER[level] < this.min) return;
    // Nest passes the context as the last string argument.
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const line: Record<string, unknown> = { time: new Date().toISOString(), level };
    if (context) line.context = context;
    if (message && typeof message === 'object' && !(message instanceof Error)) {
      Object.assign(line, redact(message));
    } else {
      line.msg = message instanceof Error ? message.message : String(message);
    }
    for (const r of rest) {
      if (typeof r === 'string' && level === 'error') line.stack = r;
      else if (r && typeof r === 'object') Object.assign(line, redact(r));
    }
    this.write(JSON.stringify(line) + '\n');
  }
}
