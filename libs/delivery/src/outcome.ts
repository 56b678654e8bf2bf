/** What one attempt led to (SPEC §5.3). */
export interface AttemptOutcome {
  ok: boolean;
  /** Worth trying again later: network errors, timeouts, 408, 429, 5xx, token-endpoint errors. */
  retryable: boolean;
  /** 410 Gone: the receiver asks us to stop; disable the webhook now. */
  gone: boolean;
  /** No answer came: a timeout or a connection failure, what the circuit breaker counts (issue #11). */
  unreachable: boolean;
}

export type FailureKind = 'network' | 'timeout' | 'render' | 'token' | 'refused' | 'config';

export function outcomeOfStatus(status: number): AttemptOutcome {
  if (status >= 200 && status < 300) return { ok: true, retryable: false, gone: false, unreachable: false };
  if (status === 410) return { ok: false, retryable: false, gone: true, unreachable: false };
  const retryable = status === 408 || status === 429 || status >= 500;
  return { ok: false, retryable, gone: false, unreachable: false };
}

export function outcomeOfFailure(kind: FailureKind): AttemptOutcome {
  // Render and configuration errors repeat identically; a refused target is policy.
  const retryable = kind === 'network' || kind === 'timeout' || kind === 'token';
  return { ok: false, retryable, gone: false, unreachable: kind === 'network' || kind === 'timeout' };
}

/** `Retry-After` in seconds or as an HTTP date, as milliseconds from now (null when absent or invalid). */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

const MAX_RETRY_AFTER_MS = 24 * 3600 * 1000;

/**
 * Delay before attempt `attemptNo + 1` after attempt `attemptNo` failed, or null
 * when the schedule is exhausted. ±20 % jitter; a later `Retry-After` wins.
 */
export function retryDelay(schedule: readonly number[], attemptNo: number, retryAfterMs: number | null, random = Math.random): number | null {
  if (attemptNo < 1 || attemptNo > schedule.length) return null;
  const base = schedule[attemptNo - 1];
  const jittered = Math.round(base * (0.8 + 0.4 * random()));
  return retryAfterMs === null ? jittered : Math.max(jittered, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}
