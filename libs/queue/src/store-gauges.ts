import type { Queue } from 'bullmq';
import type { MetricsService } from '@hookline/common';

/** Queue depth by state and the number of webhooks the system disabled, read at scrape time. */
export function registerStoreGauges(metrics: MetricsService, queues: Queue[], disabledWebhooks: () => Promise<number>): void {
  metrics.gauge('hookline_queue_depth', 'Jobs per queue and state', ['queue', 'state'], async (g) => {
    for (const q of queues) {
      const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized').catch(() => null);
      if (!counts) continue;
      for (const [state, n] of Object.entries(counts)) g.set({ queue: q.name, state }, n);
    }
  });
  metrics.gauge('hookline_webhooks_disabled', 'Webhooks disabled by the system (DISABLED_DUE_TO_ERRORS)', [], async (g) => {
    const n = await disabledWebhooks().catch(() => null);
    if (n !== null) g.set(n);
  });
}
