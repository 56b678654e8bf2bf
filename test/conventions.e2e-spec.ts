import { ApiHarness, OrgAdmin, unique } from './support/api-harness';

describe('API conventions (SPEC §6)', () => {
  let api: ApiHarness;
  let admin: OrgAdmin;

  beforeAll(async () => {
    api = await ApiHarness.start();
    admin = await api.newOrg(unique('conv'));
  });
  afterAll(() => api.close());

  describe('rate limit', () => {
    it('answers 429 with Retry-After past the per-organization budget, shared by all API instances', async () => {
      const a = await ApiHarness.start({ HOOKLINE_RATE_LIMIT_PER_MINUTE: '6' });
      const b = await ApiHarness.start({ HOOKLINE_RATE_LIMIT_PER_MINUTE: '6' });
      try {
        const org = await a.newOrg(unique('limited'));
        const other = await a.newOrg(unique('unlimited'));
        const statuses: number[] = [];
        // 13 requests span at most two one-minute windows, so one of them must exceed 6.
        for (let i = 0; i < 13; i++) {
          const inst = i % 2 === 0 ? a : b; // alternate instances: the budget is in Redis, not in a process
          const res = await inst.http().get('/api/v1/organization').auth(org.token, { type: 'bearer' });
          statuses.push(res.status);
          if (res.status === 429) {
            expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
            expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
            expect(res.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
          }
        }
        expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(12);
        expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(6);
        expect(statuses).toContain(429);
        expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
        // Another organization has its own budget.
        expect((await b.http().get('/api/v1/organization').auth(other.token, { type: 'bearer' })).status).toBe(200);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });

  describe('errors', () => {
    it('answers unknown routes with the error body', async () => {
      const res = await api.http().get('/api/v1/nope').auth(admin.token, { type: 'bearer' });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.any(String) });
    });

    it('rejects unknown fields on every write', async () => {
      for (const [path, body] of [
        ['/api/v1/organization/children', { name: 'x', admin: true }],
        ['/api/v1/organization/users', { email: 'a@example.com', name: 'A', role: 'root' }],
        ['/api/v1/organization/clients', { name: 'c', permissions: ['WEBHOOKS_READ'], secret: 'mine' }],
      ] as const) {
        const res = await api.http().post(path).auth(admin.token, { type: 'bearer' }).send(body);
        expect(res.status).toBe(400);
        expect(res.body.details.length).toBe(1);
        expect(res.body.details[0].message).toMatch(/unknown field/);
      }
    });
  });

  describe('OpenAPI', () => {
    it('serves /docs and a /docs-json document covering every route and its errors', async () => {
      const html = await api.http().get('/docs/');
      expect(html.status).toBe(200);
      expect(html.text).toContain('swagger');
      const doc = (await api.http().get('/docs-json')).body;
      const expected: Record<string, string[]> = {
        '/oauth2/token': ['post'],
        '/api/v1/organization': ['get'],
        '/api/v1/organization/children': ['get', 'post'],
        '/api/v1/organization/users': ['get', 'post'],
        '/api/v1/organization/users/{id}': ['delete'],
        '/api/v1/organization/clients': ['get', 'post'],
        '/api/v1/organization/clients/{clientId}': ['delete'],
        '/api/v1/organization/webhooks': ['get', 'post'],
        '/api/v1/organization/webhooks/{id}': ['get', 'put', 'patch', 'delete'],
        '/api/v1/event-types': ['get'],
        '/api/v1/event-types/{name}': ['get'],
        '/health/live': ['get'],
        '/health/ready': ['get'],
      };
      for (const [path, methods] of Object.entries(expected)) {
        expect(Object.keys(doc.paths[path] ?? {}).sort()).toEqual([...methods].sort());
        for (const m of methods) {
          const responses = Object.keys(doc.paths[path][m].responses);
          if (path.startsWith('/api/v1')) expect(responses).toEqual(expect.arrayContaining(['401', '403', '429', '500']));
        }
      }
      expect(doc.paths['/api/v1/organization/webhooks'].post.responses['400'].content['application/json'].schema.$ref).toBe('#/components/schemas/ErrorBodyDto');
      const webhook = doc.components.schemas.WebhookDto.properties;
      for (const f of ['id', 'name', 'triggerType', 'url', 'method', 'contentType', 'authType', 'failureLimit', 'status', 'consecutiveFailures', 'totalAttempts', 'lastTriggeredAt']) {
        expect(webhook[f]).toBeDefined();
      }
      expect(doc.components.schemas.CreateWebhookDto.properties.triggerType.enum).toHaveLength(38);
    });
  });

  describe('health', () => {
    it('reports liveness and readiness of PostgreSQL and Redis without a token', async () => {
      expect((await api.http().get('/health/live')).body).toEqual({ status: 'ok' });
      const ready = await api.http().get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({ status: 'ok', checks: { postgres: 'ok', redis: 'ok' } });
    });

    it('answers 503 naming Redis when Redis is unreachable', async () => {
      const broken = await ApiHarness.start({ REDIS_URL: 'redis://127.0.0.1:1' });
      try {
        const ready = await broken.http().get('/health/ready');
        expect(ready.status).toBe(503);
        expect(ready.body.checks.postgres).toBe('ok');
        expect(ready.body.checks.redis).toMatch(/^down/);
        // The API itself still serves: the rate limiter fails open.
        const org = await broken.newOrg(unique('no-redis'));
        expect((await broken.http().get('/api/v1/organization').auth(org.token, { type: 'bearer' })).status).toBe(200);
      } finally {
        await broken.close();
      }
    });
  });

  it('logs one JSON line per request without query strings or credentials', async () => {
    await api.http().get(`/api/v1/organization?orgId=${admin.organizationId}`).auth(admin.token, { type: 'bearer' });
    // The line is written on the response's 'finish', which can trail the client's read.
    const find = () => ApiHarness.allLogs.map((l) => JSON.parse(l)).find((l) => l.msg === 'request' && l.path === '/api/v1/organization' && l.clientId === admin.clientId);
    for (let i = 0; i < 50 && !find(); i++) await new Promise((r) => setTimeout(r, 20));
    const req = find();
    expect(req).toMatchObject({ level: 'info', method: 'GET', status: 200, organizationId: admin.organizationId, clientId: admin.clientId });
    expect(ApiHarness.allLogText()).not.toContain(admin.token);
    expect(ApiHarness.allLogText()).not.toContain(admin.clientSecret);
  });
});
