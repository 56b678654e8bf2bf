import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ApiHarness, OrgAdmin, unique } from './support/api-harness';
import { ROOT } from './support/processes';
import { Receiver, eventually } from './support/receiver';
import { WorkerHarness } from './support/worker-harness';
// The built package, as an application would install it (npm run build compiles it).
import { createHooklineClient } from '../clients/typescript/dist';

const CLIENT = path.join(ROOT, 'clients/typescript');
const DEVICE = '6f1c1a52-3b0e-4c7d-9a51-2f7a4f8b9c01';

/** What `redocly lint` (recommended rules) finds in a document: one line per problem. */
function lint(file: string): { totals: { errors: number; warnings: number }; problems: string[] } {
  let out: string;
  try {
    out = execFileSync(process.execPath, [path.join(ROOT, 'node_modules/@redocly/cli/bin/cli.js'), 'lint', file, '--format=json'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    out = (err as { stdout: string }).stdout; // problems found: exit code 1, the report on stdout
  }
  const report = JSON.parse(out) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string; location: { pointer: string }[] }[] };
  return { totals: report.totals, problems: report.problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`) };
}

describe('the OpenAPI document and the TypeScript client generated from it (issue #13)', () => {
  let api: ApiHarness;
  let worker: WorkerHarness;
  let admin: OrgAdmin;
  let rx: Receiver;
  let live: Record<string, unknown>;
  let base: string;
  const tmp = mkdtempSync(path.join(ROOT, '.hookline', 'client-'));

  beforeAll(async () => {
    rx = await Receiver.start();
    api = await ApiHarness.start();
    worker = await WorkerHarness.start();
    admin = await api.newOrg(unique('client'));
    live = (await api.http().get('/docs-json')).body;
    // The client speaks HTTP like any application.
    base = await api.listen();
  });
  afterAll(async () => {
    rmSync(tmp, { recursive: true, force: true });
    await worker.close();
    await api.close();
    await rx.close();
  });

  it('passes redocly lint with the recommended rules: no error, no warning', () => {
    const result = lint(path.join(CLIENT, 'openapi.json'));
    expect(result.problems).toEqual([]);
    expect(result.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it('is generated from the API as it is now (else: npm run client:generate)', () => {
    expect(JSON.parse(readFileSync(path.join(CLIENT, 'openapi.json'), 'utf8'))).toEqual(live);
    const fresh = path.join(tmp, 'schema.ts');
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/openapi-typescript/bin/cli.js'), path.join(CLIENT, 'openapi.json'), '--default-non-nullable', 'false', '-o', fresh], { cwd: ROOT, stdio: 'ignore' });
    expect(readFileSync(path.join(CLIENT, 'src/schema.ts'), 'utf8')).toBe(readFileSync(fresh, 'utf8'));
  });

  it('marks exactly the public operations as needing no token', () => {
    const open: string[] = [];
    for (const [p, item] of Object.entries(live.paths as Record<string, Record<string, { security?: unknown[] }>>)) {
      for (const [method, op] of Object.entries(item)) if (Array.isArray(op.security) && op.security.length === 0) open.push(`${method} ${p}`);
    }
    expect(open.sort()).toEqual(['get /health/live', 'get /health/ready', 'post /oauth2/token']);
    expect(live.security).toEqual([{ bearer: [] }, { oauth2: [] }]);
  });

  it('gets a token, creates a webhook, publishes an event and reads the delivery log, typed end to end', async () => {
    const hookline = createHooklineClient({ baseUrl: base, clientId: admin.clientId, clientSecret: admin.clientSecret });
    const created = await hookline.POST('/api/v1/organization/webhooks', {
      body: { name: 'from the client', triggerType: 'DEVICE_LOW_BATTERY', url: rx.url('/client/{device_id}'), bodyTemplate: '{"level": {battery_level}}' },
    });
    expect(created.response.status).toBe(201);
    const webhook = created.data!;
    expect(webhook.signingSecret).toMatch(/^whsec_/);
    // @ts-expect-error failureLimit is an integer in the schema: a string does not compile.
    const rejected = await hookline.PATCH('/api/v1/organization/webhooks/{id}', { params: { path: { id: webhook.id } }, body: { failureLimit: 'ten' } });
    expect(rejected.response.status).toBe(400);
    expect(rejected.error).toMatchObject({ details: [{ field: 'failureLimit', message: 'failureLimit must be an integer, not a string' }] });

    const published = await hookline.POST('/api/v1/organization/events', { body: { event_type: 'device.low_battery', device_id: DEVICE, battery_level: 0.2 } });
    expect(published.response.status).toBe(202);
    const [request] = await rx.waitFor(1);
    expect(request.url).toBe(`/client/${DEVICE}`);
    expect(request.body).toBe('{"level": 0.2}');

    const delivery = await eventually(async () => {
      const log = await hookline.GET('/api/v1/organization/webhooks/{id}/deliveries', { params: { path: { id: webhook.id } } });
      const first = log.data?.items[0];
      return first?.status === 'SUCCEEDED' ? first : undefined;
    }, 15_000, 'the delivery recorded as SUCCEEDED');
    const detail = await hookline.GET('/api/v1/organization/webhooks/{id}/deliveries/{deliveryId}', { params: { path: { id: webhook.id, deliveryId: delivery.id } } });
    expect(detail.data?.attempts[0]).toMatchObject({ responseStatus: 200, requestUrl: rx.url(`/client/${DEVICE}`) });
  });
});
