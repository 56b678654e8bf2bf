import { ApiHarness, OrgAdmin, unique } from './support/api-harness';
import { TokenService } from '../apps/api/src/auth/token.service';

/** Portal links (issue #14.2): a short-lived session for one organization's subtree, with some permissions. */
describe('portal links', () => {
  let api: ApiHarness;
  let admin: OrgAdmin;
  let childId: number;
  const as = (token: string) => ({
    get: (path: string) => api.http().get(path).auth(token, { type: 'bearer' }),
    post: (path: string, body: object) => api.http().post(path).auth(token, { type: 'bearer' }).send(body),
  });
  const tokenOf = (url: string) => /#token=(.+)$/.exec(url)![1];

  beforeAll(async () => {
    api = await ApiHarness.start({ HOOKLINE_PUBLIC_URL: 'https://hooks.example.com/' });
    admin = await api.newOrg(unique('portal'));
    childId = (await as(admin.token).post('/api/v1/organization/children', { name: unique('customer') })).body.id;
  });
  afterAll(() => api.close());

  it("signs in to the sub-organization only, with only the permissions given, for the time given", async () => {
    const res = await as(admin.token).post(`/api/v1/organization/portal-links?orgId=${childId}`, { ttlSeconds: 600, permissions: ['WEBHOOKS_READ'] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ organizationId: childId, permissions: ['WEBHOOKS_READ'], clientId: expect.stringMatching(/^hlp_/) });
    expect(res.body.url).toMatch(/^https:\/\/hooks\.example\.com\/console\/#token=[\w-]+\.[\w-]+\.[\w-]+$/);
    const token = tokenOf(res.body.url);
    const session = as(token);
    expect((await session.get('/api/v1/organization')).body).toMatchObject({ id: childId });
    expect((await session.get('/api/v1/organization/webhooks')).status).toBe(200);
    expect((await session.post('/api/v1/organization/webhooks', { name: 'x', triggerType: 'DEVICE_ADDED', url: 'https://example.com/x' })).status).toBe(403);
    // Not the parent: outside the subtree.
    expect((await session.get(`/api/v1/organization?orgId=${admin.organizationId}`)).status).toBe(403);
    // Expiry as for client tokens: exp is iat + ttlSeconds, and the token stops working then.
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    expect(claims.exp - claims.iat).toBe(600);
    expect(res.body.expiresAt).toBe(claims.exp * 1000);
    const tokens = api.app.get(TokenService);
    expect(tokens.verify(token, claims.exp * 1000 - 1)).not.toBeNull();
    expect(tokens.verify(token, claims.exp * 1000)).toBeNull();
  });

  it('is revoked like a client, at once, and its client has no secret to get another token with', async () => {
    const res = await as(admin.token).post('/api/v1/organization/portal-links', { permissions: ['WEBHOOKS_READ', 'WEBHOOKS_WRITE'] });
    const token = tokenOf(res.body.url);
    expect((await as(token).get('/api/v1/organization/webhooks')).status).toBe(200);
    const token2 = await api.http().post('/oauth2/token').auth(res.body.clientId, 'guess').type('form').send({ grant_type: 'client_credentials' });
    expect(token2.status).toBe(401);
    expect((await api.http().delete(`/api/v1/organization/clients/${res.body.clientId}`).auth(admin.token, { type: 'bearer' })).status).toBe(204);
    expect((await as(token).get('/api/v1/organization/webhooks')).status).toBe(401);
  });

  it('grants nothing the caller lacks, needs ORG_ADMIN, and names bad fields', async () => {
    const writer = await api.clientWith(admin, ['ORG_ADMIN', 'WEBHOOKS_READ']);
    const beyond = await as(writer.token).post('/api/v1/organization/portal-links', { permissions: ['WEBHOOKS_WRITE'] });
    expect(beyond.status).toBe(403);
    expect(beyond.body.message).toBe('Cannot grant permissions the caller does not hold: WEBHOOKS_WRITE');
    const reader = await api.clientWith(admin, ['WEBHOOKS_READ']);
    expect((await as(reader.token).post('/api/v1/organization/portal-links', { permissions: ['WEBHOOKS_READ'] })).status).toBe(403);
    const bad = await as(admin.token).post('/api/v1/organization/portal-links', { ttlSeconds: 10, permissions: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([
      { field: 'ttlSeconds', message: 'ttlSeconds must not be less than 60' },
      { field: 'permissions', message: 'permissions must contain at least 1 elements' },
    ]);
  });

  it('keeps the token out of the server logs', async () => {
    const res = await as(admin.token).post('/api/v1/organization/portal-links', { permissions: ['WEBHOOKS_READ'] });
    const token = tokenOf(res.body.url);
    await as(token).get('/api/v1/organization/webhooks');
    const logs = ApiHarness.allLogs.join('\n');
    expect(logs).toContain(res.body.clientId);
    expect(logs).not.toContain(token.split('.')[2]);
    expect(logs).not.toContain(token.split('.')[1]);
  });
});
