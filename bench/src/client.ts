import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Receipts, now } from './receipts';
import { percentile, sleep } from './stats';

const ROOT = path.resolve(__dirname, '..', '..');
export const DEVICE = '6f1c1a52-3b0e-4c7d-9a51-2f7a4f8b9c01';

/** Hookline's public API as a client of one organization sees it. */
export class Api {
  token = '';
  organizationId = 0;
  constructor(readonly base: string) {}

  /** A new organization (the CLI's bootstrap, as an operator would) and a token of its admin client. */
  static async forNewOrg(base: string, name: string): Promise<Api> {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/apps/cli/main.js'), 'bootstrap', '--org', name, '--json'], { env: process.env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bootstrap: ${r.stderr}`);
    const creds = JSON.parse(r.stdout) as { clientId: string; clientSecret: string; organizationId: number };
    const api = new Api(base);
    const res = await fetch(`${base}/oauth2/token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    api.token = ((await res.json()) as { access_token: string }).access_token;
    api.organizationId = creds.organizationId;
    return api;
  }

  async call(method: string, pathname: string, body: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.base}${pathname}`, { method, headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json().catch(() => null) };
  }

  post(pathname: string, body: unknown) {
    return this.call('POST', pathname, body);
  }
}

export const lowBattery = (id: string) => ({ event_type: 'device.low_battery', event_id: id, device_id: DEVICE, battery_level: 0.12 });
export const uuid = () => crypto.randomUUID();

export async function createWebhook(api: Api, receiverUrl: string, triggerType = 'DEVICE_LOW_BATTERY'): Promise<number> {
  const level = triggerType === 'DEVICE_LOW_BATTERY' ? ', "level": {battery_level}' : '';
  const res = await api.post('/api/v1/organization/webhooks', {
    name: 'bench',
    triggerType,
    url: receiverUrl,
    // Rendering and escaping are part of the measured work.
    bodyTemplate: `{"event_id": "{event_id}"${level}, "device": "{device_id}", "org": "{organization.name}"}`,
    failureLimit: 1000,
  });
  if (res.status !== 201) throw new Error(`webhook: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

/** Publishes `ids` in batches, `parallel` requests at a time; `room` may hold a batch back (a bounded backlog). */
export async function publishBatches(api: Api, ids: string[], room: (sent: number) => Promise<void> = async () => undefined, batch = 500, parallel = 4) {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += batch) chunks.push(ids.slice(i, i + batch));
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < chunks.length) {
        const index = next++;
        await room(index * batch);
        const chunk = chunks[index];
        const res = await api.post('/api/v1/organization/events', { events: chunk.map(lowBattery) });
        if (res.status !== 202) throw new Error(`publish: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      }
    }),
  );
}

/**
 * Publishes events at `rate` per second for `seconds` (ticks of 10 ms, each
 * tick's events in one request), waits for all of them, and gives each one's
 * latency from publish to arrival, and the API's part of it (publish to 202).
 */
export async function pacedEvents(api: Api, receipts: Receipts, rate: number, seconds: number, label: string) {
  const sent = new Map<string, number>();
  const tickMs = 10;
  const perTick = rate / (1000 / tickMs);
  let carry = 0;
  const start = now();
  const inflight: Promise<unknown>[] = [];
  let rejected = 0;
  // Publish to 202 (committed) per request: what of the latency is the API's; the rest is the dispatcher's.
  const acks: number[] = [];
  const ackedAt = new Map<string, number>();
  for (let tick = 0; now() - start < seconds * 1000; tick++) {
    carry += perTick;
    const n = Math.floor(carry);
    carry -= n;
    if (n > 0) {
      const ids = Array.from({ length: n }, uuid);
      const t = now();
      for (const id of ids) sent.set(id, t);
      inflight.push(
        api.post('/api/v1/organization/events', { events: ids.map(lowBattery) }).then((r) => {
          if (r.status !== 202) rejected += n;
          const at = now();
          acks.push(at - t);
          for (const id of ids) ackedAt.set(id, at);
        }),
      );
    }
    const wait = start + (tick + 1) * tickMs - now();
    if (wait > 0) await sleep(wait);
  }
  await Promise.all(inflight);
  await receipts.waitForAll([...sent.keys()], 180_000, label);
  const lat = [...sent].map(([id, t]) => receipts.first(id)! - t);
  const accepted = { p50: percentile(acks, 50), p99: percentile(acks, 99) };
  // 202 to receipt: can be below zero when the delivery beats the API's answer to the client.
  const after = [...ackedAt].map(([id, t]) => receipts.first(id)! - t);
  const dispatched = { p50: percentile(after, 50), p99: percentile(after, 99) };
  return { rate, events: sent.size, rejected, p50: percentile(lat, 50), p95: percentile(lat, 95), p99: percentile(lat, 99), max: Math.max(...lat), accepted, dispatched };
}
