import http from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * The receiver, in a child process of its own so it does not share an event
 * loop with the load generator. Reports, in batches over IPC, the time each
 * request arrived and the event it carried (the body's event_id, for the
 * ceiling's requests as for Hookline's). A request to a path under /hang is
 * never answered: the isolation phase's dead endpoint.
 */
export function runReceiver() {
  let pending: [string, number][] = [];
  const server = http.createServer((req, res) => {
    const at = performance.timeOrigin + performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let key = '';
      try {
        key = JSON.parse(Buffer.concat(chunks).toString('utf8')).event_id ?? '';
      } catch {
        key = '';
      }
      pending.push([key, at]);
      if (req.url?.startsWith('/hang')) return;
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '2' });
      res.end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    process.send!({ type: 'ready', port: (server.address() as import('node:net').AddressInfo).port });
  });
  setInterval(() => {
    if (!pending.length) return;
    process.send!({ type: 'receipts', receipts: pending });
    pending = [];
  }, 20);
}
