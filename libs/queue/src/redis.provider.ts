import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnModuleDestroy } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { ConfigService } from '@hookline/config';

export const REDIS = Symbol('REDIS');
export type RedisRole = 'api' | 'worker';

/**
 * Connection options per role (BullMQ production guide): workers wait out a
 * Redis outage (`maxRetriesPerRequest: null`); the API fails fast so a request
 * never hangs on a Redis that is down.
 */
export function redisOptions(role: RedisRole): RedisOptions {
  return role === 'worker'
    ? { maxRetriesPerRequest: null, enableReadyCheck: true }
    : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, commandTimeout: 2000 };
}

export function createRedis(url: string, role: RedisRole): Redis {
  return new Redis(url, { ...redisOptions(role), lazyConnect: false });
}

@Injectable()
class RedisCloser implements OnModuleDestroy {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onModuleDestroy() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Global()
@Module({})
export class RedisModule {
  static forRole(role: RedisRole): DynamicModule {
    return {
      module: RedisModule,
      providers: [
        {
          provide: REDIS,
          inject: [ConfigService],
          useFactory: (config: ConfigService) => {
            const redis = createRedis(config.get('redisUrl'), role);
            const logger = new Logger('Redis');
            // Without a listener ioredis prints unhandled errors; log them once per state change.
            let lastError = '';
            redis.on('error', (err: Error) => {
              if (err.message !== lastError) logger.warn(`redis error: ${err.message}`);
              lastError = err.message;
            });
            redis.on('ready', () => {
              lastError = '';
            });
            return redis;
          },
        },
        RedisCloser,
      ],
      exports: [REDIS],
    };
  }
}
