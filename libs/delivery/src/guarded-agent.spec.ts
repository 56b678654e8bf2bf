import http from 'node:http';
import zlib from 'node:zlib';
import { AddressInfo } from 'node:net';
import { TargetRefusedError, guardedLookup } from './guarded-agent';
import { HttpClient, RequestFailedError } from './http-client';
import { TargetPolicy } from './target-policy';
import { createGuardedDispatcher } from './undici-transport';

const lookup = (policy: TargetPolicy, host: string) =>
  new Promise<{ err: Error | null; address?: string }>((resolve) =>
    guardedLookup(policy)(host, { family: 0 }, (err: NodeJS.ErrnoException | null, address?: string | unknown[]) => resolve({ err, address: address as string })),
  );

describe(guardedLookup.name, () => {
  it('refuses a name that resolves to a refused address, at connect time', async () => {
    const { err } = await lookup(new TargetPolicy(), 'localhost');
    expect(err).toBeInstanceOf(TargetRefusedError);
    expect(err!.message).toMatch(/localhost resolves to .* \(loopback\)/);
  });

  it('hands the socket the address it checked (pinned)', async () => {
    const { err, address } = await lookup(new TargetPolicy(['127.0.0.0/8', '::1/128']), 'localhost');
    expect(err).toBeNull();
    expect(['127.0.0.1', '::1']).toContain(address);
  });
});

describe(HttpClient.name, () => {
  let server: http.Server;
  let port: number;
  let hits = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits++;
      if (req.url === '/redirect') res.writeHead(302, { Location: 'http://169.254.169.254/latest/meta-data' }).end();
      else if (req.url === '/big') res.end(Buffer.alloc(10 * 1024 * 1024, 'a'));
      else if (req.url === '/gzip') res.writeHead(200, { 'content-encoding': 'gzip' }).end(zlib.gzipSync('{"ok":true}'));
      else if (req.url!.startsWith('/echo')) req.pipe(res.writeHead(201, { 'x-method': req.method!, 'x-url': req.url!, 'x-sig': String(req.headers['webhook-signature']) }));
      else res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise((r) => server.close(r));
  });

  const client = (cidrs: string[]) => {
    const policy = new TargetPolicy(cidrs);
    return new HttpClient(policy, createGuardedDispatcher(policy, 8, 2000), 2000);
  };

  it('does not follow redirects', async () => {
    const res = await client(['127.0.0.0/8']).send({ method: 'GET', url: `http://127.0.0.1:${port}/redirect`, headers: {} });
    expect(res.status).toBe(302);
  });

  it('sends the method, headers and body as given, and answers any status with its headers', async () => {
    const res = await client(['127.0.0.0/8']).send({ method: 'PUT', url: `http://127.0.0.1:${port}/echo?x=1`, headers: { 'webhook-signature': 'v1,abc', 'content-type': 'text/plain' }, body: 'hello' });
    expect(res).toEqual({ status: 201, headers: expect.objectContaining({ 'x-method': 'PUT', 'x-url': '/echo?x=1', 'x-sig': 'v1,abc' }), bodyExcerpt: 'hello' });
  });

  it('reads a compressed answer as text', async () => {
    const res = await client(['127.0.0.0/8']).send({ method: 'GET', url: `http://127.0.0.1:${port}/gzip`, headers: {} });
    expect(res.bodyExcerpt).toBe('{"ok":true}');
  });

  it('keeps at most 16 KiB of a 10 MB answer', async () => {
    const res = await client(['127.0.0.0/8']).send({ method: 'GET', url: `http://127.0.0.1:${port}/big`, headers: {} });
    expect(res.bodyExcerpt).toHaveLength(16 * 1024);
  });

  it('refuses literal and named local targets unless allow-listed, before any byte is sent', async () => {
    hits = 0;
    const strict = client([]);
    const refused = (url: string) => strict.send({ method: 'GET', url, headers: {} });
    await expect(refused(`http://127.0.0.1:${port}/`)).rejects.toMatchObject({ kind: 'refused', message: 'address 127.0.0.1 (loopback) is not allowed' });
    await expect(refused(`http://[::ffff:127.0.0.1]:${port}/`)).rejects.toMatchObject({ kind: 'refused', message: expect.stringMatching(/\(loopback\) is not allowed/) });
    await expect(refused(`http://localhost:${port}/`)).rejects.toMatchObject({ kind: 'refused', message: expect.stringMatching(/local or metadata name/) });
    expect(hits).toBe(0);
    // The same server, allow-listed, is reached: the refusals above were the policy's.
    expect((await client(['127.0.0.0/8']).send({ method: 'GET', url: `http://127.0.0.1:${port}/`, headers: {} })).status).toBe(200);
    expect(hits).toBe(1);
  });

  it("remembers each host's verdict apart: a refused host stays refused, an allowed one stays allowed", async () => {
    hits = 0;
    const c = client(['127.0.0.0/8']);
    const send = (host: string) => c.send({ method: 'GET', url: `http://${host}:${port}/`, headers: {} });
    for (let i = 0; i < 3; i++) {
      await expect(send('10.0.0.1')).rejects.toMatchObject({ kind: 'refused', message: expect.stringMatching(/^address 10\.0\.0\.1 \(private\) is not allowed/) });
      expect((await send('127.0.0.1')).status).toBe(200);
    }
    expect(hits).toBe(3);
  });

  it('refuses at connect time a name that resolves to a refused address', async () => {
    hits = 0;
    // Straight to the transport: the client itself refuses the name 'localhost' before connecting.
    const dispatcher = createGuardedDispatcher(new TargetPolicy(), 1, 2000);
    const err = await dispatcher.request({ origin: `http://localhost:${port}`, path: '/', method: 'GET' }).then(() => new Error('answered'), (e: Error) => e);
    expect(err).toBeInstanceOf(TargetRefusedError);
    expect(hits).toBe(0);
  });

  it('tells a connection refused by the receiver from a target refused by the policy', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = http.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    await expect(client(['127.0.0.0/8']).send({ method: 'GET', url: `http://127.0.0.1:${closed}/`, headers: {} })).rejects.toMatchObject({ kind: 'network', message: expect.stringMatching(/ECONNREFUSED/) });
  });
});
