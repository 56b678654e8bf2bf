import type pg from 'pg';
import { Api, createWebhook, pacedEvents, publishBatches, uuid } from './client';
import { Receipts, now } from './receipts';
import { progress, round, sleep } from './stats';

const QUIET_RATE = 100;
const SECONDS = Number(process.env.BENCH_ISOLATION_SECONDS ?? 10);
const HANGING_PENDING = Number(process.env.BENCH_ISOLATION_HANGING ?? 5000);
/** Beside the hanging endpoint for longer: past its first timeouts (15 s), the circuit opening and the held attempts coming back. */
const HANGING_SECONDS = Number(process.env.BENCH_ISOLATION_HANGING_SECONDS ?? 30);
const BURST = Number(process.env.BENCH_ISOLATION_BURST ?? 50_000);

type Latency = Awaited<ReturnType<typeof pacedEvents>>;

/**
 * Isolation (issue #11): a quiet organization publishing 100 events/s, its
 * latency alone, then beside another organization's endpoint that never
 * answers with HANGING_PENDING attempts queued (for HANGING_SECONDS), then beside a third
 * organization's burst of BURST events to a healthy endpoint. Each noisy
 * organization is a new one, and is switched off before the next scenario.
 * Target: p99 beside ≤ 2 × p99 alone + 50 ms.
 */
export async function isolationPhase(base: string, receiverBase: string, receipts: Receipts, db: pg.Client) {
  const quiet = await Api.forNewOrg(base, 'bench-quiet');
  await createWebhook(quiet, `${receiverBase}/hook`);
  progress(`isolation: quiet organization at ${QUIET_RATE} events/s for ${SECONDS} s, alone`);
  const alone = await pacedEvents(quiet, receipts, QUIET_RATE, SECONDS, 'isolation alone');

  const dead = await Api.forNewOrg(base, 'bench-hanging');
  const deadHook = await createWebhook(dead, `${receiverBase}/hang`);
  progress(`isolation: beside an endpoint that never answers, ${HANGING_PENDING} attempts queued, for ${HANGING_SECONDS} s`);
  const deadIds = Array.from({ length: HANGING_PENDING }, uuid);
  await publishBatches(dead, deadIds);
  await receipts.waitForCount(1, 60_000, 'the hanging endpoint tried');
  const besideHanging = await pacedEvents(quiet, receipts, QUIET_RATE, HANGING_SECONDS, 'isolation beside hanging');
  const hangingTried = deadIds.filter((id) => receipts.first(id) !== undefined).length;
  await switchOff(dead, deadHook);
  await settled(db, deadHook);

  const loud = await Api.forNewOrg(base, 'bench-burst');
  const loudHook = await createWebhook(loud, `${receiverBase}/hook`);
  progress(`isolation: beside a burst of ${BURST} events of another organization`);
  const burstIds = Array.from({ length: BURST }, uuid);
  const t0 = now();
  const burst = publishBatches(loud, burstIds);
  // The quiet organization goes on while the burst is published and delivered.
  const besideBurst = await pacedEvents(quiet, receipts, QUIET_RATE, SECONDS, 'isolation beside burst');
  await burst;
  const publishedBurst = now();
  const deliveredDuring = burstIds.filter((id) => receipts.first(id) !== undefined).length;
  await receipts.waitForAll(burstIds, 600_000, 'the burst delivered');
  const burstSeconds = (Math.max(...burstIds.map((id) => receipts.first(id)!)) - t0) / 1000;
  await switchOff(loud, loudHook);
  await settled(db, loudHook);

  const target = 2 * alone.p99 + 50;
  const verdict = (l: Latency) => ({ ...l, targetP99: round(target), met: l.p99 <= target });
  return {
    quietRate: QUIET_RATE,
    seconds: SECONDS,
    alone,
    besideHanging: { ...verdict(besideHanging), seconds: HANGING_SECONDS, hangingPending: HANGING_PENDING, hangingAttemptsReceived: hangingTried },
    besideBurst: { ...verdict(besideBurst), burst: BURST, burstPublishSeconds: round((publishedBurst - t0) / 1000, 2), burstDeliveredDuringQuiet: deliveredDuring, burstAllDeliveredSeconds: round(burstSeconds, 2) },
  };
}

/** Disables a noisy webhook through the API: its queued deliveries end CANCELLED, so the next scenario starts clean. */
async function switchOff(api: Api, webhookId: number) {
  const res = await api.call('PUT', `/api/v1/organization/webhooks/${webhookId}`, { status: 'DISABLED' });
  if (res.status !== 200) throw new Error(`disable: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Waits until no attempt of the webhook is on the wire any more (a hanging one ends at the request timeout). */
async function settled(db: pg.Client, webhookId: number) {
  const inFlight = async () => (await db.query(`SELECT count(*)::int AS n FROM delivery WHERE webhook_id = $1 AND status = 'PENDING'`, [webhookId])).rows[0].n as number;
  while ((await inFlight()) > 0) await sleep(200);
}
