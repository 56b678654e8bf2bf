import { Axios } from 'axios';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { TargetRefusedError, assertLiteralAllowed } from './guarded-agent';
import { TargetPolicy } from './target-policy';
import { FailureKind } from './outcome';
import { SharedDeadlines } from './shared-deadlines';
import { undiciAdapter } from './undici-transport';

export const RESPONSE_EXCERPT_BYTES = 16 * 1024;
const MAX_REMEMBERED_HOSTS = 10_000;

export interface OutgoingRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /** At most RESPONSE_EXCERPT_BYTES of the body, as text. */
  bodyExcerpt: string;
}

/** A request that got no HTTP response. */
export class RequestFailedError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'RequestFailedError';
  }
}

/**
 * The outbound HTTP client: axios as the API, undici as the transport
 * (`undiciAdapter` over a guarded keep-alive dispatcher); no redirects, no
 * proxies from the environment, one deadline for the whole exchange, and never
 * more than 16 KiB of a response read into memory. One prepared instance with
 * nothing to transform, built on axios' `Axios` class rather than
 * `axios.create`, so it carries only the adapter: each request's config merge
 * walks that one key instead of all of axios' global defaults (in-process, 64
 * in flight, client and server CPU per request: 0.107–0.111 ms against
 * 0.127–0.148 ms with `axios.create`; listing empty transforms, headers and a
 * response type as well cost another 5–7 %; undici alone 0.062–0.089).
 */
export class HttpClient {
  private readonly axios: Axios;
  private readonly deadlines: SharedDeadlines;
  private readonly hostVerdicts = new Map<string, string | null>();

  constructor(
    private readonly policy: TargetPolicy,
    dispatcher: Dispatcher,
    private readonly timeoutMs: number,
  ) {
    this.deadlines = new SharedDeadlines(timeoutMs);
    // Bodies are strings we rendered and the adapter answers with a stream: an `Axios` without transforms has none to run.
    this.axios = new Axios({ adapter: undiciAdapter(dispatcher) });
  }

  /**
   * Why the policy refuses the URL's host as written (a literal address or a
   * local name), or null; remembered per host, the policy being fixed for the
   * process (parsing each request's host with ipaddr.js was 2 % of the worker's
   * CPU). Names are checked again on the address they resolve to, at connect time.
   */
  private refusal(url: URL): string | null {
    let verdict = this.hostVerdicts.get(url.hostname);
    if (verdict !== undefined) return verdict;
    try {
      assertLiteralAllowed(this.policy, url);
      verdict = null;
    } catch (err) {
      verdict = (err as Error).message;
    }
    // Rendered URLs may carry any host: past this many, start again rather than grow.
    if (this.hostVerdicts.size >= MAX_REMEMBERED_HOSTS) this.hostVerdicts.clear();
    this.hostVerdicts.set(url.hostname, verdict);
    return verdict;
  }

  async send(req: OutgoingRequest): Promise<HttpResponse> {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      throw new RequestFailedError('render', `invalid URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RequestFailedError('render', `unsupported scheme ${url.protocol}`);
    const refused = this.refusal(url);
    if (refused) throw new RequestFailedError('refused', refused);

    // One deadline for the whole exchange: between the timeout and 10 ms more.
    const signal = this.deadlines.signal();
    try {
      const res = await this.axios.request<Readable>({
        method: req.method,
        url: url.toString(),
        headers: req.headers,
        data: req.body,
        signal,
      });
      const bodyExcerpt = await readExcerpt(res.data, RESPONSE_EXCERPT_BYTES);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers[k.toLowerCase()] = v;
      return { status: res.status, headers, bodyExcerpt };
    } catch (err) {
      if (signal.aborted) throw new RequestFailedError('timeout', `no complete response within ${this.timeoutMs} ms`);
      throw classify(err);
    }
  }
}

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function classify(err: unknown): RequestFailedError {
  const e = err as { code?: string; message?: string; cause?: unknown };
  if (err instanceof TargetRefusedError || (e.cause instanceof TargetRefusedError)) {
    return new RequestFailedError('refused', (err instanceof TargetRefusedError ? err : (e.cause as Error)).message);
  }
  if (e.code && TIMEOUT_CODES.has(e.code)) return new RequestFailedError('timeout', e.message ?? 'timeout');
  const code = e.code ? `${e.code}: ` : '';
  return new RequestFailedError('network', `${code}${e.message ?? String(err)}`.slice(0, 500));
}

/** Reads up to `limit` bytes, then stops the download (a 10 MB answer costs 16 KiB). */
async function readExcerpt(stream: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      const room = limit - size;
      chunks.push(room < buf.length ? buf.subarray(0, room) : buf);
      size += Math.min(room, buf.length);
      if (size >= limit) break;
    }
  } finally {
    if (!stream.readableEnded) stream.destroy();
  }
  return Buffer.concat(chunks).toString('utf8');
}
