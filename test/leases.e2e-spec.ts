import { ClaimBatcher } from '../apps/worker/src/delivery/claim.batcher';
import { ApiHarness, OrgAdmin, unique } from './support/api-harness';
import { OAuthServer } from './support/oauth-server';
import { eventually } from './support/receiver';
import { WorkerHarness } from './support/worker-harness';

const DEVICE = '6f1c1a52-3b0e-4c7d-9a51-2f7a4f8b9c01';

/**
 * A claim's lease covers the longest attempt (SPEC §7: no two workers send the
 * same attempt concurrently). The lease is the shortest allowed (3 × the
 * request timeout); the attempt outlasts it: a slow token endpoint, a slow
 * receiver that refuses the first token, a second slow token fetch and the
 * resend.
 */
describe('Claim leases', () => {
  let api: ApiHarness;
  let worker: WorkerHarness;
  let oauth: OAuthServer;
  let admin: OrgAdmin;

  beforeAll(async () => {
    oauth = await OAuthServer.start();
    api = await ApiHarness.start();
    worker = await WorkerHarness.start({
      HOOKLINE_REQUEST_TIMEOUT_MS: '1000',
      HOOKLINE_CLAIM_LEASE_MS: '3000',
      HOOKLINE_SWEEP_INTERVAL_MS: '3600000',
      HOOKLINE_SWEEP_GRACE_MS: '3600000',
    });
    admin = await api.newOrg(unique('leases'));
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
    await oauth.close();
  });

  it('an OAuth2 attempt longer than the lease keeps it: no other claim gets the attempt while it runs', async () => {
    const hook = await api
      .http()
      .post('/api/v1/organization/webhooks')
      .auth(admin.token, { type: 'bearer' })
      .send({ name: unique('slow-oauth'), triggerType: 'DEVICE_TAMPERED', url: oauth.resourceUrl('/slow'), authType: 'OAUTH2', oauth2: { tokenUrl: oauth.tokenUrl, clientId: oauth.clientId, clientSecret: oauth.clientSecret } });
    expect(hook.status).toBe(201);
    oauth.tokenDelayMs = 900;
    oauth.resourceDelayMs = 900;
    oauth.refuseNext = 1;
    const published = await api.http().post('/api/v1/organization/events').auth(admin.token, { type: 'bearer' }).send({ event_type: 'device.tampered', device_id: DEVICE });
    expect(published.status).toBe(202);
    const delivery = await eventually(() => api.prisma.delivery.findFirst({ where: { webhookId: hook.body.id } }), 10_000, 'the delivery row');
    await eventually(() => oauth.tokenRequests >= 1, 10_000, 'the attempt under way');

    // Another worker tries to take the attempt, again and again, until it is recorded.
    const claims = worker.get(ClaimBatcher);
    const tries: string[] = [];
    await eventually(async () => {
      tries.push((await claims.claim({ deliveryId: delivery.id, attempt: 1 })).kind);
      const row = await api.prisma.delivery.findUniqueOrThrow({ where: { id: delivery.id } });
      return row.status !== 'PENDING' ? row : null;
    }, 30_000, 'the attempt recorded');
    expect(new Set(tries)).toEqual(new Set(['skipped']));

    const row = await api.prisma.delivery.findUniqueOrThrow({ where: { id: delivery.id }, include: { attempts: true } });
    expect(row).toMatchObject({ status: 'SUCCEEDED', attemptCount: 1 });
    expect(row.attempts).toEqual([expect.objectContaining({ number: 1, responseStatus: 200 })]);
    // Token, 401, token again, 200: longer than the lease.
    expect(oauth.tokenRequests).toBe(2);
    expect(oauth.resourceRequests.filter((r) => r.body.includes('device.tampered'))).toHaveLength(2);
    expect(row.attempts[0].durationMs).toBeGreaterThan(3000);
  });
});
