import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { ApiHarness, OrgAdmin, unique } from './support/api-harness';
import { AppProcess, ROOT, freePort } from './support/processes';
import { eventually } from './support/receiver';
import { WorkerHarness } from './support/worker-harness';

const DEVICE = '6f1c1a52-3b0e-4c7d-9a51-2f7a4f8b9c01';

/** The Node receiver of docs/receiving.md, exactly as the page shows it. */
function receiverFromDocs(): string {
  const doc = readFileSync(path.join(ROOT, 'docs/receiving.md'), 'utf8');
  const block = /<!-- receiver\.mjs[^\n]*-->\n```js\n([\s\S]*?)\n```/.exec(doc);
  if (!block) throw new Error('docs/receiving.md has no receiver.mjs block');
  return block[1];
}

describe('docs/receiving.md: the Node receiver verifies what Hookline sends (issue #13)', () => {
  let api: ApiHarness;
  let worker: WorkerHarness;
  let admin: OrgAdmin;
  let receiver: AppProcess;
  let port: number;
  let secret: string;
  let webhookId: number;
  // Inside the project, so the receiver's `import 'standardwebhooks'` resolves as it would in an application.
  const dir = path.join(ROOT, '.hookline', `receiving-${process.pid}`);

  /** The receiver's JSON log lines so far. */
  const lines = () =>
    receiver
      .text()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const publish = async (battery: number) => {
    const res = await api.http().post('/api/v1/organization/events').auth(admin.token, { type: 'bearer' }).send({ event_type: 'device.low_battery', device_id: DEVICE, battery_level: battery });
    expect(res.status).toBe(202);
  };
  const verifiedWith = async (battery: number) => {
    await receiver.waitFor(new RegExp(`"verified":"msg_\\d+","event":\\{[^\\n]*"battery_level":${battery}`), 30_000);
    return lines().find((l) => (l.event as { battery_level?: number } | undefined)?.battery_level === battery)!;
  };

  beforeAll(async () => {
    api = await ApiHarness.start();
    worker = await WorkerHarness.start();
    admin = await api.newOrg(unique('receiving'));
    port = await freePort();
    const created = await api
      .http()
      .post('/api/v1/organization/webhooks')
      .auth(admin.token, { type: 'bearer' })
      .send({ name: 'verified receiver', triggerType: 'DEVICE_LOW_BATTERY', url: `http://127.0.0.1:${port}/hooks/{device_id}` });
    expect(created.status).toBe(201);
    ({ id: webhookId, signingSecret: secret } = created.body);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'receiver.mjs'), receiverFromDocs());
    receiver = new AppProcess(path.relative(ROOT, path.join(dir, 'receiver.mjs')), [], { PATH: process.env.PATH, WEBHOOK_SECRET: secret, PORT: String(port) });
    await receiver.waitFor(/"listening":\d+/);
  });
  afterAll(async () => {
    receiver?.child.kill();
    await receiver?.exited;
    rmSync(dir, { recursive: true, force: true });
    await worker.close();
    await api.close();
  });

  it('verifies a delivery with the stock standardwebhooks library and gets the event', async () => {
    await publish(0.12);
    const line = await verifiedWith(0.12);
    expect(line.event).toMatchObject({ event_type: 'device.low_battery', device_id: DEVICE, battery_level: 0.12 });
    // The worker records the attempt after the receiver's answer, which may come after its log line: wait for the row.
    const delivered = await eventually(async () => {
      const log = await api.http().get(`/api/v1/organization/webhooks/${webhookId}/deliveries`).auth(admin.token, { type: 'bearer' });
      return log.body.items[0]?.status === 'SUCCEEDED' ? log.body.items[0] : undefined;
    }, 15_000, 'the delivery recorded as SUCCEEDED');
    expect(delivered.attempts[0]).toMatchObject({ responseStatus: 204 });
  });

  it('answers a repeat of the same webhook-id with 200 without handling it again, and a tampered body with 400', async () => {
    const { verified: msgId } = await verifiedWith(0.12);
    const body = JSON.stringify({ event_type: 'device.low_battery', device_id: DEVICE, battery_level: 0.12 });
    const now = new Date();
    const signature = new Webhook(secret).sign(String(msgId), now, body);
    const headers = { 'content-type': 'application/json', 'webhook-id': String(msgId), 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': signature };
    const repeat = await fetch(`http://127.0.0.1:${port}/hooks/${DEVICE}`, { method: 'POST', headers, body });
    expect(repeat.status).toBe(200);
    // The receiver's log line reaches this process through a pipe, after the answer may have.
    await receiver.waitFor(new RegExp(`"duplicate":"${msgId}"`));
    const tampered = await fetch(`http://127.0.0.1:${port}/hooks/${DEVICE}`, { method: 'POST', headers, body: body.replace('0.12', '0.99') });
    expect(tampered.status).toBe(400);
    await receiver.waitFor(new RegExp(`"rejected":"${msgId}"`));
    expect(lines().filter((l) => l.verified === msgId)).toHaveLength(1);
  });

  it('still verifies with the previous secret after a rotation, as the page says', async () => {
    const rotated = await api.http().post(`/api/v1/organization/webhooks/${webhookId}/rotate-secret`).auth(admin.token, { type: 'bearer' });
    expect(rotated.status).toBe(200);
    expect(rotated.body.signingSecret).not.toBe(secret);
    await publish(0.07);
    expect((await verifiedWith(0.07)).event).toMatchObject({ battery_level: 0.07 });
  });
});
