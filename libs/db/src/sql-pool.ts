import { Injectable, OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { ConfigService } from '@hookline/config';

/**
 * A node-postgres pool for the worker's hot path: set-based statements over
 * arrays (claims and attempt records for a whole batch), where Prisma's
 * per-query overhead would cost more than the statement. Everything else goes
 * through PrismaService. Same database and schema rules (`?schema=`).
 */
@Injectable()
export class SqlPool implements OnModuleDestroy {
  readonly pool: pg.Pool;

  constructor(config: ConfigService) {
    const u = new URL(config.get('databaseUrl'));
    const schema = u.searchParams.get('schema');
    u.searchParams.delete('schema');
    this.pool = new pg.Pool({
      connectionString: u.toString(),
      max: 8,
      ...(schema ? { options: `-c search_path="${schema.replace(/"/g, '""')}"` } : {}),
    });
    // An idle client losing its connection (PostgreSQL restart) must not crash the process.
    this.pool.on('error', () => undefined);
  }

  query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(text, values);
  }

  /** Runs `fn` in one transaction on one connection; rolls back on any error. */
  async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async onModuleDestroy() {
    await this.pool.end();
  }
}
