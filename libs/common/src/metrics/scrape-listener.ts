import http from 'node:http';
import type { Logger } from '@nestjs/common';

export interface ScrapeAnswer {
  status: number;
  contentType: string;
  body: string;
}

/**
 * A bare HTTP listener for monitoring (the worker's metrics and health, the
 * API's metrics when HOOKLINE_API_METRICS_PORT keeps them off its public port):
 * GET of an exact path, nothing else. A busy port is logged, not fatal.
 */
export function listenForScrapes(port: number, routes: Record<string, () => Promise<ScrapeAnswer>>, logger: Logger, what: string): http.Server {
  const server = http.createServer((req, res) => {
    const route = req.method === 'GET' ? routes[req.url ?? ''] : undefined;
    if (!route) return void res.writeHead(404).end();
    route().then(
      (a) => res.writeHead(a.status, { 'Content-Type': a.contentType }).end(a.body),
      () => res.writeHead(500).end(),
    );
  });
  server.on('error', (err) => logger.warn(`${what} not started on port ${port}: ${err.message}`));
  server.listen(port, () => logger.log({ msg: `${what} listening`, port }));
  return server;
}
