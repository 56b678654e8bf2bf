/**
 * DATABASE_URL as node-postgres takes it: `?schema=` (which the Prisma CLI
 * understands) becomes the connections' search_path, so the API, the worker and
 * `prisma migrate` use the same schema.
 */
export function pgConnection(databaseUrl: string): { connectionString: string; schema?: string; searchPath: string } {
  const u = new URL(databaseUrl);
  const schema = u.searchParams.get('schema') ?? undefined;
  u.searchParams.delete('schema');
  return { connectionString: u.toString(), schema, searchPath: schema ? `-c search_path="${schema.replace(/"/g, '""')}"` : '' };
}

/**
 * How long an idle pooled connection is kept (node-postgres closes them after
 * 10 s by default). A new connection costs a backend fork and a SCRAM
 * handshake, several milliseconds of CPU on both sides: closing the pool after
 * every lull made the first requests after one pile up behind new connections.
 */
export const POOL_IDLE_MS = 5 * 60_000;
