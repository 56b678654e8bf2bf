import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { POOL_IDLE_MS, pgConnection } from './connection';
import { guardPool } from './sql-pool';
import { ConfigService } from '@hookline/config';
import { PrismaClient } from '../../../generated/prisma/client';

/** `?schema=` in DATABASE_URL selects the PostgreSQL schema, as with the Prisma CLI. */
export function pgAdapterFor(databaseUrl: string, poolMax = 10): PrismaPg {
  const { connectionString, schema, searchPath } = pgConnection(databaseUrl);
  const pool = guardPool(new pg.Pool({ connectionString, max: poolMax, idleTimeoutMillis: POOL_IDLE_MS, ...(searchPath ? { options: searchPath } : {}) }));
  // disposeExternalPool: $disconnect() ends the pool, as when adapter-pg builds it.
  return new PrismaPg(pool, { ...(schema ? { schema } : {}), disposeExternalPool: true });
}

/**
 * The Prisma client of the API and the worker (Prisma 7 query compiler +
 * adapter-pg, no native engine). The CLI and the tests build theirs with
 * pgAdapterFor, the same way.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PrismaService.name);

  constructor(config: ConfigService) {
    super({ adapter: pgAdapterFor(config.get('databaseUrl')) });
  }

  async onModuleInit() {
    await this.$connect();
    this.logger.log('connected to PostgreSQL');
  }

  async onModuleDestroy() {
    await this.$disconnect();
  }

  /** Readiness probe: a round trip to PostgreSQL. */
  async ping(): Promise<void> {
    await this.$queryRaw`SELECT 1`;
  }
}
