import net from 'node:net';

/**
 * A TCP port free on 127.0.0.1 right now, chosen by the OS (for tests and the
 * benchmark: a fixed or random port can collide with an ephemeral one in use).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
