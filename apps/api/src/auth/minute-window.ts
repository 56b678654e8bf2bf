import type Redis from 'ioredis';

/** The fixed windows the API counts in (rate limit, token throttling), shared by every instance through Redis. */
export const WINDOW_MS = 60_000;

// INCR and set the window's expiry in one round trip.
const INCR = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/** The window `now` falls in: its start (part of the counters' keys) and the seconds until it ends (Retry-After). */
export function minuteWindow(now = Date.now()): { start: number; retryAfterSeconds: number } {
  const start = now - (now % WINDOW_MS);
  return { start, retryAfterSeconds: Math.max(1, Math.ceil((start + WINDOW_MS - now) / 1000)) };
}

/** Adds one to a window's counter and returns it; the key expires shortly after its window. */
export async function countInWindow(redis: Redis, key: string): Promise<number> {
  return Number(await redis.eval(INCR, 1, key, String(WINDOW_MS + 1000)));
}
