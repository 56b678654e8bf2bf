import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type Redis from 'ioredis';
import { PrismaService } from '@hookline/db';
import { REDIS } from '@hookline/queue';
import { Public } from '../auth/principal';
import { ApiPublicErrors } from '../common/api-errors.decorator';

const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Public()
  @Get('live')
  @HttpCode(200)
  @ApiOperation({ summary: 'The process is up' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  @ApiPublicErrors(400)
  live() {
    return { status: 'ok' };
  }

  /** Ready when both stores answer; 503 naming the failing one otherwise. */
  @Public()
  @Get('ready')
  @ApiOperation({ summary: 'PostgreSQL and Redis answer' })
  @ApiOkResponse({ schema: { example: { status: 'ok', checks: { postgres: 'ok', redis: 'ok' } } } })
  @ApiPublicErrors(400)
  @ApiServiceUnavailableResponse({ schema: { example: { status: 'unavailable', checks: { postgres: 'ok', redis: 'down: connection refused' } } } })
  async ready(@Res({ passthrough: true }) res: Response) {
    const [pg, redis] = await Promise.allSettled([within(this.prisma.ping(), 2000), within(this.redis.ping(), 2000)]);
    const checks = {
      postgres: pg.status === 'fulfilled' ? 'ok' : `down: ${(pg.reason as Error).message.split('\n')[0]}`,
      redis: redis.status === 'fulfilled' ? 'ok' : `down: ${(redis.reason as Error).message.split('\n')[0]}`,
    };
    const ok = checks.postgres === 'ok' && checks.redis === 'ok';
    res.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', checks };
  }
}
