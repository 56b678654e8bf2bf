import { existsSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { SecretCipher } from '@hookline/common';
import { AppProcess, freePort, prisma, ROOT } from './support/processes';

/**
 * The operator contract of SPEC §9 on the built artifacts (npm run build runs
 * before the suite in scripts/test.sh): bootstrap, start:api, start:worker, and
 * settings validation at start.
 */
describe('built apps (dist/)', () => {
  beforeAll(() => {
    for (const app of ['api', 'worker', 'cli']) {
      if (!existsSync(path.join(ROOT, 'dist', 'apps', app, 'main.js'))) throw new Error(`dist/apps/${app}/main.js missing: run npm run build`);
    }
  });

  const key = () => randomBytes(32).toString('base64');
  const env = (over: Record<string, string | undefined> = {}) => ({
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    DATABASE_URL: process.env.DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL,
    HOOKLINE_ENCRYPTION_KEY: key(),
    HOOKLINE_TOKEN_SECRET: key(),
    ...over,
  });

  it('bootstrap --org NAME --json prints credentials that obtain a token from the built API', async () => {
    const boot = new AppProcess('dist/apps/cli/main.js', ['bootstrap', '--org', 'built-apps', '--json'], env());
    expect(await boot.exited).toBe(0);
    const creds = JSON.parse(boot.out.join('').trim());
    expect(creds).toEqual({ organizationId: expect.any(Number), clientId: expect.stringMatching(/^hlc_/), clientSecret: expect.stringMatching(/^hls_/) });

    const port = await freePort();
    const api = new AppProcess('dist/apps/api/main.js', [], env({ PORT: String(port) }));
    try {
      await api.waitFor(/api listening/);
      const basic = Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64');
      const tok = await fetch(`http://127.0.0.1:${port}/oauth2/token`, {
        method: 'POST',
        headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      expect(tok.status).toBe(200);
      const { access_token } = (await tok.json()) as { access_token: string };
      const org = await fetch(`http://127.0.0.1:${port}/api/v1/organization`, { headers: { Authorization: `Bearer ${access_token}` } });
      expect(((await org.json()) as { id: number }).id).toBe(creds.organizationId);
      expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);
      for (const line of api.text().trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
      expect(api.text()).not.toContain(creds.clientSecret);
      expect(api.text()).not.toContain(access_token);
    } finally {
      api.child.kill('SIGTERM');
    }
    // Clean shutdown: hooks ran, then Nest re-raises the signal (or exits 0).
    expect([0, 'SIGTERM']).toContain(await api.exited);
  });

  it('rotate-encryption-key re-encrypts every stored secret under the new key', async () => {
    const oldKey = key();
    const newKey = key();
    // A schema of its own: the command rotates every webhook of the database it is given.
    const schema = `rotate_${process.pid}_${Date.now()}`;
    const url = new URL(process.env.DATABASE_URL!);
    url.searchParams.set('schema', schema);
    expect(prisma(['migrate', 'deploy'], { DATABASE_URL: url.toString() }).status).toBe(0);
    const db = new pg.Client({ connectionString: process.env.DATABASE_URL, options: `-c search_path=${schema}` });
    await db.connect();
    try {
      const old = new SecretCipher(Buffer.from(oldKey, 'base64'));
      const org = await db.query(`INSERT INTO organization (name) VALUES ('rotate') RETURNING id`);
      const hook = await db.query(
        `INSERT INTO webhook (organization_id, name, trigger_type, url, auth_type, basic_username, basic_password_enc, signing_secret_enc, updated_at)
         VALUES ($1, 'r', 'DEVICE_ADDED', 'https://example.com', 'BASIC', 'u', $2, $3, now() - interval '1 hour') RETURNING id`,
        [org.rows[0].id, old.encrypt('p@ss'), old.encrypt('whsec_abc')],
      );
      const missing = new AppProcess('dist/apps/cli/main.js', ['rotate-encryption-key'], env({ DATABASE_URL: url.toString(), HOOKLINE_ENCRYPTION_KEY: newKey }));
      expect(await missing.exited).toBe(1);
      expect(missing.text()).toContain('HOOKLINE_PREVIOUS_ENCRYPTION_KEY must be 32 bytes');

      const rotate = new AppProcess('dist/apps/cli/main.js', ['rotate-encryption-key'], env({ DATABASE_URL: url.toString(), HOOKLINE_PREVIOUS_ENCRYPTION_KEY: oldKey, HOOKLINE_ENCRYPTION_KEY: newKey }));
      expect(await rotate.exited).toBe(0);
      expect(JSON.parse(rotate.out.join(''))).toEqual({ webhooks: 1, secrets: 2 });
      const { rows } = await db.query('SELECT basic_password_enc, signing_secret_enc, updated_at FROM webhook WHERE id = $1', [hook.rows[0].id]);
      const fresh = new SecretCipher(Buffer.from(newKey, 'base64'));
      expect(fresh.decrypt(rows[0].basic_password_enc)).toBe('p@ss');
      expect(fresh.decrypt(rows[0].signing_secret_enc)).toBe('whsec_abc');
      expect(() => old.decrypt(rows[0].basic_password_enc)).toThrow();
      expect(Date.now() - rows[0].updated_at.getTime()).toBeLessThan(60_000); // workers reload their cached definitions
    } finally {
      await db.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => undefined);
      await db.end();
    }
  });

  it('bootstrap without --org exits 2 with usage', async () => {
    const boot = new AppProcess('dist/apps/cli/main.js', ['bootstrap'], env());
    expect(await boot.exited).toBe(2);
    expect(boot.text()).toContain('--org NAME is required');
  });

  it('the API stops at start naming each bad or missing setting', async () => {
    const bad = new AppProcess('dist/apps/api/main.js', [], env({ HOOKLINE_ENCRYPTION_KEY: 'short', HOOKLINE_TOKEN_SECRET: undefined, PORT: 'x' }));
    expect(await bad.exited).toBe(1);
    expect(bad.text()).toContain('HOOKLINE_ENCRYPTION_KEY must be 32 bytes');
    expect(bad.text()).toContain('HOOKLINE_TOKEN_SECRET is required');
    expect(bad.text()).toContain('PORT must be an integer');
  });

  it('the worker connects to PostgreSQL and Redis, and shuts down cleanly on SIGTERM', async () => {
    const worker = new AppProcess('dist/apps/worker/main.js', [], env());
    await worker.waitFor(/worker ready/);
    worker.child.kill('SIGTERM');
    // The exit code with the worker's own output, so that a failed shutdown says why.
    expect({ exitCode: await worker.exited, output: worker.text() }).toEqual({ exitCode: 0, output: expect.stringMatching(/shutdown requested.*SIGTERM[\s\S]*in-flight jobs finished[\s\S]*worker stopped/) });
  });

  it('the worker stops at start naming a missing setting', async () => {
    const bad = new AppProcess('dist/apps/worker/main.js', [], env({ REDIS_URL: undefined }));
    expect(await bad.exited).toBe(1);
    expect(bad.text()).toContain('REDIS_URL is required');
  });

  it('a malformed HOOKLINE_ALLOWED_TARGET_CIDRS stops both apps with a message, not a stack trace', async () => {
    for (const app of ['dist/apps/api/main.js', 'dist/apps/worker/main.js']) {
      const bad = new AppProcess(app, [], env({ HOOKLINE_ALLOWED_TARGET_CIDRS: '127.0.0.0/8,1:2::3::4/64' }));
      expect(await bad.exited).toBe(1);
      // The log line is JSON, so the quotes around the value are escaped.
      expect(bad.text()).toMatch(/HOOKLINE_ALLOWED_TARGET_CIDRS has an invalid CIDR \\"1:2::3::4\/64\\"/);
      expect(bad.text()).not.toMatch(/\n\s+at /);
    }
  });
});
