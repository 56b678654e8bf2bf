import { WebhooksRepository } from '@hookline/db';
import { ApiHarness, OrgAdmin, unique } from './support/api-harness';
import { WorkerHarness } from './support/worker-harness';

/** Every column a request is made from (SendableWebhook): the worker's statement must return each as stored. */
const SENDABLE = [
  'id', 'name', 'url', 'method', 'contentType', 'headers', 'bodyTemplate', 'maxConcurrency', 'rateLimitPerMinute', 'authType',
  'basicUsername', 'basicPasswordEnc', 'oauth2TokenUrl', 'oauth2ClientId', 'oauth2ClientSecretEnc', 'oauth2Scope', 'oauth2Audience',
  'signingSecretEnc', 'previousSigningSecretEnc', 'previousSecretExpiresAt', 'updatedAt',
] as const;

describe('Webhook definitions as the worker loads them', () => {
  let api: ApiHarness;
  let worker: WorkerHarness;
  let admin: OrgAdmin;

  beforeAll(async () => {
    api = await ApiHarness.start();
    worker = await WorkerHarness.start({ HOOKLINE_SWEEP_INTERVAL_MS: '3600000' });
    admin = await api.newOrg(unique('definitions'));
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  const create = async (body: Record<string, unknown>) => {
    const res = await api.http().post('/api/v1/organization/webhooks').auth(admin.token, { type: 'bearer' }).send({ name: unique('hook'), triggerType: 'DEVICE_ADDED', url: 'http://127.0.0.1:9/unused', ...body });
    expect(res.status).toBe(201);
    return res.body.id as number;
  };

  it('returns every column a request is made from, as Prisma reads it, with the organization', async () => {
    const basic = await create({
      method: 'PUT',
      contentType: 'PLAIN_TEXT',
      headers: [{ name: 'X-Device', value: '{device_id}' }],
      bodyTemplate: 'device {device_id}',
      maxConcurrency: 3,
      rateLimitPerMinute: 120,
      authType: 'BASIC',
      basicAuth: { username: 'hook user', password: 'p@ss:word' },
    });
    const oauth = await create({ authType: 'OAUTH2', oauth2: { tokenUrl: 'http://127.0.0.1:9/token', clientId: 'client', clientSecret: 'secret', scope: 'hooks.write', audience: 'https://api.example.com' } });
    // A rotated secret: the previous one and when it expires are part of what is sent with.
    expect((await api.http().post(`/api/v1/organization/webhooks/${oauth}/rotate-secret`).auth(admin.token, { type: 'bearer' }).send({})).status).toBeLessThan(300);

    const loaded = await worker.get(WebhooksRepository).forSending([basic, oauth, 2_000_000_000]);
    expect(loaded.map((w) => w.id).sort()).toEqual([basic, oauth].sort());
    const org = await api.prisma.organization.findUniqueOrThrow({ where: { id: admin.organizationId } });
    for (const w of loaded) {
      const stored = await api.prisma.webhook.findUniqueOrThrow({ where: { id: w.id } });
      for (const key of SENDABLE) expect({ key, value: w[key] }).toEqual({ key, value: stored[key] });
      expect(w.organization).toEqual({ id: org.id, name: org.name });
    }
    const rotated = loaded.find((w) => w.id === oauth)!;
    expect(rotated.previousSigningSecretEnc).toEqual(expect.any(String));
    expect(rotated.previousSecretExpiresAt).toEqual(expect.any(Date));
    expect(loaded.find((w) => w.id === basic)!.basicPasswordEnc).toEqual(expect.any(String));
  });
});
