import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { workerProcessEnv } from './env';
import { AppProcess, ROOT, freePort, prisma } from './processes';

function services(script: string): string {
  return execFileSync('bash', ['-c', `. scripts/lib/services.sh; ${script}`], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/**
 * A Redis of a test's own (own port and folder), so the test may kill it. AOF
 * on by default; `persist: false` makes every restart come back empty.
 */
export class LocalRedis {
  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly persist: boolean,
  ) {}

  static async start(opts: { persist?: boolean } = {}): Promise<LocalRedis> {
    const r = new LocalRedis(mkdtempSync(path.join(tmpdir(), 'hl-redis-')), await freePort(), opts.persist ?? true);
    r.up();
    return r;
  }

  get url() {
    return `redis://127.0.0.1:${this.port}`;
  }

  up() {
    services(`hl_redis_start ${this.dir} ${this.port} ${this.persist ? '' : 'ephemeral'} >&2`);
  }

  kill9() {
    process.kill(Number(readFileSync(path.join(this.dir, 'redis.pid'), 'utf8')), 'SIGKILL');
  }

  /** Stops it for good and removes its folder. */
  stop() {
    services(`hl_redis_stop ${this.dir} ${this.port}; rm -rf ${this.dir}`);
  }
}

/** A PostgreSQL cluster of a test's own, migrated, so the test may restart it. */
export class LocalPostgres {
  private constructor(
    readonly dataDir: string,
    readonly port: number,
    /** The folder made for it (dataDir is inside, or under /var/tmp when postgres cannot reach it). */
    private readonly folder: string,
  ) {}

  static async start(): Promise<LocalPostgres> {
    const port = await freePort();
    const wanted = mkdtempSync(path.join(tmpdir(), 'hl-pg-'));
    const dataDir = services(`hl_pg_start ${wanted}/data ${port} fast >&2; echo $HL_PG_DATA`);
    const pg = new LocalPostgres(dataDir, port, wanted);
    const res = prisma(['migrate', 'deploy'], { DATABASE_URL: pg.url });
    if (res.status !== 0) throw new Error(`migrate: ${res.stderr}`);
    return pg;
  }

  get url() {
    return `postgresql://hookline@127.0.0.1:${this.port}/hookline`;
  }

  stop() {
    services(`hl_pg_stop ${this.dataDir}`);
  }

  start() {
    services(`hl_pg_start ${this.dataDir} ${this.port} fast >&2`);
  }

  destroy() {
    this.stop();
    services(`rm -rf ${this.dataDir} ${this.dataDir}.initdb.log ${this.folder}`);
  }
}

/** Built API and worker processes on a given PostgreSQL and Redis, with an organization to act as. */
export class Stack {
  readonly workers: AppProcess[] = [];
  api?: AppProcess;
  base = '';
  token = '';

  constructor(
    readonly databaseUrl: string,
    readonly redisUrl: string,
    readonly extraEnv: Record<string, string> = {},
  ) {}

  env(over: Record<string, string> = {}) {
    return workerProcessEnv({
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: this.redisUrl,
      HOOKLINE_REQUEST_TIMEOUT_MS: '1000',
      HOOKLINE_CLAIM_LEASE_MS: '3000',
      HOOKLINE_SWEEP_INTERVAL_MS: '300',
      HOOKLINE_SWEEP_GRACE_MS: '1000',
      HOOKLINE_RETRY_SCHEDULE: '300,300,300,300,300',
      ...this.extraEnv,
      ...over,
    });
  }

  /** The built API; `script` another build of it (the chaos tests' dist/test/faulty-api/main.js). */
  async startApi(over: Record<string, string> = {}, script = 'dist/apps/api/main.js'): Promise<AppProcess> {
    const port = await freePort();
    this.base = `http://127.0.0.1:${port}`;
    this.api = new AppProcess(script, [], this.env({ PORT: String(port), ...over }));
    await this.api.waitFor(/api listening/);
    return this.api;
  }

  async startWorker(over: Record<string, string> = {}): Promise<AppProcess> {
    const w = new AppProcess('dist/apps/worker/main.js', [], this.env(over));
    await w.waitFor(/worker ready/);
    this.workers.push(w);
    return w;
  }

  async login(org: string): Promise<number> {
    const out = execFileSync(process.execPath, [path.join(ROOT, 'dist/apps/cli/main.js'), 'bootstrap', '--org', org, '--json'], {
      env: this.env() as NodeJS.ProcessEnv,
      encoding: 'utf8',
    });
    const creds = JSON.parse(out);
    const res = await fetch(`${this.base}/oauth2/token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    this.token = ((await res.json()) as { access_token: string }).access_token;
    return creds.organizationId;
  }

  async call(method: string, pathname: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.base}${pathname}`, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  }

  async stop() {
    const all = [...this.workers, ...(this.api ? [this.api] : [])];
    for (const p of all) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(all.map((p) => p.exited));
  }
}
