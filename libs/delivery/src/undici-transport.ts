import type { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { Readable, pipeline } from 'node:stream';
import zlib from 'node:zlib';
import { Agent, Dispatcher } from 'undici';
import { guardedLookup } from './guarded-agent';
import { TargetPolicy } from './target-policy';

/**
 * Keep-alive connections per origin (`connections` at most), every new one
 * through the guarded lookup: the target policy is checked on the resolved
 * address at connect time and the socket is pinned to the address checked.
 * Connecting may take the whole request deadline; the caller's signal ends it.
 */
export function createGuardedDispatcher(policy: TargetPolicy, connections: number, connectTimeoutMs: number): Agent {
  return new Agent({ connections, keepAliveTimeout: 10_000, connect: { lookup: guardedLookup(policy), timeout: connectTimeoutMs } });
}

const DECODERS: Record<string, () => NodeJS.ReadWriteStream> = {
  gzip: () => zlib.createGunzip(),
  'x-gzip': () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress(),
};

/**
 * axios' transport on undici (axios keeps the API, undici does the wire: a
 * fraction of the CPU of Node's http module under axios' own adapter). Sends
 * the request as given: no redirects followed, no proxy, no body transform.
 * Answers every status (no `validateStatus`), with the body as a stream,
 * decoded if the receiver compressed it, for the caller to read as far as it
 * wants. Errors are undici's and the socket's, as they come (ECONNREFUSED,
 * the lookup's TargetRefusedError, an abort by the signal).
 */
export function undiciAdapter(dispatcher: Dispatcher): AxiosAdapter {
  return async (config: InternalAxiosRequestConfig): Promise<AxiosResponse<Readable>> => {
    const url = new URL(config.url!);
    const res = await dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: (config.method ?? 'get').toUpperCase() as Dispatcher.HttpMethod,
      headers: config.headers.toJSON(true) as Record<string, string>,
      body: config.data as string | undefined,
      signal: config.signal as AbortSignal | undefined,
      // The caller's deadline covers the whole exchange.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    const encoding = String(res.headers['content-encoding'] ?? '').trim().toLowerCase();
    const decode = DECODERS[encoding];
    // pipeline: a reader that stops early destroys the source too, so the connection is not left half read.
    const data = decode ? (pipeline(res.body, decode(), () => undefined) as unknown as Readable) : res.body;
    return { status: res.statusCode, statusText: '', headers: res.headers as AxiosResponse['headers'], data, config, request: undefined };
  };
}
