import { ChildProcess, fork, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import pg from 'pg';
import { CEILING_CLIENTS, CeilingClient, ceilingKey, ceilingQueue, runCeilingWorker, enqueueCeilingJobs } from './ceiling';
import { bucketPercentile, publishBuckets } from './api-metrics';
import { runReceiver } from './receiver';
import { CpuMeter } from './cpu';
import { freePort } from '@hookline/common';
import { DEFAULT_WORKER_CONCURRENCY } from '@hookline/config';
import { Api, DEVICE, createWebhook, lowBattery, pacedEvents, publishBatches, uuid } from './client';
import { isolationPhase } from './isolation';
import { Receipts, now } from './receipts';
import { median, progress, round, sleep } from './stats';

const ROOT = path.resolve(__dirname, '..', '..');
const DATABASE_URL = process.env.DATABASE_URL!;
const REDIS_URL = process.env.REDIS_URL!;
/** The worker's concurrency, for Hookline's worker and the ceiling's alike: the product default unless set. */
const CONCURRENCY = Number(process.env.HOOKLINE_WORKER_CONCURRENCY ?? DEFAULT_WORKER_CONCURRENCY);
const THROUGHPUT_EVENTS = Number(process.env.BENCH_THROUGHPUT_EVENTS ?? 20_000);
/** A list knob; an empty value skips the phase (for focused runs while profiling). */
const list = (value: string) => value.split(',').filter((x) => x.trim()).map(Number);
const RATES = list(process.env.BENCH_RATES ?? '200,500,1000,2000');
const RATE_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 20);
const FANOUTS = list(process.env.BENCH_FANOUTS ?? '1000,10000');
const INGEST_SECONDS = Number(process.env.BENCH_INGEST_SECONDS ?? 10);
/** 0 skips the isolation phase (issue #11). */
const ISOLATION_SECONDS = Number(process.env.BENCH_ISOLATION_SECONDS ?? 10);
/** Ceiling and Hookline runs alternate this many times; the table shows medians. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/**
 * Throughput runs are a sustained load: the load generator keeps at most this
 * many events sent but not yet received, the same for the ceiling and Hookline.
 */
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 5000);
/**
 * Node flags of the production worker (package.json start:worker): Hookline's
 * worker runs with them, and so does the ceiling's, so neither gets a runtime
 * the other lacks.
 */
const WORKER_NODE_FLAGS: string[] = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts['start:worker'] as string)
  .split(/\s+/)
  .filter((a) => a.startsWith('--'));
/** Deliveries each worker (ceiling and Hookline) makes before the first measured round. */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5000);

// ---------------------------------------------------------------- processes
/** Starts a built app with warn-level logs (as an operator would run it) and waits for its readiness URL. */
/** Warnings and errors of the apps under test, kept next to the results. */
const appLog: string[] = [];

async function startApp(script: string, env: Record<string, string>, readyUrl: string, nodeArgs: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeArgs, path.join(ROOT, script)], { cwd: ROOT, env: { ...process.env, ...env, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const name = path.basename(path.dirname(script));
  const keep = (d: Buffer) => {
    out = (out + d).slice(-4000);
    for (const line of String(d).split('\n')) if (line.trim()) appLog.push(`${name}: ${line}`);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${script} exited ${child.exitCode}: ${out}`);
    const ok = await fetch(readyUrl).then((r) => r.ok, () => false);
    if (ok) return child;
    await sleep(100);
  }
  throw new Error(`${script} not ready: ${out}`);
}

async function stopChild(child: ChildProcess | undefined) {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

function forkRole(role: string, args: string[] = []): Promise<{ child: ChildProcess; msg: Record<string, unknown> }> {
  const child = fork(__filename, ['--role', role, ...args], { execArgv: role === 'ceiling' ? WORKER_NODE_FLAGS : undefined, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (msg: Record<string, unknown>) => (msg.type === 'ready' ? resolve({ child, msg }) : reject(new Error(String(msg)))));
    child.once('exit', (code) => reject(new Error(`${role} exited ${code}`)));
  });
}

/** Waits until fewer than BACKLOG of the `sent` events are still undelivered. */
async function backlogRoom(receipts: Receipts, sent: number) {
  while (sent - receipts.count >= BACKLOG) await sleep(1);
}

// ---------------------------------------------------------------- phases
/**
 * The ceiling's worker lives for the whole benchmark, as Hookline's does, and
 * both get the same warm-up: a fresh process per round would be colder (JIT,
 * heap sizing) than Hookline's long-running worker.
 */
async function startCeiling(client: CeilingClient, receiverUrl: string, receipts: Receipts): Promise<ChildProcess> {
  const { child } = await forkRole('ceiling', [REDIS_URL, receiverUrl, String(CONCURRENCY), client]);
  receipts.clear();
  const warm = await enqueueCeilingJobs(REDIS_URL, client, WARMUP, (sent) => backlogRoom(receipts, sent));
  await receipts.waitForCount(WARMUP, 120_000, 'ceiling warm-up');
  await warm.close();
  return child;
}

async function stopCeiling(client: CeilingClient, child: ChildProcess) {
  if (child.exitCode === null) {
    child.send({ type: 'stop' });
    await new Promise((r) => child.once('exit', r));
  }
  const queue = ceilingQueue(REDIS_URL, client);
  await queue.obliterate({ force: true });
  await queue.close();
}

async function ceilingPhase(client: CeilingClient, child: ChildProcess, receipts: Receipts, receiver: ChildProcess) {
  progress(`ceiling: bare BullMQ worker with ${client === 'undici' ? 'undici' : "Hookline's client (axios)"}, concurrency ${CONCURRENCY}, ${THROUGHPUT_EVENTS} jobs`);
  receipts.clear();
  const cpu = new CpuMeter({ worker: () => [child.pid!], receiver: () => [receiver.pid!], redis: CpuMeter.byName('redis-server'), bench: () => [process.pid] });
  cpu.start();
  const t0 = now();
  const queue = await enqueueCeilingJobs(REDIS_URL, client, THROUGHPUT_EVENTS, (sent) => backlogRoom(receipts, sent));
  await receipts.waitForCount(THROUGHPUT_EVENTS, 300_000, `ceiling (${client})`);
  const cpuSeconds = cpu.stop();
  await queue.close();
  const times = Array.from({ length: THROUGHPUT_EVENTS }, (_, i) => receipts.first(ceilingKey(i))!);
  const span = (Math.max(...times) - Math.min(...times)) / 1000;
  return { deliveriesPerSecond: THROUGHPUT_EVENTS / span, seconds: span, cpuMsPerDelivery: perDelivery(cpuSeconds, THROUGHPUT_EVENTS), timeline: timeline(times, t0) };
}

/** Receipts per 100 ms from `start`: shows ramp-up, stalls and the tail (JSON only). */
function timeline(times: number[], start: number): number[] {
  const buckets: number[] = [];
  for (const t of times) {
    const b = Math.max(0, Math.floor((t - start) / 100));
    buckets[b] = (buckets[b] ?? 0) + 1;
  }
  return Array.from(buckets, (x) => x ?? 0);
}

/** Per-key medians of a list of records. */
function medianOf(list: Record<string, number>[]): Record<string, number> {
  return Object.fromEntries(Object.keys(list[0] ?? {}).map((k) => [k, round(median(list.map((x) => x[k])), 3)]));
}

function perDelivery(cpuSeconds: Record<string, number>, n: number) {
  return Object.fromEntries(Object.entries(cpuSeconds).map(([k, v]) => [k, round((v * 1000) / n, 3)]));
}

async function throughputPhase(api: Api, receipts: Receipts, procs: { worker: ChildProcess; api: ChildProcess; receiver: ChildProcess }) {
  progress(`throughput: ${THROUGHPUT_EVENTS} events through the API (batches of 500), one worker process`);
  receipts.clear();
  const ids = Array.from({ length: THROUGHPUT_EVENTS }, uuid);
  const cpu = new CpuMeter({
    worker: () => [procs.worker.pid!],
    api: () => [procs.api.pid!],
    receiver: () => [procs.receiver.pid!],
    postgres: CpuMeter.byName('postgres'),
    redis: CpuMeter.byName('redis-server'),
    bench: () => [process.pid],
  });
  cpu.start();
  const t0 = now();
  await publishBatches(api, ids, (sent) => backlogRoom(receipts, sent));
  const published = now();
  await receipts.waitForCount(THROUGHPUT_EVENTS, 600_000, 'throughput');
  const cpuSeconds = cpu.stop();
  const times = ids.map((id) => receipts.first(id)!);
  const first = Math.min(...times);
  const last = Math.max(...times);
  const duplicates = ids.reduce((n, id) => n + receipts.all(id).length - 1, 0);
  return {
    batches: {} as Record<string, number>,
    deliveriesPerSecond: THROUGHPUT_EVENTS / ((last - first) / 1000),
    timeline: timeline(times, t0),
    publishSeconds: (published - t0) / 1000,
    endToEndSeconds: (last - t0) / 1000,
    duplicates,
    cpuMsPerDelivery: perDelivery(cpuSeconds, THROUGHPUT_EVENTS),
  };
}

async function latencyPhase(api: Api, receipts: Receipts, rate: number) {
  progress(`latency: ${rate} events/s for ${RATE_SECONDS} s`);
  receipts.clear();
  // The API's own time per publish beside what the client sees: what of the 202's wait is the API's.
  const before = await publishBuckets(api.base);
  const latency = await pacedEvents(api, receipts, rate, RATE_SECONDS, `latency ${rate}/s`);
  const after = await publishBuckets(api.base);
  return { ...latency, apiOwn: { p50AtMost: bucketPercentile(before, after, 0.5), p99AtMost: bucketPercentile(before, after, 0.99) } };
}

async function fanoutPhase(base: string, receiverUrl: string, receipts: Receipts, db: pg.Client, n: number) {
  progress(`fan-out: one event to ${n} webhooks`);
  const api = await Api.forNewOrg(base, `bench-fanout-${n}`);
  const template = await createWebhook(api, receiverUrl, 'DEVICE_TAMPERED');
  // Clones of a webhook made through the API (setup, not measured).
  await db.query(
    `INSERT INTO webhook (organization_id, name, trigger_type, url, method, content_type, auth_type, headers, body_template, failure_limit, signing_secret_enc, updated_at)
     SELECT organization_id, name || '-' || g, trigger_type, url, method, content_type, auth_type, headers, body_template, failure_limit, signing_secret_enc, now()
     FROM webhook, generate_series(2, $2) g WHERE id = $1`,
    [template, n],
  );
  // Statistics as autovacuum keeps them for a table that grew over time. Without it,
  // query plans cached while the table held three rows (sequential scans for the
  // foreign-key checks) would serve 10 000 inserted deliveries.
  await db.query('ANALYZE webhook');
  receipts.clear();
  const id = uuid();
  const t0 = now();
  const res = await api.post('/api/v1/organization/events', { event_type: 'device.tampered', event_id: id, device_id: DEVICE });
  const accepted = now();
  if (res.body?.matchedWebhooks !== n) throw new Error(`fan-out matched ${res.body?.matchedWebhooks}, expected ${n}`);
  await receipts.waitForCount(n, 120_000, `fan-out ${n}`);
  const last = Math.max(...receipts.all(id));
  await db.query(`UPDATE webhook SET status = 'DISABLED' WHERE organization_id = $1`, [api.organizationId]);
  return { webhooks: n, acceptedMs: accepted - t0, lastDeliveryMs: last - t0 };
}

async function ingestPhase(api: Api, seconds: number) {
  progress(`ingest: batches of 500 events for ${seconds} s, 4 concurrent publishers, worker stopped`);
  let accepted = 0;
  const start = now();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (now() - start < seconds * 1000) {
        const res = await api.post('/api/v1/organization/events', { events: Array.from({ length: 500 }, () => lowBattery(uuid())) });
        if (res.status === 202) accepted += 500;
      }
    }),
  );
  const elapsed = (now() - start) / 1000;
  return { eventsPerSecond: accepted / elapsed, accepted, seconds: elapsed };
}

async function obliterateDeliveryQueue() {
  const { Queue } = await import('bullmq');
  const { bullConnection, QUEUES, QUEUE_PREFIX } = await import('@hookline/queue');
  const q = new Queue(QUEUES.delivery, { connection: bullConnection(REDIS_URL, 'worker'), prefix: QUEUE_PREFIX });
  await q.obliterate({ force: true });
  await q.close();
}

/** Mean claim and record batch sizes so far, from the worker's /metrics. */
async function batchSizes(metricsPort: number) {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const kind of ['claim', 'record']) {
    const sum = Number(new RegExp(`hookline_batch_size_sum\\{kind="${kind}"\\} (\\S+)`).exec(text)?.[1]);
    const count = Number(new RegExp(`hookline_batch_size_count\\{kind="${kind}"\\} (\\S+)`).exec(text)?.[1]);
    out[kind] = round(sum / count, 1);
  }
  return out;
}

// ---------------------------------------------------------------- machine
async function machine(db: pg.Client) {
  const redis = new Redis(REDIS_URL);
  const info = await redis.info('server');
  await redis.quit();
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: (await db.query('SHOW server_version')).rows[0].server_version,
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
    workerConcurrency: CONCURRENCY,
  };
}

// ---------------------------------------------------------------- main
async function main() {
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  const env = {
    NODE_ENV: 'production',
    HOOKLINE_ALLOWED_TARGET_CIDRS: '127.0.0.0/8',
    HOOKLINE_WORKER_CONCURRENCY: String(CONCURRENCY),
    HOOKLINE_RATE_LIMIT_PER_MINUTE: '10000000',
    HOOKLINE_MAX_BODY_BYTES: String(8 * 1024 * 1024),
  };
  // Ports the OS hands out as free: fixed or random ones can collide with ephemeral ports in use.
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const receipts = new Receipts();
  const { child: receiver, msg } = await forkRole('receiver');
  receiver.on('message', (m: { type: string; receipts?: [string, number][] }) => m.type === 'receipts' && receipts.add(m.receipts!));
  const receiverUrl = `http://127.0.0.1:${msg.port}/hook`;
  let apiProc: ChildProcess | undefined;
  let workerProc: ChildProcess | undefined;
  const ceilings = new Map<CeilingClient, ChildProcess>();
  const results: Record<string, unknown> = { startedAt: new Date().toISOString(), machine: await machine(db) };
  try {
    apiProc = await startApp('dist/apps/api/main.js', { ...env, PORT: String(port) }, `${base}/health/ready`);

    const metricsPort = await freePort();
    // BENCH_PROFILE=1 writes a V8 CPU profile of the worker to bench/results/ (inspect with Chrome DevTools).
    const profile = process.env.BENCH_PROFILE === '1' ? ['--cpu-prof', `--cpu-prof-dir=${path.join(ROOT, 'bench', 'results')}`] : [];
    workerProc = await startApp('dist/apps/worker/main.js', { ...env, HOOKLINE_WORKER_METRICS_PORT: String(metricsPort) }, `http://127.0.0.1:${metricsPort}/health/ready`, [...profile, ...WORKER_NODE_FLAGS]);
    const api = await Api.forNewOrg(base, 'bench-throughput');
    await createWebhook(api, receiverUrl);
    progress(`warm-up: ${WARMUP} deliveries by each worker`);
    const warm = Array.from({ length: WARMUP }, uuid);
    receipts.clear();
    await publishBatches(api, warm, (sent) => backlogRoom(receipts, sent));
    await receipts.waitForCount(warm.length, 120_000, 'warm-up');
    for (const client of CEILING_CLIENTS) ceilings.set(client, await startCeiling(client, receiverUrl, receipts));

    // Machines like this one are shared and noisy: the ceilings and Hookline take
    // turns, and each round's ratios compare runs minutes apart at most.
    const rounds: { ceiling: any; axiosCeiling: any; throughput: any; ratio: number; ratioToAxios: number }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      progress(`round ${round} of ${ROUNDS}`);
      const ceiling = await ceilingPhase('undici', ceilings.get('undici')!, receipts, receiver);
      const axiosCeiling = await ceilingPhase('axios', ceilings.get('axios')!, receipts, receiver);
      const throughput = await throughputPhase(api, receipts, { worker: workerProc, api: apiProc, receiver });
      throughput.batches = await batchSizes(metricsPort);
      const rate = throughput.deliveriesPerSecond;
      rounds.push({ ceiling, axiosCeiling, throughput, ratio: rate / ceiling.deliveriesPerSecond, ratioToAxios: rate / axiosCeiling.deliveriesPerSecond });
    }
    for (const [client, child] of ceilings) await stopCeiling(client, child);
    ceilings.clear();
    results.rounds = rounds;
    const summary = (phases: any[]) => ({ deliveriesPerSecond: median(phases.map((c) => c.deliveriesPerSecond)), cpuMsPerDelivery: medianOf(phases.map((c) => c.cpuMsPerDelivery)) });
    results.ceiling = summary(rounds.map((r) => r.ceiling));
    results.axiosCeiling = summary(rounds.map((r) => r.axiosCeiling));
    results.throughput = {
      deliveriesPerSecond: median(rounds.map((r) => r.throughput.deliveriesPerSecond)),
      ratioToCeiling: median(rounds.map((r) => r.ratio)),
      ratioToAxiosCeiling: median(rounds.map((r) => r.ratioToAxios)),
      duplicates: rounds.reduce((n, r) => n + r.throughput.duplicates, 0),
      cpuMsPerDelivery: medianOf(rounds.map((r) => r.throughput.cpuMsPerDelivery)),
      batches: rounds[rounds.length - 1].throughput.batches,
    };
    results.latency = [];
    for (const rate of RATES) (results.latency as unknown[]).push(await latencyPhase(api, receipts, rate));
    results.fanout = [];
    for (const n of FANOUTS) (results.fanout as unknown[]).push(await fanoutPhase(base, receiverUrl, receipts, db, n));
    receipts.clear();
    if (ISOLATION_SECONDS > 0) results.isolation = await isolationPhase(base, `http://127.0.0.1:${msg.port}`, receipts, db);

    // Ingest last, with the worker stopped: its hundreds of thousands of rows
    // would otherwise weigh on every phase after it.
    await stopChild(workerProc);
    workerProc = undefined;
    const ingestApi = await Api.forNewOrg(base, 'bench-ingest');
    await createWebhook(ingestApi, receiverUrl);
    if (INGEST_SECONDS > 0) results.ingest = await ingestPhase(ingestApi, INGEST_SECONDS);
    // Leave nothing behind for a shared database: no worker will deliver these.
    await db.query(`UPDATE delivery SET status = 'CANCELLED', completed_at = now() WHERE organization_id = $1 AND status = 'PENDING'`, [ingestApi.organizationId]);
    await obliterateDeliveryQueue();
  } finally {
    for (const [client, child] of ceilings) await stopCeiling(client, child).catch(() => child.kill('SIGKILL'));
    await stopChild(workerProc);
    await stopChild(apiProc);
    receiver.kill('SIGTERM');
    await db.end();
  }
  results.finishedAt = new Date().toISOString();
  progress(JSON.stringify(results));
  report(results);
}

function isolationRows(i: any): [string, string, string][] {
  if (!i) return [];
  // End to end, then its two shares: publish → 202 (the API) and 202 → receipt (the dispatcher).
  const lat = (l: any) => `p50 ${round(l.p50)} / p99 ${round(l.p99)} ms (API p99 ${round(l.accepted.p99)}, after 202 p99 ${round(l.dispatched.p99)})`;
  const afterAlone = 2 * i.alone.dispatched.p99 + 50;
  const verdict = (l: any) =>
    `target p99 ≤ ${l.targetP99} ms (2 × alone + 50): ${l.met ? 'met' : 'NOT met'}; after 202 ≤ ${round(afterAlone)}: ${l.dispatched.p99 <= afterAlone ? 'met' : 'NOT met'}`;
  return [
    [`Isolation: quiet org at ${i.quietRate} events/s, alone`, lat(i.alone), ''],
    [`  beside an endpoint that hangs, ${i.besideHanging.hangingPending} attempts queued`, lat(i.besideHanging), verdict(i.besideHanging)],
    [`  beside another org's ${i.besideBurst.burst}-event burst`, lat(i.besideBurst), verdict(i.besideBurst)],
  ];
}

const fmtCpu = (c: Record<string, number>) => Object.entries(c).map(([k, v]) => `${k} ${v}`).join(', ');

function report(r: any) {
  const ratio = r.throughput.ratioToCeiling;
  const perRound = r.rounds.map((x: any) => `${round(x.ratio * 100, 0)} %`).join(', ');
  const rows: [string, string, string][] = [
    [`Ceiling: bare BullMQ + undici (median of ${r.rounds.length})`, `${round(r.ceiling.deliveriesPerSecond, 0)} deliveries/s`, 'reference'],
    [`Ceiling: bare BullMQ + Hookline's client, axios (median of ${r.rounds.length})`, `${round(r.axiosCeiling.deliveriesPerSecond, 0)} deliveries/s`, 'what the client API costs'],
    [`Hookline throughput, API → worker → receiver (median of ${r.rounds.length})`, `${round(r.throughput.deliveriesPerSecond, 0)} deliveries/s`, `median ratio ${round(ratio * 100, 0)} % of the undici ceiling (rounds: ${perRound}; target ≥ 80 %), ${round(r.throughput.ratioToAxiosCeiling * 100, 0)} % of the axios one`],
    ...r.latency.map((l: any) => [
      `Latency at ${l.rate} events/s (${l.events} events)`,
      `p50 ${round(l.p50)} / p95 ${round(l.p95)} / p99 ${round(l.p99)} ms (API p99 ${round(l.accepted.p99)}, its own ≤ ${l.apiOwn.p99AtMost}; after 202 p99 ${round(l.dispatched.p99)})`,
      l.rate >= 200 && l.rate <= 1000 ? 'target p99 ≤ 50 ms' : l.rate === 2000 ? 'target p99 ≤ 100 ms' : '',
    ]),
    ...r.fanout.map((f: any) => [`Fan-out to ${f.webhooks} webhooks`, `last delivery after ${round(f.lastDeliveryMs / 1000, 2)} s (202 in ${round(f.acceptedMs, 0)} ms)`, f.webhooks === 10000 ? 'target ≤ 3 s' : '']),
    ...isolationRows(r.isolation),
    ...(r.ingest ? [['Ingest (one API process, 202 = committed)', `${round(r.ingest.eventsPerSecond, 0)} events/s`, 'target ≥ 2000'] as [string, string, string]] : []),
    ['CPU ms per delivery, undici ceiling', fmtCpu(r.ceiling.cpuMsPerDelivery), ''],
    ['CPU ms per delivery, axios ceiling', fmtCpu(r.axiosCeiling.cpuMsPerDelivery), ''],
    ['CPU ms per delivery, Hookline', fmtCpu(r.throughput.cpuMsPerDelivery), `mean batch: claim ${r.throughput.batches?.claim}, record ${r.throughput.batches?.record}`],
  ];
  const w = [Math.max(...rows.map((x) => x[0].length)), Math.max(...rows.map((x) => x[1].length))];
  const line = (a: string, b: string, c: string) => `${a.padEnd(w[0])}  ${b.padEnd(w[1])}  ${c}`;
  const m = r.machine;
  const out = [
    `Hookline benchmark — ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, PostgreSQL ${m.postgres}, Redis ${m.redis}, worker concurrency ${m.workerConcurrency}`,
    '',
    line('measure', 'result', 'note'),
    line('-'.repeat(w[0]), '-'.repeat(w[1]), '----'),
    ...rows.map((x) => line(...x)),
    '',
  ].join('\n');
  process.stdout.write(out);
  const dir = path.join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${r.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(r, null, 2) + '\n');
  writeFileSync(file.replace(/\.json$/, '.log'), appLog.join('\n') + '\n');
  process.stdout.write(`results: ${path.relative(ROOT, file)}\n`);
}

// ---------------------------------------------------------------- roles
const roleIndex = process.argv.indexOf('--role');
const role = roleIndex > 0 ? process.argv[roleIndex + 1] : 'main';
if (role === 'receiver') runReceiver();
else if (role === 'ceiling') runCeilingWorker(process.argv[roleIndex + 2], process.argv[roleIndex + 3], Number(process.argv[roleIndex + 4]), process.argv[roleIndex + 5] as CeilingClient);
else
  main().then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`[bench] failed: ${(err as Error).stack}\n`);
      process.exit(1);
    },
  );
