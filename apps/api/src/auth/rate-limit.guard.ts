import { CanActivate, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { ConfigService } from '@hookline/config';
import { TooManyRequests } from '@hookline/common';
import { REDIS } from '@hookline/queue';
import { countInWindow, minuteWindow } from './minute-window';
import { AuthedRequest } from './principal';

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
    const window = minuteWindow();
    let count: number;
    try {
      count = await countInWindow(this.redis, `hookline:ratelimit:${req.principal.organizationId}:${window.start}`);
    } catch (err) {
      this.logger.warn(`rate limiter unavailable, request allowed: ${(err as Error).message}`);
      return true;
    }
    if (count > this.limit) throw new TooManyRequests(window.retryAfterSeconds);
    return true;
  }
}
