import { Injectable, OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { ConfigService } from '@hookline/config';
import { POOL_IDLE_MS, pgConnection } from './connection';

/**
 * A PostgreSQL restart must never crash the process. node-postgres emits a
 * connection's errors as 'error' events: on the pool for idle clients, and on
 * the client itself otherwise, where pg-pool listens only once per query — a
 * terminated connection can emit twice. Every client gets a permanent listener;
 * the queries involved still fail, and their callers retry.
 */
export function guardPool(pool: pg.Pool): pg.Pool {
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/**
 * node-postgres pools for the repositories' set-based statements over arrays
 * (ingestion's events and deliveries, the worker's claims, leases and records
 * for a whole batch), where Prisma's per-query overhead would cost more than
 * the statement. The other repository methods use PrismaService. Same
 * database and schema rules (`?schema=`).
 */
@Injectable()
export class SqlPool implements OnModuleDestroy {
  readonly pool: pg.Pool;
  /**
   * Connections whose commits do not wait for the WAL flush, for writes that
   * may be lost in a PostgreSQL crash without harm: a lost claim only means an
   * attempt may be sent again (at-least-once, same webhook-id). Never for
   * accepted events or recorded attempts.
   */
  readonly relaxed: pg.Pool;

  constructor(config: ConfigService) {
    const { connectionString, searchPath } = pgConnection(config.get('databaseUrl'));
    // Timeouts so a connection that dies without an error (a server going away
    // mid-query) fails the batch, which is retried, instead of hanging it forever.
    const common = { connectionString, connectionTimeoutMillis: 5000, query_timeout: 60_000, idleTimeoutMillis: POOL_IDLE_MS };
    this.pool = new pg.Pool({ ...common, max: 8, ...(searchPath ? { options: searchPath } : {}) });
    this.relaxed = new pg.Pool({ ...common, max: 4, options: `${searchPath} -c synchronous_commit=off`.trim() });
    guardPool(this.pool);
    guardPool(this.relaxed);
  }

  query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(text, values);
  }

  /** A statement on a `relaxed` connection (asynchronous commit). */
  queryRelaxed<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    return this.relaxed.query<R>(text, values);
  }

  /** Runs `fn` in one transaction on one connection; rolls back on any error. */
  async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A checked-out client's connection error is emitted on the client itself
    // (PostgreSQL restarting): without a listener it would crash the process.
    // The pending query rejects anyway, so the error only needs catching here.
    const onError = () => undefined;
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.off('error', onError);
      client.release();
    }
  }

  async onModuleDestroy() {
    await Promise.all([this.pool.end(), this.relaxed.end()]);
  }
}
