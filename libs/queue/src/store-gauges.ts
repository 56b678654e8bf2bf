import type { Queue } from 'bullmq';
import type { MetricsService } from '@hookline/common';
import type { WebhookStates } from '@hookline/db';

/** Queue depth by state, the webhooks the system disabled and those with an open circuit, read at scrape time. */
export function registerStoreGauges(metrics: MetricsService, queues: Queue[], webhookStates: () => Promise<WebhookStates>): void {
  metrics.gauge('hookline_queue_depth', 'Jobs per queue and state', ['queue', 'state'], async (g) => {
    for (const q of queues) {
      const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized').catch(() => null);
      if (!counts) continue;
      for (const [state, n] of Object.entries(counts)) g.set({ queue: q.name, state }, n);
    }
  });
  // One query for both gauges per scrape.
  let states: Promise<WebhookStates | null> | null = null;
  const read = () => (states ??= webhookStates().catch(() => null).finally(() => setImmediate(() => (states = null))));
  metrics.gauge('hookline_webhooks_disabled', 'Webhooks disabled by the system (DISABLED_DUE_TO_ERRORS)', [], async (g) => {
    const s = await read();
    if (s) g.set(s.disabled);
  });
  metrics.gauge('hookline_webhook_circuits', 'Webhooks whose circuit breaker is open (attempts held back) or half-open (a probe decides)', ['state'], async (g) => {
    const s = await read();
    if (!s) return;
    g.set({ state: 'open' }, s.circuitOpen);
    g.set({ state: 'half_open' }, s.circuitHalfOpen);
  });
}
