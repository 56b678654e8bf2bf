import type { AttemptTally } from '@hookline/db';
import type { AttemptResult } from '@hookline/delivery';

export interface TallyInput {
  webhookId: number;
  result: AttemptResult;
}

export interface WebhookTally extends AttemptTally {
  /** A 410 came back: the receiver asks to be disabled. */
  gone: boolean;
  /** Index of the last failed attempt (in start order): the one that carries a disable. */
  lastFailure: number;
}

/**
 * Per webhook, what the newly recorded attempts (`counted[i]`) add to its
 * counters, taken in the order they started: a success resets the failure
 * count, so only failures after the last success carry over; likewise an
 * answer resets the circuit's count of unreachable attempts.
 */
export function tally(items: TallyInput[], counted: boolean[]): WebhookTally[] {
  const order = items.map((_, idx) => idx).filter((idx) => counted[idx]);
  order.sort((a, b) => items[a].result.startedAt.getTime() - items[b].result.startedAt.getTime());
  const by = new Map<number, WebhookTally>();
  for (const idx of order) {
    const { webhookId, result } = items[idx];
    const t = by.get(webhookId) ?? { webhookId, total: 0, failures: 0, hadSuccess: false, failuresAfterLastSuccess: 0, answered: false, unreachableAfterLastAnswer: 0, lastStartedAt: result.startedAt, gone: false, lastFailure: idx };
    t.total++;
    if (result.startedAt > t.lastStartedAt) t.lastStartedAt = result.startedAt;
    if (result.outcome.ok) {
      t.hadSuccess = true;
      t.failuresAfterLastSuccess = 0;
    } else {
      t.failures++;
      t.failuresAfterLastSuccess++;
      t.lastFailure = idx;
      if (result.outcome.gone) t.gone = true;
    }
    // The circuit's count: an answer of any status restarts it; errors before sending (render, token) leave it.
    if (result.outcome.unreachable) t.unreachableAfterLastAnswer++;
    else if (result.responseStatus !== null) {
      t.answered = true;
      t.unreachableAfterLastAnswer = 0;
    }
    by.set(webhookId, t);
  }
  return [...by.values()];
}
