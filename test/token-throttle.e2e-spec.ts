import { FAILURES_PER_ADDRESS, FAILURES_PER_CLIENT } from '../apps/api/src/auth/token-throttle';
import { ApiHarness, OrgAdmin, unique } from './support/api-harness';
import { eventually } from './support/receiver';
import { LocalRedis } from './support/stack';

jest.setTimeout(60_000);

/**
 * /oauth2/token under a guessing attack (counts per minute in a Redis of this
 * file's own, so no other test shares them). Every request comes from
 * 127.0.0.1, so the attacker and the real clients share an address here.
 */
describe('Token endpoint throttling', () => {
  let redis: LocalRedis;
  let api: ApiHarness;
  let real: OrgAdmin;

  beforeAll(async () => {
    redis = await LocalRedis.start();
    api = await ApiHarness.start({ REDIS_URL: redis.url });
    // Obtains its token now, so this address is known for it.
    real = await api.newOrg(unique('real'));
    // Counts are per minute: start well inside one, so the whole test sees a single window.
    await eventually(() => Date.now() % 60_000 < 50_000, 15_000, 'a minute with at least 10 s left');
  });
  afterAll(async () => {
    await api.close();
    redis.stop();
  });

  const token = (id: string, secret: string) => api.http().post('/oauth2/token').auth(id, secret).type('form').send({ grant_type: 'client_credentials' });
  const refusedLines = () => ApiHarness.allLogs.filter((l) => l.includes('"token refused"')).length;

  it('a client id guessed at is closed to new addresses after the limit, and stays open where it worked before', async () => {
    const victim = await api.newOrg(unique('victim'));
    const fresh = await api.prisma.apiClient.create({ data: { id: `hlc_${unique('x').replace(/-/g, '')}`.slice(0, 40), organizationId: victim.organizationId, name: 'never used', permissions: ['WEBHOOKS_READ'], secretHash: 'f'.repeat(64) } });
    for (let i = 0; i < FAILURES_PER_CLIENT; i++) expect((await token(fresh.id, `wrong-${i}`)).status).toBe(401);
    const locked = await token(fresh.id, 'wrong-again');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    for (let i = 0; i < FAILURES_PER_CLIENT; i++) expect((await token(victim.clientId, `wrong-${i}`)).status).toBe(401);
    // The victim obtained a token from this address before: it is not locked out.
    expect((await token(victim.clientId, victim.clientSecret)).status).toBe(200);
  });

  it('an address flooding wrong secrets is held back, without a log line per attempt, and known clients still get their tokens', async () => {
    const logsBefore = refusedLines();
    let attempts = 0;
    let last = 0;
    while (attempts < 3 * FAILURES_PER_ADDRESS && last !== 429) {
      last = (await token(`hlc_guess${attempts}`, 'wrong')).status;
      attempts++;
    }
    expect(last).toBe(429);
    // The first test's failures count for this address too.
    expect(attempts).toBeLessThanOrEqual(FAILURES_PER_ADDRESS + 1);
    for (let i = 0; i < 50; i++) expect((await token(`hlc_guess${i}`, 'wrong')).status).toBe(429);
    expect(refusedLines() - logsBefore).toBeLessThanOrEqual(FAILURES_PER_ADDRESS);
    expect((await token(real.clientId, real.clientSecret)).status).toBe(200);
  });
});
