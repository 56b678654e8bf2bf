import { IngestGate, OTHERS_WINDOW_MS } from './ingest-gate';

/** A request held open until `finish` is called; `started` says whether the gate let it in. */
function request(gate: IngestGate, org: number, events: number) {
  let finish!: () => void;
  const r = { started: false, finish: () => finish() };
  const done = gate.run(org, events, () => {
    r.started = true;
    return new Promise<void>((resolve) => (finish = resolve));
  });
  return Object.assign(r, { done });
}

const tick = () => new Promise((r) => setImmediate(r));

describe('IngestGate', () => {
  let clock = 0;
  let waits = 0;
  const gate = () => new IngestGate(500, () => waits++, () => clock);
  beforeEach(() => {
    clock = 1_000_000;
    waits = 0;
  });

  it('does not hold back an organization that publishes alone', async () => {
    const g = gate();
    const burst = [1, 2, 3, 4].map(() => request(g, 1, 500));
    await tick();
    expect(burst.map((r) => r.started)).toEqual([true, true, true, true]);
    expect(waits).toBe(0);
    burst.forEach((r) => r.finish());
    await Promise.all(burst.map((r) => r.done));
  });

  it('while another organization publishes, lets one in at a time up to the bound, in order, and never refuses', async () => {
    const g = gate();
    const quiet = request(g, 2, 1);
    const burst = [1, 2, 3].map(() => request(g, 1, 500));
    await tick();
    expect(quiet.started).toBe(true);
    expect(burst.map((r) => r.started)).toEqual([true, false, false]);
    expect(waits).toBe(2);
    // The quiet organization's next request is not behind the burst's.
    quiet.finish();
    await quiet.done;
    const next = request(g, 2, 1);
    await tick();
    expect(next.started).toBe(true);
    next.finish();
    burst[0].finish();
    await tick();
    expect(burst.map((r) => r.started)).toEqual([true, true, false]);
    burst[1].finish();
    await tick();
    expect(burst[2].started).toBe(true);
    burst[2].finish();
    await Promise.all([next.done, ...burst.map((r) => r.done)]);
  });

  it('counts events, not requests: single events of one organization are not serialised', async () => {
    const g = gate();
    request(g, 2, 1);
    const singles = Array.from({ length: 10 }, () => request(g, 1, 1));
    await tick();
    expect(singles.every((r) => r.started)).toBe(true);
  });

  it('forgets the other organization after the window: the burst runs in parallel again', async () => {
    const g = gate();
    const quiet = request(g, 2, 1);
    await tick();
    quiet.finish();
    await quiet.done;
    const first = request(g, 1, 500);
    const held = request(g, 1, 500);
    await tick();
    expect([first.started, held.started]).toEqual([true, false]);
    clock += OTHERS_WINDOW_MS + 1;
    const later = request(g, 1, 500);
    await tick();
    expect(later.started).toBe(false); // behind the one already waiting: order kept
    first.finish();
    await tick();
    expect([held.started, later.started]).toEqual([true, true]);
  });

  it('lets a request larger than the bound in when none of its organization is running, and frees its turn on failure', async () => {
    const g = gate();
    request(g, 2, 1);
    await expect(g.run(1, 2000, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const after = request(g, 1, 500);
    await tick();
    expect(after.started).toBe(true);
  });

  it('while another organization publishes, rests a burst after each ingest for as long as it took, and answers it at once', async () => {
    const rests: { ms: number; run: () => void }[] = [];
    const g = new IngestGate(500, () => waits++, () => clock, (run, ms) => rests.push({ ms, run }));
    request(g, 2, 1);
    const burst = [1, 2].map(() => request(g, 1, 500));
    await tick();
    clock += 40;
    burst[0].finish();
    await burst[0].done;
    await tick();
    expect(rests.map((r) => r.ms)).toEqual([40]);
    expect(burst[1].started).toBe(false);
    rests[0].run();
    await tick();
    expect(burst[1].started).toBe(true);
  });

  it('does not rest an organization with nothing waiting, nor one publishing alone', async () => {
    const rests: number[] = [];
    const g = new IngestGate(500, () => waits++, () => clock, (run, ms) => rests.push(ms));
    const alone = [1, 2].map(() => request(g, 1, 500));
    await tick();
    clock += 40;
    alone.forEach((r) => r.finish());
    await Promise.all(alone.map((r) => r.done));
    request(g, 2, 1);
    const single = request(g, 1, 500);
    await tick();
    clock += 40;
    single.finish();
    await single.done;
    expect(rests).toEqual([]);
    const next = request(g, 1, 500);
    await tick();
    expect(next.started).toBe(true);
  });
});
