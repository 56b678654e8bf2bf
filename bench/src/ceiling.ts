import { Job, Queue, Worker } from 'bullmq';
import { bullConnection } from '@hookline/queue';
import { HttpClient, TargetPolicy, createGuardedAgents } from '@hookline/delivery';

const QUEUE = 'bench-ceiling';

/**
 * The physical reference: a bare BullMQ worker (child process) posting to the
 * same receiver with the same HTTP client and concurrency as Hookline's worker,
 * with no database and no rendering.
 */
export function runCeilingWorker(redisUrl: string, receiverUrl: string, concurrency: number) {
  const policy = new TargetPolicy(['127.0.0.0/8']);
  const client = new HttpClient(policy, createGuardedAgents(policy, Math.max(64, concurrency * 2)), 15_000);
  const body = JSON.stringify({ event_type: 'device.low_battery', device_id: '6f1c1a52-3b0e-4c7d-9a51-2f7a4f8b9c01', battery_level: 0.12 });
  const worker = new Worker(
    QUEUE,
    async (job: Job<{ key: string }>) => {
      const res = await client.send({ method: 'POST', url: receiverUrl, headers: { 'content-type': 'application/json', 'x-bench-key': job.data.key }, body });
      if (res.status !== 200) throw new Error(`status ${res.status}`);
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

export async function enqueueCeilingJobs(redisUrl: string, count: number): Promise<Queue> {
  const queue = new Queue(QUEUE, { connection: bullConnection(redisUrl, 'worker'), prefix: 'bench' });
  for (let i = 0; i < count; i += 1000) {
    await queue.addBulk(Array.from({ length: Math.min(1000, count - i) }, (_, j) => ({ name: 'post', data: { key: `c${i + j}` }, opts: { removeOnComplete: true } })));
  }
  return queue;
}
