import { Job, Queue, Worker } from 'bullmq';
import { Agent, request } from 'undici';
import { HOOKLINE_VERSION } from '@hookline/common';
import { bullConnection } from '@hookline/queue';
import { HttpClient, TargetPolicy, createGuardedDispatcher } from '@hookline/delivery';

/**
 * The two references: `undici`, a bare BullMQ worker making one undici request
 * per job (the fastest client there is, the physical reference); `axios`, the
 * same worker sending with Hookline's own client (axios on its guarded undici
 * transport), which shows what the client's API costs on this machine.
 */
export type CeilingClient = 'undici' | 'axios';
export const CEILING_CLIENTS: CeilingClient[] = ['undici', 'axios'];

const queueName = (client: CeilingClient) => `bench-ceiling-${client}`;

/** The event_id of the ceiling's i-th request: as long as Hookline's (a UUID), so the bodies weigh the same. */
export const ceilingKey = (i: number) => `c${i}`.padEnd(36, '-');

type Send = (url: string, headers: Record<string, string>, body: string) => Promise<number>;

function sender(client: CeilingClient, concurrency: number): Send {
  const connections = Math.max(64, concurrency * 2);
  if (client === 'axios') {
    const policy = new TargetPolicy(['127.0.0.0/8']);
    const http = new HttpClient(policy, createGuardedDispatcher(policy, connections, 15_000), 15_000);
    return async (url, headers, body) => (await http.send({ method: 'POST', url, headers, body })).status;
  }
  const dispatcher = new Agent({ connections, keepAliveTimeout: 10_000 });
  return async (url, headers, body) => {
    const res = await request(url, { method: 'POST', headers, body, dispatcher });
    await res.body.dump();
    return res.statusCode;
  };
}

/**
 * A bare BullMQ worker (child process) posting to the same receiver with the
 * same concurrency as Hookline's worker, no database and no rendering.
 */
export function runCeilingWorker(redisUrl: string, receiverUrl: string, concurrency: number, client: CeilingClient) {
  const send = sender(client, concurrency);
  // The same request as Hookline's delivery in the throughput phase: its headers
  // (a fixed signature of the real length: no signing here) and its body, whose
  // event_id the receiver reads.
  const signature = `v1,${Buffer.alloc(32, 7).toString('base64')}`;
  const worker = new Worker(
    queueName(client),
    async (job: Job<{ key: string }>) => {
      const body = `{"event_id": "${job.data.key}", "level": 0.12, "device": "6f1c1a52-3b0e-4c7d-9a51-2f7a4f8b9c01", "org": "bench-throughput"}`;
      const headers = {
        'user-agent': `Hookline/${HOOKLINE_VERSION}`,
        accept: '*/*',
        'content-type': 'application/json',
        'webhook-id': `msg_${job.id}`,
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': signature,
      };
      const status = await send(receiverUrl, headers, body);
      if (status !== 200) throw new Error(`status ${status}`);
    },
    { connection: bullConnection(redisUrl, 'worker'), prefix: 'bench', concurrency, removeOnComplete: { count: 0 } },
  );
  worker.on('ready', () => process.send!({ type: 'ready' }));
  process.on('message', async (m: { type: string }) => {
    if (m.type === 'stop') {
      await worker.close();
      process.exit(0);
    }
  });
}

export const ceilingQueue = (redisUrl: string, client: CeilingClient) => new Queue(queueName(client), { connection: bullConnection(redisUrl, 'worker'), prefix: 'bench' });

/** Enqueues `count` jobs in bulks of 1000; `room` is awaited before each bulk (the load generator's backlog bound). */
export async function enqueueCeilingJobs(redisUrl: string, client: CeilingClient, count: number, room: (sent: number) => Promise<void> = async () => undefined): Promise<Queue> {
  const queue = ceilingQueue(redisUrl, client);
  for (let i = 0; i < count; i += 1000) {
    await room(i);
    await queue.addBulk(Array.from({ length: Math.min(1000, count - i) }, (_, j) => ({ name: 'post', data: { key: ceilingKey(i + j) }, opts: { removeOnComplete: true } })));
  }
  return queue;
}
