import { ApiHarness, OrgAdmin, unique } from './support/api-harness';

const BASE = '/api/v1/organization/webhooks';

/**
 * Concurrent writes to one webhook (SPEC §3): every update keeps what the
 * others wrote. Each round sends its requests at once, so their reads and
 * writes interleave.
 */
describe('Webhook updates under concurrency', () => {
  let api: ApiHarness;
  let admin: OrgAdmin;

  beforeAll(async () => {
    api = await ApiHarness.start();
    admin = await api.newOrg(unique('updates'));
  });
  afterAll(() => api.close());

  const as = () => ({ type: 'bearer' as const });
  const newUser = async () => (await api.http().post('/api/v1/organization/users').auth(admin.token, as()).send({ email: `${unique('u')}@example.com`, name: 'On call' })).body.id as number;
  const create = async (over: Record<string, unknown> = {}) => {
    const res = await api.http().post(BASE).auth(admin.token, as()).send({ name: 'original', triggerType: 'DEVICE_ADDED', url: 'https://example.com/hook', ...over });
    expect(res.status).toBe(201);
    return res.body.id as number;
  };
  const put = (id: number, body: object) => api.http().put(`${BASE}/${id}`).auth(admin.token, as()).send(body);

  it('updates of different fields sent together all land', async () => {
    const userId = await newUser();
    for (let round = 0; round < 5; round++) {
      const id = await create();
      const changes = [
        { name: `renamed-${round}` },
        { failureLimit: 7 },
        { method: 'PUT' },
        { headers: [{ name: 'X-Round', value: String(round) }] },
        { bodyTemplate: '{"round": ' + round + '}' },
        { failureNotifyUserIds: [userId] },
        { url: `https://example.com/hook/${round}` },
      ];
      const answers = await Promise.all(changes.map((c) => put(id, c)));
      for (const a of answers) expect(a.status).toBe(200);
      const stored = (await api.http().get(`${BASE}/${id}`).auth(admin.token, as())).body;
      expect(stored).toMatchObject(Object.assign({}, ...changes));
    }
  });

  it('an update racing a user deletion does not bring the deleted user back into failureNotifyUserIds', async () => {
    for (let round = 0; round < 5; round++) {
      const [kept, deleted] = [await newUser(), await newUser()];
      const id = await create({ failureNotifyUserIds: [kept, deleted] });
      const answers = await Promise.all([
        ...Array.from({ length: 4 }, (_, i) => put(id, { name: `r${round}-${i}` })),
        api.http().delete(`/api/v1/organization/users/${deleted}`).auth(admin.token, as()),
      ]);
      for (const a of answers) expect([200, 204]).toContain(a.status);
      const row = await api.prisma.webhook.findUniqueOrThrow({ where: { id } });
      expect(row.failureNotifyUserIds).toEqual([kept]);
    }
  });

  it('an update of a webhook deleted meanwhile is a 404, and writes nothing', async () => {
    const id = await create();
    const [updated, removed] = await Promise.all([put(id, { name: 'late' }), api.http().delete(`${BASE}/${id}`).auth(admin.token, as())]);
    expect(removed.status).toBe(204);
    expect([200, 404]).toContain(updated.status);
    expect((await put(id, { name: 'later' })).status).toBe(404);
    expect((await api.prisma.webhook.findUniqueOrThrow({ where: { id } })).name).not.toBe('later');
  });
});
