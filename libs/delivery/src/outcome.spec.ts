import { outcomeOfFailure, outcomeOfStatus, parseRetryAfter, retryDelay } from './outcome';
import { signatureHeader } from './signature';
import { Webhook } from 'standardwebhooks';

describe('attempt outcomes (SPEC §5.3)', () => {
  it.each([
    [200, true, false, false],
    [204, true, false, false],
    [301, false, false, false],
    [400, false, false, false],
    [401, false, false, false],
    [404, false, false, false],
    [408, false, true, false],
    [410, false, false, true],
    [429, false, true, false],
    [500, false, true, false],
    [503, false, true, false],
  ])('status %i → ok=%s retryable=%s gone=%s', (status, ok, retryable, gone) => {
    expect(outcomeOfStatus(status)).toEqual({ ok, retryable, gone, unreachable: false });
  });

  it('retries network, timeout and token failures but not render, config or refused targets', () => {
    expect(outcomeOfFailure('network').retryable).toBe(true);
    expect(outcomeOfFailure('timeout').retryable).toBe(true);
    expect(outcomeOfFailure('token').retryable).toBe(true);
    expect(outcomeOfFailure('render').retryable).toBe(false);
    expect(outcomeOfFailure('refused').retryable).toBe(false);
  });

  it('calls only timeouts and connection failures unreachable (what opens a circuit)', () => {
    expect(outcomeOfFailure('network').unreachable).toBe(true);
    expect(outcomeOfFailure('timeout').unreachable).toBe(true);
    for (const kind of ['token', 'render', 'refused', 'config'] as const) expect(outcomeOfFailure(kind).unreachable).toBe(false);
  });
});

describe(retryDelay.name, () => {
  const schedule = [5000, 300000, 1800000];

  it('follows the schedule with ±20 % jitter and stops after it', () => {
    expect(retryDelay(schedule, 1, null, () => 0)).toBe(4000);
    expect(retryDelay(schedule, 1, null, () => 1)).toBe(6000);
    expect(retryDelay(schedule, 2, null, () => 0.5)).toBe(300000);
    expect(retryDelay(schedule, 3, null, () => 0.5)).toBe(1800000);
    expect(retryDelay(schedule, 4, null)).toBeNull();
  });

  it('honours a later Retry-After, capped at a day', () => {
    expect(retryDelay(schedule, 1, 60_000, () => 0.5)).toBe(60_000);
    expect(retryDelay(schedule, 2, 1000, () => 0.5)).toBe(300000);
    expect(retryDelay(schedule, 1, 10 * 86400_000, () => 0.5)).toBe(86400_000);
  });

  it('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(new Date(Date.now() + 30_000).toUTCString(), Date.now())).toBeGreaterThan(28_000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(undefined)).toBeNull();
  });
});

describe(signatureHeader.name, () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

  it('verifies with the public standardwebhooks library', () => {
    const body = '{"hello":"world"}';
    const ts = Math.floor(Date.now() / 1000);
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': signatureHeader('msg_1', ts, body, [secret]) };
    expect(new Webhook(secret).verify(body, headers)).toEqual({ hello: 'world' });
    expect(() => new Webhook('whsec_' + Buffer.alloc(24, 1).toString('base64')).verify(body, headers)).toThrow();
  });

  it('carries two signatures while a rotated secret overlaps, each verifying', () => {
    const old = 'whsec_' + Buffer.alloc(24, 9).toString('base64');
    const ts = Math.floor(Date.now() / 1000);
    const sig = signatureHeader('msg_2', ts, '"x"', [secret, old]);
    expect(sig.split(' ')).toHaveLength(2);
    for (const s of [secret, old]) {
      expect(() => new Webhook(s).verify('"x"', { 'webhook-id': 'msg_2', 'webhook-timestamp': String(ts), 'webhook-signature': sig })).not.toThrow();
    }
  });
});
