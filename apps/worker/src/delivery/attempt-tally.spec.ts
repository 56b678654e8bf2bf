import type { AttemptResult } from '@hookline/delivery';
import { tally } from './attempt-tally';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
function attempt(webhookId: number, startedAt: Date, ok: boolean, gone = false): { webhookId: number; result: AttemptResult } {
  return {
    webhookId,
    result: { startedAt, requestMethod: 'POST', requestUrl: 'http://x.test/', responseStatus: ok ? 200 : gone ? 410 : 500, durationMs: 1, responseBody: null, error: null, outcome: { ok, retryable: !ok && !gone, gone }, retryAfterMs: null },
  };
}

describe(tally.name, () => {
  it('adds up per webhook in the order the attempts started: a success resets the failures before it', () => {
    // Submitted out of order: the failure at 3 s came after the success at 2 s.
    const items = [attempt(1, at(3), false), attempt(1, at(1), false), attempt(1, at(2), true), attempt(2, at(1), false)];
    const sut = tally(items, [true, true, true, true]);
    expect(sut).toEqual([
      { webhookId: 1, total: 3, failures: 2, hadSuccess: true, failuresAfterLastSuccess: 1, lastStartedAt: at(3), gone: false, lastFailure: 0 },
      { webhookId: 2, total: 1, failures: 1, hadSuccess: false, failuresAfterLastSuccess: 1, lastStartedAt: at(1), gone: false, lastFailure: 3 },
    ]);
  });

  it('leaves out attempts that were not recorded (a duplicate or a lost lease), and marks a 410', () => {
    const items = [attempt(1, at(1), false), attempt(1, at(2), false, true), attempt(3, at(1), true)];
    const sut = tally(items, [false, true, false]);
    expect(sut).toEqual([{ webhookId: 1, total: 1, failures: 1, hadSuccess: false, failuresAfterLastSuccess: 1, lastStartedAt: at(2), gone: true, lastFailure: 1 }]);
  });
});
