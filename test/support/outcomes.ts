import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Receiver } from './receiver';
import { Stack } from './stack';

/** Event ids the receiver saw (body event_id), each with the webhook-ids that carried it. */
export function receivedById(rx: Receiver): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const r of rx.requests) {
    const id = JSON.parse(r.body).event_id as string;
    const set = out.get(id) ?? new Set<string>();
    set.add(String(r.headers['webhook-id']));
    out.set(id, set);
  }
  return out;
}

/** The webhook's counters and its deliveries' state, read in one snapshot. */
export async function counters(databaseUrl: string, webhookId: number) {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query(
      `SELECT w.total_attempts, w.consecutive_failures,
              (SELECT count(*)::int FROM attempt a JOIN delivery d ON d.id = a.delivery_id WHERE d.webhook_id = w.id) AS attempts,
              (SELECT json_object_agg(status, n) FROM (SELECT status, count(*)::int AS n FROM delivery WHERE webhook_id = w.id GROUP BY status) s) AS statuses,
              (SELECT count(*)::int FROM delivery d WHERE d.webhook_id = w.id
                 AND d.attempt_count <> (SELECT count(*) FROM attempt a WHERE a.delivery_id = d.id)) AS mismatched
       FROM webhook w WHERE w.id = $1`,
      [webhookId],
    );
    const r = rows[0];
    return { totalAttempts: r.total_attempts as number, consecutiveFailures: r.consecutive_failures as number, attempts: r.attempts as number, statuses: (r.statuses ?? {}) as Record<string, number>, mismatched: r.mismatched as number };
  } finally {
    await c.end();
  }
}

/** Publishes one event after another (each with a fresh event_id) until stopped, keeping what was answered 202. */
export function publisher(stack: Stack, event: (id: string) => Record<string, unknown>) {
  const accepted: string[] = [];
  const statuses = new Map<number | string, number>();
  let answered = 0;
  let stop = false;
  const done = (async () => {
    while (!stop) {
      const id = randomUUID();
      const res = await stack.call('POST', '/api/v1/organization/events', event(id)).catch((err) => ({ status: `error ${err.name}`, body: null }));
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      answered++;
      if (res.status === 202) accepted.push(id);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    accepted,
    statuses,
    answered: () => answered,
    stop: () => ((stop = true), done),
  };
}
