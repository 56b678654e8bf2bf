import { CanActivate, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { ConfigService } from '@hookline/config';
import { TooManyRequests } from '@hookline/common';
import { REDIS } from '@hookline/queue';
import { AuthedRequest } from './principal';

const WINDOW_MS = 60_000;

// INCR and set the window's expiry in one round trip.
const SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/**
 * Per-organization request budget (SPEC §6), a fixed one-minute window counted
 * in Redis so every API instance shares it. Runs after AuthGuard. If Redis is
 * unreachable the request is let through (and logged): the limiter protects the
 * service, it must not take the API down with it.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger(RateLimitGuard.name);
  private readonly limit: number;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    config: ConfigService,
  ) {
    this.limit = config.get('rateLimitPerMinute');
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    if (!req.principal) return true; // public route
    const now = Date.now();
    const windowStart = now - (now % WINDOW_MS);
    const key = `hookline:ratelimit:${req.principal.organizationId}:${windowStart}`;
    let count: number;
    try {
      count = Number(await this.redis.eval(SCRIPT, 1, key, String(WINDOW_MS + 1000)));
    } catch (err) {
      this.logger.warn(`rate limiter unavailable, request allowed: ${(err as Error).message}`);
      return true;
    }
    if (count > this.limit) {
      throw new TooManyRequests(Math.max(1, Math.ceil((windowStart + WINDOW_MS - now) / 1000)));
    }
    return true;
  }
}
