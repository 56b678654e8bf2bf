import type { AttemptResult } from '@hookline/delivery';
import { tally } from './attempt-tally';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
function attempt(webhookId: number, startedAt: Date, ok: boolean, gone = false): { webhookId: number; result: AttemptResult } {
  return {
    webhookId,
    result: { startedAt, requestMethod: 'POST', requestUrl: 'http://x.test/', responseStatus: ok ? 200 : gone ? 410 : 500, durationMs: 1, responseBody: null, error: null, outcome: { ok, retryable: !ok && !gone, gone, unreachable: false }, retryAfterMs: null },
  };
}

describe(tally.name, () => {
  it('adds up per webhook in the order the attempts started: a success resets the failures before it', () => {
    // Submitted out of order: the failure at 3 s came after the success at 2 s.
    const items = [attempt(1, at(3), false), attempt(1, at(1), false), attempt(1, at(2), true), attempt(2, at(1), false)];
    const sut = tally(items, [true, true, true, true]);
    expect(sut).toEqual([
      { webhookId: 1, total: 3, failures: 2, hadSuccess: true, failuresAfterLastSuccess: 1, answered: true, unreachableAfterLastAnswer: 0, lastStartedAt: at(3), gone: false, lastFailure: 0 },
      { webhookId: 2, total: 1, failures: 1, hadSuccess: false, failuresAfterLastSuccess: 1, answered: true, unreachableAfterLastAnswer: 0, lastStartedAt: at(1), gone: false, lastFailure: 3 },
    ]);
  });

  it('leaves out attempts that were not recorded (a duplicate or a lost lease), and marks a 410', () => {
    const items = [attempt(1, at(1), false), attempt(1, at(2), false, true), attempt(3, at(1), true)];
    const sut = tally(items, [false, true, false]);
    expect(sut).toEqual([{ webhookId: 1, total: 1, failures: 1, hadSuccess: false, failuresAfterLastSuccess: 1, answered: true, unreachableAfterLastAnswer: 0, lastStartedAt: at(2), gone: true, lastFailure: 1 }]);
  });

  it('counts unreachable attempts after the last answer for the circuit; an error before sending leaves the count', () => {
    const timeout = (s: number) => {
      const a = attempt(1, at(s), false);
      return { ...a, result: { ...a.result, responseStatus: null, error: 'timeout error: 2000 ms', outcome: { ...a.result.outcome, unreachable: true } } };
    };
    const renderError = { ...attempt(1, at(5), false), result: { ...attempt(1, at(5), false).result, responseStatus: null, error: 'render error' } };
    const items = [timeout(4), attempt(1, at(1), false), timeout(2), timeout(3), renderError];
    const [sut] = tally(items, [true, true, true, true, true]);
    expect(sut).toMatchObject({ answered: true, unreachableAfterLastAnswer: 3, failures: 5 });
    expect(tally([timeout(1)], [true])[0]).toMatchObject({ answered: false, unreachableAfterLastAnswer: 1 });
  });
});
