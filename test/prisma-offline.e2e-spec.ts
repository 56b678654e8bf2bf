import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { AppProcess, freePort, prisma, ROOT } from './support/processes';

/** What the built API needs to start, as a production process would have it. */
const appEnv = () => ({
  PATH: process.env.PATH,
  NODE_ENV: 'production',
  DATABASE_URL: process.env.DATABASE_URL,
  REDIS_URL: process.env.REDIS_URL,
  HOOKLINE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  HOOKLINE_TOKEN_SECRET: randomBytes(32).toString('base64'),
});

/**
 * The Prisma CLI runs here with no native engine download (docs/prisma-offline.md):
 * prisma.config.ts points PRISMA_SCHEMA_ENGINE_BINARY at prisma/engine/schema-engine.mjs.
 */
describe('Prisma CLI without the native engine', () => {
  const listDatabases = async () => {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database');
    await client.end();
    return rows.map((r) => r.datname);
  };

  it('proves the committed migrations match schema.prisma (migrate diff --exit-code is 0)', async () => {
    const before = await listDatabases();
    const res = prisma(['migrate', 'diff', '--from-migrations', 'prisma/migrations', '--to-schema', 'prisma/schema.prisma', '--exit-code']);
    expect(res.stderr + res.stdout).toContain('No difference detected');
    expect(res.status).toBe(0);
    // The temporary shadow database is dropped again, and the main database was not used as one.
    expect((await listDatabases()).sort()).toEqual(before.sort());
  });

  it('detects a schema change the migrations lack (exit code 2), so the check can fail', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hl-schema-'));
    const schema = readFileSync(path.join(ROOT, 'prisma', 'schema.prisma'), 'utf8').replace(
      'model Organization {\n',
      'model Organization {\n  colour    String?\n',
    );
    writeFileSync(path.join(dir, 'schema.prisma'), schema);
    const res = prisma(['migrate', 'diff', '--from-migrations', 'prisma/migrations', '--to-schema', path.join(dir, 'schema.prisma'), '--exit-code']);
    rmSync(dir, { recursive: true, force: true });
    expect(res.status).toBe(2);
    expect(res.stdout).toMatch(/organization/i);
  });

  it('migrate deploy and migrate dev work on a fresh database, honouring ?schema=', async () => {
    const name = `hl_fresh_${process.pid}_${Date.now()}`;
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${name}`;
    url.searchParams.set('schema', 'tenant_a');
    // The CLI creates the missing database (create-database through our engine).
    const deploy = prisma(['migrate', 'deploy'], { DATABASE_URL: url.toString() });
    expect(deploy.stderr + deploy.stdout).toContain('successfully applied');
    expect(deploy.status).toBe(0);

    const client = new pg.Client({ connectionString: url.toString().replace(/\?.*$/, '') });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'tenant_a' ORDER BY 1`);
      expect(rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(['_prisma_migrations', 'webhook', 'organization']));
      const pub = await client.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`);
      expect(pub.rows[0].n).toBe(0);

      // migrate dev on an up-to-date database: nothing to do, no data touched.
      await client.query(`INSERT INTO tenant_a.organization (name) VALUES ('keep me')`);
      const dev = prisma(['migrate', 'dev'], { DATABASE_URL: url.toString() });
      expect(dev.stderr + dev.stdout).toMatch(/Already in sync|in sync/);
      expect(dev.status).toBe(0);
      const kept = await client.query(`SELECT name FROM tenant_a.organization`);
      expect(kept.rows).toEqual([{ name: 'keep me' }]);
    } finally {
      await client.end();
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });

  it('answers the native engine interface: --version and cli can-connect-to-database', () => {
    const engine = path.join(ROOT, 'prisma', 'engine', 'schema-engine.mjs');
    const missing = new URL(process.env.DATABASE_URL!);
    missing.pathname = '/hl_does_not_exist';
    const res = spawnSync(engine, ['--datasource', JSON.stringify({ url: missing.toString() }), 'cli', 'can-connect-to-database'], { encoding: 'utf8' });
    expect(res.status).toBe(1);
    const record = JSON.parse(res.stderr.trim().split('\n').pop()!);
    expect(record).toMatchObject({ level: 'ERROR', target: 'schema_engine::logger', fields: { error_code: 'P1003' } });
    const ok = spawnSync(engine, ['--datasource', JSON.stringify({ url: process.env.DATABASE_URL }), 'cli', 'can-connect-to-database'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);

    const version = prisma(['--version']);
    expect(version.stdout).toMatch(/Schema Engine\s*:\s*schema-engine-cli [0-9a-f]{40} \(at prisma\/engine\/schema-engine\.mjs, resolved by PRISMA_SCHEMA_ENGINE_BINARY\)/);
  });
  it('never loads @prisma/streams-local, the package that asks for Node >= 22: only `prisma dev` does, which Hookline never runs', async () => {
    const trace = path.join(tmpdir(), `hl-modules-${process.pid}.txt`);
    const traced = { NODE_OPTIONS: `--import=${pathToFileURL(path.join(ROOT, 'test/support/module-trace.mjs')).href}`, HL_MODULE_TRACE: trace };
    try {
      for (const args of [['migrate', 'deploy'], ['migrate', 'status'], ['migrate', 'diff', '--from-migrations', 'prisma/migrations', '--to-schema', 'prisma/schema.prisma', '--exit-code']]) {
        const res = prisma(args, traced);
        expect({ args, status: res.status, stderr: res.stderr }).toEqual({ args, status: 0, stderr: expect.any(String) });
      }
      // The built API, with its Prisma client, until it listens.
      const api = new AppProcess('dist/apps/api/main.js', [], { ...appEnv(), ...traced, PORT: String(await freePort()) });
      try {
        await api.waitFor(/api listening/);
      } finally {
        api.child.kill('SIGTERM');
        await api.exited;
      }
      const loaded = readFileSync(trace, 'utf8').split('\n');
      // The trace saw the Prisma CLI and the runtime client, so an empty trace cannot pass.
      expect(loaded.some((m) => m.includes('node_modules/prisma/build'))).toBe(true);
      expect(loaded.some((m) => m.includes('@prisma/client'))).toBe(true);
      expect(loaded.filter((m) => m.includes('streams-local'))).toEqual([]);
      // Of @prisma/dev (which depends on it) the CLI reads only the state module, which does not import it.
      expect([...new Set(loaded.filter((m) => m.includes('@prisma/dev/')))]).toEqual([path.join(ROOT, 'node_modules/@prisma/dev/dist/state.cjs')]);
    } finally {
      rmSync(trace, { force: true });
    }
  });
});
