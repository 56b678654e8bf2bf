import { ApiHarness, OrgAdmin } from './support/api-harness';
import { TokenService } from '../apps/api/src/auth/token.service';

describe('Authentication (SPEC §2)', () => {
  let api: ApiHarness;
  let admin: OrgAdmin;

  beforeAll(async () => {
    api = await ApiHarness.start();
    admin = await api.newOrg();
  });
  afterAll(() => api.close());

  const token = () => api.http().post('/oauth2/token');

  describe('POST /oauth2/token', () => {
    it('issues a bearer token for HTTP Basic client authentication', async () => {
      const res = await token().auth(admin.clientId, admin.clientSecret).type('form').send({ grant_type: 'client_credentials' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'WEBHOOKS_READ WEBHOOKS_WRITE EVENTS_PUBLISH ORG_ADMIN' });
      expect(res.headers['cache-control']).toBe('no-store');
      const org = await api.http().get('/api/v1/organization').auth(res.body.access_token, { type: 'bearer' });
      expect(org.status).toBe(200);
      expect(org.body.id).toBe(admin.organizationId);
    });

    it('accepts client_id/client_secret form fields, and JSON bodies', async () => {
      const form = await token().type('form').send({ grant_type: 'client_credentials', client_id: admin.clientId, client_secret: admin.clientSecret });
      expect(form.status).toBe(200);
      const json = await token().send({ grant_type: 'client_credentials', client_id: admin.clientId, client_secret: admin.clientSecret });
      expect(json.status).toBe(200);
    });

    it('narrows the token to a requested scope', async () => {
      const res = await token().auth(admin.clientId, admin.clientSecret).type('form').send({ grant_type: 'client_credentials', scope: 'WEBHOOKS_READ' });
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('WEBHOOKS_READ');
      const write = await api.http().post('/api/v1/organization/webhooks').auth(res.body.access_token, { type: 'bearer' }).send({});
      expect(write.status).toBe(403);
    });

    it.each([
      ['no grant_type', {}, 400, 'invalid_request'],
      ['another grant type', { grant_type: 'password' }, 400, 'unsupported_grant_type'],
      ['a scope the client lacks', { grant_type: 'client_credentials', scope: 'SUPERUSER' }, 400, 'invalid_scope'],
    ])('answers RFC 6749 errors: %s', async (_name, body, status, error) => {
      const res = await token().auth(admin.clientId, admin.clientSecret).type('form').send(body);
      expect(res.status).toBe(status);
      expect(res.body).toEqual({ error, error_description: expect.any(String) });
    });

    it('refuses wrong secrets, unknown clients and missing credentials with invalid_client', async () => {
      // WWW-Authenticate only where HTTP Basic was tried (RFC 6749 §5.2): a browser opens a dialog on it.
      for (const [req, challenge] of [
        [token().auth(admin.clientId, 'hls_wrong').type('form').send({ grant_type: 'client_credentials' }), 'Basic realm="hookline"'],
        [token().auth('hlc_unknown', admin.clientSecret).type('form').send({ grant_type: 'client_credentials' }), 'Basic realm="hookline"'],
        [token().type('form').send({ grant_type: 'client_credentials', client_id: admin.clientId, client_secret: 'hls_wrong' }), undefined],
        [token().type('form').send({ grant_type: 'client_credentials', client_id: admin.clientId }), undefined],
        [token().type('form').send({ grant_type: 'client_credentials' }), undefined],
      ] as const) {
        const res = await req;
        expect(res.status).toBe(401);
        expect(res.body.error).toBe('invalid_client');
        expect(res.headers['www-authenticate']).toBe(challenge);
      }
    });

    it('refuses two client authentication methods at once', async () => {
      const res = await token()
        .auth(admin.clientId, admin.clientSecret)
        .type('form')
        .send({ grant_type: 'client_credentials', client_id: admin.clientId, client_secret: admin.clientSecret });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    });
  });

  describe('bearer tokens', () => {
    const get = (auth?: string) => {
      const r = api.http().get('/api/v1/organization');
      return auth ? r.set('Authorization', auth) : r;
    };

    it.each([
      ['missing', undefined],
      ['not bearer', 'Basic abc'],
      ['garbage', 'Bearer not-a-token'],
      ['empty', 'Bearer '],
    ])('answers 401 for a %s Authorization header', async (_n, header) => {
      const res = await get(header);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    });

    it('answers 401 for a tampered token', async () => {
      const [h, p, s] = admin.token.split('.');
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      claims.org = claims.org + 1;
      const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
      expect((await get(`Bearer ${forged}`)).status).toBe(401);
    });

    it('answers 401 for an expired token, which was valid when issued', async () => {
      const tokens = api.app.get(TokenService);
      // The same claims and signature, issued now: accepted, so the refusal below is the expiry's alone.
      expect((await get(`Bearer ${tokens.issue(admin.clientId, admin.organizationId, ['WEBHOOKS_READ'], Date.now())}`)).status).toBe(200);
      const old = tokens.issue(admin.clientId, admin.organizationId, ['WEBHOOKS_READ'], Date.now() - 2 * 3600 * 1000);
      const res = await get(`Bearer ${old}`);
      expect(res.status).toBe(401);
      // One message for every bad token: it does not tell an attacker which check failed.
      expect(res.body.message).toBe('Invalid or expired token');
    });

    it('is valid on another API instance (stateless, signed)', async () => {
      const other = await ApiHarness.start();
      try {
        const res = await other.http().get('/api/v1/organization').auth(admin.token, { type: 'bearer' });
        expect(res.status).toBe(200);
      } finally {
        await other.close();
      }
    });

    it('stops working at once when its client is revoked', async () => {
      const c = await api.clientWith(admin, ['WEBHOOKS_READ']);
      expect((await get(`Bearer ${c.token}`)).status).toBe(200);
      const del = await api.http().delete(`/api/v1/organization/clients/${c.clientId}`).auth(admin.token, { type: 'bearer' });
      expect(del.status).toBe(204);
      expect((await get(`Bearer ${c.token}`)).status).toBe(401);
      const again = await token().auth(c.clientId, c.clientSecret).type('form').send({ grant_type: 'client_credentials' });
      expect(again.status).toBe(401);
    });
  });

  describe('permissions', () => {
    it('answers 403 naming the missing permission', async () => {
      const reader = await api.clientWith(admin, ['WEBHOOKS_READ']);
      const cases = [
        api.http().post('/api/v1/organization/webhooks').auth(reader.token, { type: 'bearer' }).send({}),
        api.http().post('/api/v1/organization/children').auth(reader.token, { type: 'bearer' }).send({ name: 'x' }),
        api.http().post('/api/v1/organization/users').auth(reader.token, { type: 'bearer' }).send({ email: 'a@b.co', name: 'A' }),
        api.http().post('/api/v1/organization/clients').auth(reader.token, { type: 'bearer' }).send({ name: 'c', permissions: ['WEBHOOKS_READ'] }),
      ];
      for (const c of cases) {
        const res = await c;
        expect(res.status).toBe(403);
        expect(res.body.message).toMatch(/Missing permission (WEBHOOKS_WRITE|ORG_ADMIN)/);
      }
      const writer = await api.clientWith(admin, ['WEBHOOKS_WRITE']);
      const list = await api.http().get('/api/v1/organization/webhooks').auth(writer.token, { type: 'bearer' });
      expect(list.status).toBe(403);
      expect(list.body.message).toBe('Missing permission WEBHOOKS_READ');
    });

    it('never lets a client grant permissions it does not hold', async () => {
      const limitedAdmin = await api.clientWith(admin, ['ORG_ADMIN', 'WEBHOOKS_READ']);
      const res = await api.http()
        .post('/api/v1/organization/clients')
        .auth(limitedAdmin.token, { type: 'bearer' })
        .send({ name: 'escalate', permissions: ['WEBHOOKS_WRITE'] });
      expect(res.status).toBe(403);
      const ok = await api.http()
        .post('/api/v1/organization/clients')
        .auth(limitedAdmin.token, { type: 'bearer' })
        .send({ name: 'fine', permissions: ['WEBHOOKS_READ'] });
      expect(ok.status).toBe(201);
    });
  });
});
