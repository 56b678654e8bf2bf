import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { guardPool } from './sql-pool';
import { ConfigService } from '@hookline/config';
import { PrismaClient } from '../../../generated/prisma/client';

/** `?schema=` in DATABASE_URL selects the PostgreSQL schema, as with the Prisma CLI. */
export function pgAdapterFor(databaseUrl: string, poolMax = 10): PrismaPg {
  const u = new URL(databaseUrl);
  const schema = u.searchParams.get('schema') ?? undefined;
  u.searchParams.delete('schema');
  const pool = guardPool(
    new pg.Pool({
      connectionString: u.toString(),
      max: poolMax,
      ...(schema ? { options: `-c search_path="${schema.replace(/"/g, '""')}"` } : {}),
    }),
  );
  // disposeExternalPool: $disconnect() ends the pool, as when adapter-pg builds it.
  return new PrismaPg(pool, { ...(schema ? { schema } : {}), disposeExternalPool: true });
}

/** The only place a Prisma client is built (Prisma 7 query compiler + adapter-pg, no native engine). */
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
