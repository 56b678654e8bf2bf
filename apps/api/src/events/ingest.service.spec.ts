import { Logger } from '@nestjs/common';
import { ConfigService } from '@hookline/config';
import { MetricsService } from '@hookline/common';
import type { EventsRepository, WebhooksRepository } from '@hookline/db';
import type { DeliveryQueue } from '@hookline/queue';
import { NO_INGEST_FAULTS } from './ingest-faults';
import { IngestService } from './ingest.service';

const DEVICE = '6f1c1a52-3b0e-4c7d-9a51-2f7a4f8b9c01';

/** IngestService alone: its collaborators are stand-ins that record the order of the calls. */
function setUp() {
  const calls: string[] = [];
  let commit!: () => void;
  const webhooks = { candidates: async () => [{ id: 7, triggerType: 'DEVICE_LOW_BATTERY', dataTrigger: null }] };
  const events = {
    store: () => {
      calls.push('store');
      return new Promise((resolve) => (commit = () => resolve({ deliveries: [{ id: '1', batchId: '1' }], matchedWebhooks: new Map([[EVENT_ID, 1]]) })));
    },
  };
  const queue = {
    reserveFirstAttempts: (_org: number, n: number) => (calls.push(`reserve ${n}`), Promise.resolve(41)),
    enqueueFirstAttempts: async (_d: unknown, tags: Promise<number>) => void calls.push(`enqueue ${await tags}`),
  };
  const config = { get: () => 500 } as unknown as ConfigService;
  const service = new IngestService(webhooks as unknown as WebhooksRepository, events as unknown as EventsRepository, queue as unknown as DeliveryQueue, NO_INGEST_FAULTS, config, new MetricsService());
  return { service, calls, commit: () => commit() };
}

const EVENT_ID = '0b7e6c43-7a47-4b55-9d0f-3d2f7c3b9a10';

describe('IngestService', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it("reserves the deliveries' places in the fair order while the commit is under way, and enqueues with them after it", async () => {
    const { service, calls, commit } = setUp();
    const { events } = service.parse({ event_type: 'device.low_battery', event_id: EVENT_ID, device_id: DEVICE, battery_level: 0.1 });
    const done = service.ingest(1, events);
    await new Promise((r) => setImmediate(r));
    // The commit has not returned, and the reservation is already out.
    expect(calls).toEqual(['reserve 1', 'store']);
    commit();
    await expect(done).resolves.toEqual([{ eventId: EVENT_ID, matchedWebhooks: 1 }]);
    expect(calls).toEqual(['reserve 1', 'store', 'enqueue 41']);
  });
});
