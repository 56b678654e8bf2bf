import http from 'node:http';
import { AddressInfo } from 'node:net';
import { TargetRefusedError, createGuardedAgents, guardedLookup } from './guarded-agent';
import { HttpClient, RequestFailedError } from './http-client';
import { TargetPolicy } from './target-policy';

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
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/redirect') res.writeHead(302, { Location: 'http://169.254.169.254/latest/meta-data' }).end();
      else if (req.url === '/big') res.end(Buffer.alloc(10 * 1024 * 1024, 'a'));
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
    return new HttpClient(policy, createGuardedAgents(policy, 8), 2000);
  };

  it('does not follow redirects', async () => {
    const res = await client(['127.0.0.0/8']).send({ method: 'GET', url: `http://127.0.0.1:${port}/redirect`, headers: {} });
    expect(res.status).toBe(302);
  });

  it('keeps at most 16 KiB of a 10 MB answer', async () => {
    const res = await client(['127.0.0.0/8']).send({ method: 'GET', url: `http://127.0.0.1:${port}/big`, headers: {} });
    expect(res.bodyExcerpt).toHaveLength(16 * 1024);
  });

  it('refuses literal and named local targets unless allow-listed', async () => {
    await expect(client([]).send({ method: 'GET', url: `http://127.0.0.1:${port}/`, headers: {} })).rejects.toMatchObject({ kind: 'refused' });
    await expect(client([]).send({ method: 'GET', url: `http://[::ffff:127.0.0.1]:${port}/`, headers: {} })).rejects.toBeInstanceOf(RequestFailedError);
    await expect(client([]).send({ method: 'GET', url: `http://localhost:${port}/`, headers: {} })).rejects.toMatchObject({ kind: 'refused' });
  });
});
