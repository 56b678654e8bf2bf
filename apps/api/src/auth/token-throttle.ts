import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { TooManyRequests } from '@hookline/common';
import { REDIS } from '@hookline/queue';
import { countInWindow, minuteWindow } from './minute-window';

/** Failed token requests per minute from one source address before it is told to wait. */
export const FAILURES_PER_ADDRESS = 30;
/** Failed token requests per minute for one client id before unknown addresses are told to wait. */
export const FAILURES_PER_CLIENT = 10;
/** How long an address that obtained a client's token stays trusted for that client. */
const TRUSTED_MS = 24 * 3600_000;

/**
 * Throttles guessing at /oauth2/token (counted in Redis per minute, shared by
 * every API instance). An address with too many failures, or a client id with
 * too many, is answered 429 — except for the (client, address) pairs that
 * obtained a token in the last day, so an attacker cannot lock a real client
 * out, from anywhere. Redis down: requests are let through, as the
 * API's rate limit does.
 */
@Injectable()
export class TokenThrottle {
  private readonly logger = new Logger(TokenThrottle.name);

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  /** Throws 429 with Retry-After when this attempt must wait. */
  async check(clientId: string, address: string): Promise<void> {
    const w = minuteWindow();
    try {
      const [byAddress, byClient, trusted] = await Promise.all([
        this.redis.get(this.key('ip', address, w.start)),
        this.redis.get(this.key('client', clientId, w.start)),
        this.redis.exists(this.trustKey(clientId, address)),
      ]);
      // An address that obtained this client's token before is never held back for it.
      if (trusted) return;
      if (Number(byAddress ?? 0) >= FAILURES_PER_ADDRESS || Number(byClient ?? 0) >= FAILURES_PER_CLIENT) throw new TooManyRequests(w.retryAfterSeconds);
    } catch (err) {
      if (err instanceof TooManyRequests) throw err;
      this.logger.warn(`token throttle unavailable, request allowed: ${(err as Error).message}`);
    }
  }

  /** Counts a refused attempt; returns whether it was under the limits (worth a log line). */
  async failed(clientId: string, address: string): Promise<boolean> {
    const w = minuteWindow();
    try {
      const [byAddress, byClient] = await Promise.all([
        countInWindow(this.redis, this.key('ip', address, w.start)),
        countInWindow(this.redis, this.key('client', clientId, w.start)),
      ]);
      return byAddress <= FAILURES_PER_ADDRESS && byClient <= FAILURES_PER_CLIENT;
    } catch {
      return true;
    }
  }

  /** Remembers the address that obtained this client's token. */
  async succeeded(clientId: string, address: string): Promise<void> {
    await this.redis.set(this.trustKey(clientId, address), '1', 'PX', TRUSTED_MS).catch(() => undefined);
  }

  private key(kind: 'ip' | 'client', subject: string, start: number) {
    return `hookline:tokenfail:${kind}:${encodeURIComponent(subject.slice(0, 128))}:${start}`;
  }

  private trustKey(clientId: string, address: string) {
    return `hookline:tokentrust:${encodeURIComponent(clientId.slice(0, 128))}:${address}`;
  }
}
