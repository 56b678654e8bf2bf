import { ArgumentsHost, Catch, Injectable, NotFoundException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Request, Response } from 'express';
import { match } from 'path-to-regexp';
import { HttpErrorFilter, MethodNotAllowed } from '@hookline/common';

type Matcher = { test: (path: string) => boolean; methods: string[] };

/**
 * The API's error answers: HttpErrorFilter's, plus a 405 with `Allow` when no
 * route matched the request but a route of the same path takes other methods
 * (Nest answers every unmatched request with a 404 "Cannot PATCH /…"), and
 * OPTIONS with 204 and the same header.
 */
@Catch()
@Injectable()
export class ApiErrorFilter extends HttpErrorFilter {
  private routes?: Matcher[];

  constructor(private readonly adapterHost: HttpAdapterHost) {
    super();
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (exception instanceof NotFoundException) {
      const req = host.switchToHttp().getRequest<Request>();
      const allow = this.allowedMethods(req.path);
      if (allow.length && req.method === 'OPTIONS') {
        host.switchToHttp().getResponse<Response>().status(204).setHeader('Allow', allow.join(', ')).end();
        return;
      }
      if (allow.length && !allow.includes(req.method)) {
        return super.catch(new MethodNotAllowed(`${req.method} is not supported on ${req.path.slice(0, 200)}; allowed: ${allow.join(', ')}`, allow), host);
      }
    }
    super.catch(exception, host);
  }

  /** The methods the routes matching `path` take; HEAD wherever GET is, as Express answers it, and OPTIONS, answered above. */
  allowedMethods(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.routeTable()) if (route.test(path)) route.methods.forEach((m) => methods.add(m));
    if (!methods.size) return [];
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods.add('OPTIONS')].sort();
  }

  /** Read from Express' router on first use: every route is registered by the time a request can miss them. */
  private routeTable(): Matcher[] {
    if (this.routes) return this.routes;
    const stack = (this.adapterHost.httpAdapter.getInstance() as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } }).router.stack;
    this.routes = stack.flatMap(({ route }) => {
      if (!route || typeof route.path !== 'string') return [];
      const test = match(route.path, { decode: false });
      const methods = Object.keys(route.methods).filter((m) => route.methods[m] && m !== '_all').map((m) => m.toUpperCase());
      return [{ test: (p: string) => test(p) !== false, methods }];
    });
    return this.routes;
  }
}
