import type pg from 'pg';

/**
 * What runs a statement: the SqlPool, or the client of a transaction a caller
 * opened with it. Repository methods that may take part in a larger
 * transaction take one of these first.
 */
export interface Queryable {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}
