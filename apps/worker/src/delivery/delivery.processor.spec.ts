import type { Job } from 'bullmq';
import type { ConfigService } from '@hookline/config';
import type { DeliveryQueue, FairOrder } from '@hookline/queue';
import { DeliveryProcessor } from './delivery.processor';
import type { DeliveryService } from './delivery.service';
import type { JobRun } from './job-run';

const CONCURRENCY = 100;

/** A job's run as the test drives it: it waits for slots until `start`, and ends at `end`. */
interface FakeRun {
  attempts: number;
  start(): void;
  end(): void;
}

/**
 * The places BullMQ may fill (issue #11): one more than the worker runs while
 * few of its attempts wait for slots, none more once a round of requests' worth
 * waits, never more than HOOKLINE_WORKER_CONCURRENCY.
 */
describe('DeliveryProcessor places', () => {
  let waiting: number;
  let runs: FakeRun[];
  let processor: DeliveryProcessor;
  const worker = { concurrency: 0 };

  beforeEach(() => {
    waiting = 0;
    runs = [];
    const deliveries = {
      waiting: () => waiting,
      runJob: (ids: bigint[], _attempt: number, _rank: number, started: () => void) =>
        new Promise<JobRun>((resolve) => {
          waiting += ids.length;
          runs.push({
            attempts: ids.length,
            start: () => {
              waiting -= ids.length;
              started();
            },
            end: () => resolve({ failure: undefined, handedBack: new Map(), settled: Promise.resolve([]) }),
          });
        }),
    } as unknown as DeliveryService;
    const fair = { started: () => Promise.resolve() } as unknown as FairOrder;
    const config = { get: () => CONCURRENCY } as unknown as ConfigService;
    processor = new DeliveryProcessor(deliveries, {} as DeliveryQueue, fair, config);
    Object.assign(processor, { _worker: worker });
    processor.onApplicationBootstrap();
  });

  const job = (n: number) => ({ id: 'j', opts: { priority: 1 }, data: { attempt: 1, deliveryIds: Array.from({ length: n }, (_, i) => String(i + 1)) } }) as unknown as Job;
  const settle = () => new Promise((r) => setImmediate(r));

  it('starts with one place: a fetch outstanding, so that a job is taken as soon as it arrives', () => {
    expect(worker.concurrency).toBe(1);
  });

  it('keeps one spare place while the running jobs wait for nothing, as many as HOOKLINE_WORKER_CONCURRENCY', async () => {
    const done: Promise<void>[] = [];
    for (let i = 0; i < CONCURRENCY + 5; i++) {
      done.push(processor.process(job(1)));
      runs[i].start();
      expect(worker.concurrency).toBe(Math.min(CONCURRENCY, i + 2));
    }
    runs.forEach((r) => r.end());
    await Promise.all(done);
    expect(worker.concurrency).toBe(1);
  });

  it('takes no more jobs while a round of requests worth of attempts waits for slots, and one more once they start', async () => {
    const done = [processor.process(job(50)), processor.process(job(50))];
    expect(worker.concurrency).toBe(2);
    runs[0].start();
    expect(worker.concurrency).toBe(3);
    done.push(processor.process(job(50)));
    expect(worker.concurrency).toBe(3);
    runs[1].start();
    expect(worker.concurrency).toBe(4);
    runs.forEach((r) => r.end());
    runs[2].start();
    await Promise.all(done);
    await settle();
    expect(worker.concurrency).toBe(1);
  });
});
