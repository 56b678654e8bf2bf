/** Runs `fn` with these environment variables set, restoring the previous values after. */
export async function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** The environment of a built worker process spawned by a test, on this run's stores. */
export function workerProcessEnv(over: Record<string, string> = {}): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    HOOKLINE_ENCRYPTION_KEY: process.env.HOOKLINE_ENCRYPTION_KEY,
    HOOKLINE_TOKEN_SECRET: process.env.HOOKLINE_TOKEN_SECRET,
    HOOKLINE_ALLOWED_TARGET_CIDRS: '127.0.0.0/8',
    HOOKLINE_WORKER_METRICS_PORT: '0',
    ...over,
  };
}
