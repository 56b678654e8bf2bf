import { ApiHarness, OrgAdmin, unique } from './support/api-harness';

const DENIED = 'Organization not found or access denied';

describe('Organizations and tenant isolation (SPEC §2, §7)', () => {
  let api: ApiHarness;
  let root: OrgAdmin;
  let child: OrgAdmin;
  let grandchild: number;
  let sibling: OrgAdmin;
  let stranger: OrgAdmin;

  beforeAll(async () => {
    api = await ApiHarness.start();
    root = await api.newOrg(unique('root'));
    const c = await api.http().post('/api/v1/organization/children').auth(root.token, { type: 'bearer' }).send({ name: 'child' });
    expect(c.status).toBe(201);
    expect(c.body).toEqual({ id: expect.any(Number), name: 'child', parentId: root.organizationId, createdAt: expect.any(Number) });
    // An admin of the child organization itself.
    child = await api.newOrg(unique('child-admin-org'), root.organizationId);
    const g = await api.http().post(`/api/v1/organization/children?orgId=${child.organizationId}`).auth(root.token, { type: 'bearer' }).send({ name: 'grandchild' });
    expect(g.status).toBe(201);
    grandchild = g.body.id;
    sibling = await api.newOrg(unique('sibling'), root.organizationId);
    stranger = await api.newOrg(unique('stranger'));
  });
  afterAll(() => api.close());

  const as = (who: OrgAdmin) => ({
    get: (path: string) => api.http().get(path).auth(who.token, { type: 'bearer' }),
    post: (path: string, body: object) => api.http().post(path).auth(who.token, { type: 'bearer' }).send(body),
    put: (path: string, body: object) => api.http().put(path).auth(who.token, { type: 'bearer' }).send(body),
    del: (path: string) => api.http().delete(path).auth(who.token, { type: 'bearer' }),
  });

  it('answers the token organization without orgId', async () => {
    const res = await as(root).get('/api/v1/organization');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: root.organizationId, name: expect.any(String), parentId: null, createdAt: expect.any(Number) });
  });

  it('lets a parent reach its children and grandchildren through orgId', async () => {
    expect((await as(root).get(`/api/v1/organization?orgId=${child.organizationId}`)).body.id).toBe(child.organizationId);
    const g = await as(root).get(`/api/v1/organization?orgId=${grandchild}`);
    expect(g.status).toBe(200);
    expect(g.body.parentId).toBe(child.organizationId);
    const kids = await as(root).get('/api/v1/organization/children');
    expect(kids.body.items.map((o: { id: number }) => o.id)).toEqual(expect.arrayContaining([child.organizationId, sibling.organizationId]));
    expect(kids.body).toMatchObject({ page: 0, size: 100, total: kids.body.items.length });
  });

  it('never lets a child reach its parent or a sibling, and hides whether an organization exists', async () => {
    for (const orgId of [root.organizationId, sibling.organizationId, stranger.organizationId, 2_000_000_000]) {
      for (const path of ['/api/v1/organization', '/api/v1/organization/webhooks', '/api/v1/organization/users', '/api/v1/organization/clients']) {
        const res = await as(child).get(`${path}?orgId=${orgId}`);
        expect(res.status).toBe(403);
        expect(res.body.message).toBe(DENIED);
      }
      const write = await as(child).post(`/api/v1/organization/webhooks?orgId=${orgId}`, { name: 'x', triggerType: 'DEVICE_ADDED', url: 'https://example.com' });
      expect(write.status).toBe(403);
      expect(write.body.message).toBe(DENIED);
    }
  });

  it('rejects a malformed orgId with 400 naming it', async () => {
    for (const bad of ['abc', '-1', '0', '1.5', '99999999999']) {
      const res = await as(root).get(`/api/v1/organization?orgId=${bad}`);
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([{ field: 'orgId', message: expect.any(String) }]);
    }
  });

  it("answers 404 for another organization's webhook id, and changes nothing", async () => {
    const created = await as(stranger).post('/api/v1/organization/webhooks', { name: 'theirs', triggerType: 'DEVICE_ADDED', url: 'https://example.com/h' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    for (const res of [
      await as(root).get(`/api/v1/organization/webhooks/${id}`),
      await as(root).put(`/api/v1/organization/webhooks/${id}`, { name: 'stolen' }),
      await as(root).del(`/api/v1/organization/webhooks/${id}`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.message).toBe('Webhook not found or access denied');
    }
    const still = await as(stranger).get(`/api/v1/organization/webhooks/${id}`);
    expect(still.body.name).toBe('theirs');
  });

  it("lists only the organization's own webhooks", async () => {
    await as(child).post('/api/v1/organization/webhooks', { name: 'child-hook', triggerType: 'DEVICE_ADDED', url: 'https://example.com/c' });
    const mine = await as(child).get('/api/v1/organization/webhooks');
    const rootView = await as(root).get(`/api/v1/organization/webhooks?orgId=${child.organizationId}`);
    expect(mine.body.items.every((w: { organizationId: number }) => w.organizationId === child.organizationId)).toBe(true);
    expect(rootView.body.items.map((w: { id: number }) => w.id)).toEqual(mine.body.items.map((w: { id: number }) => w.id));
    const strangerView = await as(stranger).get('/api/v1/organization/webhooks');
    expect(strangerView.body.items.some((w: { name: string }) => w.name === 'child-hook')).toBe(false);
  });

  describe('users', () => {
    it('creates, lists, rejects duplicates and deletes users', async () => {
      const created = await as(root).post(`/api/v1/organization/users?orgId=${child.organizationId}`, { email: 'Ops@Example.com', name: 'Ops' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: expect.any(Number), email: 'ops@example.com', name: 'Ops', organizationId: child.organizationId, createdAt: expect.any(Number) });
      const dup = await as(child).post('/api/v1/organization/users', { email: 'ops@example.com', name: 'Again' });
      expect(dup.status).toBe(409);
      const list = await as(child).get('/api/v1/organization/users');
      expect(list.body.items.map((u: { id: number }) => u.id)).toContain(created.body.id);
      // A user in use as a failure receiver is removed from the webhook too.
      const hook = await as(child).post('/api/v1/organization/webhooks', {
        name: 'notify',
        triggerType: 'DEVICE_ADDED',
        url: 'https://example.com/n',
        failureNotifyUserIds: [created.body.id],
      });
      expect(hook.status).toBe(201);
      expect((await as(stranger).del(`/api/v1/organization/users/${created.body.id}`)).status).toBe(404);
      expect((await as(child).del(`/api/v1/organization/users/${created.body.id}`)).status).toBe(204);
      expect((await as(child).del(`/api/v1/organization/users/${created.body.id}`)).status).toBe(404);
      expect((await as(child).get(`/api/v1/organization/webhooks/${hook.body.id}`)).body.failureNotifyUserIds).toEqual([]);
    });

    it('validates user input', async () => {
      const res = await as(root).post('/api/v1/organization/users', { email: 'not-an-email', name: '' });
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['email', 'name']);
    });
  });

  describe('clients', () => {
    it('shows the secret only in the create response and never in lists', async () => {
      const created = await as(root).post('/api/v1/organization/clients', { name: 'ci', permissions: ['EVENTS_PUBLISH'] });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ clientId: expect.stringMatching(/^hlc_/), clientSecret: expect.stringMatching(/^hls_/), name: 'ci', permissions: ['EVENTS_PUBLISH'] });
      const list = await as(root).get('/api/v1/organization/clients');
      expect(JSON.stringify(list.body)).not.toContain(created.body.clientSecret);
      expect(list.body.items.find((c: { clientId: string }) => c.clientId === created.body.clientId)).toEqual({
        clientId: created.body.clientId,
        name: 'ci',
        permissions: ['EVENTS_PUBLISH'],
        organizationId: root.organizationId,
        createdAt: expect.any(Number),
      });
      const stored = await api.prisma.apiClient.findUniqueOrThrow({ where: { id: created.body.clientId } });
      expect(stored.secretHash).not.toContain(created.body.clientSecret);
      expect(stored.secretHash).toMatch(/^[0-9a-f]{64}$/);
    });

    it('creates clients in descendant organizations whose tokens act there', async () => {
      const created = await as(root).post(`/api/v1/organization/clients?orgId=${grandchild}`, { name: 'gc', permissions: ['WEBHOOKS_READ'] });
      expect(created.status).toBe(201);
      const token = await api.token(created.body.clientId, created.body.clientSecret);
      const me = await api.http().get('/api/v1/organization').auth(token, { type: 'bearer' });
      expect(me.body.id).toBe(grandchild);
      const up = await api.http().get(`/api/v1/organization?orgId=${child.organizationId}`).auth(token, { type: 'bearer' });
      expect(up.status).toBe(403);
    });

    it('rejects unknown permissions and revoking unknown clients', async () => {
      const bad = await as(root).post('/api/v1/organization/clients', { name: 'x', permissions: ['ROOT'] });
      expect(bad.status).toBe(400);
      expect(bad.body.details[0].field).toBe('permissions');
      expect((await as(root).del('/api/v1/organization/clients/hlc_nope')).status).toBe(404);
      expect((await as(stranger).del(`/api/v1/organization/clients/${root.clientId}`)).status).toBe(404);
    });

    it('revokes only clients whose permissions the caller holds, as for creation', async () => {
      const org = await api.newOrg(unique('revoke'));
      const adminOnly = await api.clientWith(org, ['ORG_ADMIN']);
      const reader = await api.clientWith(org, ['ORG_ADMIN', 'WEBHOOKS_READ']);
      const refused = await api.http().delete(`/api/v1/organization/clients/${org.clientId}`).auth(adminOnly.token, { type: 'bearer' });
      expect(refused.status).toBe(403);
      expect(refused.body.message).toMatch(/Cannot revoke a client with permissions the caller does not hold: .*WEBHOOKS_WRITE/);
      expect((await api.prisma.apiClient.findUniqueOrThrow({ where: { id: org.clientId } })).revokedAt).toBeNull();
      expect((await api.http().delete(`/api/v1/organization/clients/${reader.clientId}`).auth(adminOnly.token, { type: 'bearer' })).status).toBe(403);
      // Within its own permissions it may: another ORG_ADMIN-only client, or itself.
      const peer = await api.clientWith(org, ['ORG_ADMIN']);
      expect((await api.http().delete(`/api/v1/organization/clients/${peer.clientId}`).auth(adminOnly.token, { type: 'bearer' })).status).toBe(204);
      expect((await api.http().delete(`/api/v1/organization/clients/${reader.clientId}`).auth(org.token, { type: 'bearer' })).status).toBe(204);
    });
  });

  it('paginates lists with page and size', async () => {
    const org = await api.newOrg(unique('pager'));
    for (let i = 0; i < 5; i++) await as(org).post('/api/v1/organization/children', { name: `c${i}` });
    const p1 = await as(org).get('/api/v1/organization/children?page=1&size=2');
    expect(p1.body).toMatchObject({ page: 1, size: 2, total: 5 });
    expect(p1.body.items.map((o: { name: string }) => o.name)).toEqual(['c2', 'c3']);
    expect((await as(org).get('/api/v1/organization/children?size=1001')).status).toBe(400);
    expect((await as(org).get('/api/v1/organization/children?page=-1')).status).toBe(400);
  });
});
