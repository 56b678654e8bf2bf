import http from 'node:http';
import { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

/**
 * A real OAuth2 client-credentials token endpoint (RFC 6749 §4.4) and a
 * resource that accepts only its live tokens. Counts token requests; tokens
 * can be revoked to force the 401 path.
 */
export class OAuthServer {
  tokenRequests = 0;
  readonly issued = new Set<string>();
  readonly revoked = new Set<string>();
  readonly bodies: string[] = [];
  expiresIn = 3600;
  /** Delay of each token answer, to make concurrent misses overlap. */
  tokenDelayMs = 0;
  /** Delay of each resource answer. */
  resourceDelayMs = 0;
  /** Resource requests still to refuse with 401 whatever their token (a token the target stopped accepting). */
  refuseNext = 0;
  readonly resourceRequests: { authorization?: string; body: string }[] = [];
  private server: http.Server;
  port = 0;

  constructor(
    readonly clientId: string,
    readonly clientSecret: string,
  ) {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        if (req.url === '/oauth/token') return this.token(req, res, body);
        const auth = req.headers.authorization;
        this.resourceRequests.push({ authorization: auth, body });
        const token = auth?.startsWith('Bearer ') ? auth.slice(7) : '';
        const refused = this.refuseNext > 0 && this.refuseNext--;
        const ok = this.issued.has(token) && !this.revoked.has(token) && !refused;
        if (refused) this.revoked.add(token);
        const answer = () => res.writeHead(ok ? 200 : 401, { 'Content-Type': 'application/json' }).end(ok ? '{"ok":true}' : '{"error":"invalid_token"}');
        if (this.resourceDelayMs) setTimeout(answer, this.resourceDelayMs);
        else answer();
      });
    });
  }

  private token(req: http.IncomingMessage, res: http.ServerResponse, body: string) {
    this.tokenRequests++;
    this.bodies.push(body);
    const [id, secret] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString().split(':');
    const params = new URLSearchParams(body);
    const answer = () => {
      if (params.get('grant_type') !== 'client_credentials') return res.writeHead(400, { 'Content-Type': 'application/json' }).end('{"error":"unsupported_grant_type"}');
      if (decodeURIComponent(id ?? '') !== this.clientId || decodeURIComponent(secret ?? '') !== this.clientSecret) {
        return res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error":"invalid_client"}');
      }
      const token = randomBytes(16).toString('hex');
      this.issued.add(token);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: this.expiresIn }));
    };
    if (this.tokenDelayMs) setTimeout(answer, this.tokenDelayMs);
    else answer();
  }

  revokeAll() {
    for (const t of this.issued) this.revoked.add(t);
  }

  static async start(clientId = 'hook-client', clientSecret = 'hook-secret'): Promise<OAuthServer> {
    const s = new OAuthServer(clientId, clientSecret);
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    s.port = (s.server.address() as AddressInfo).port;
    return s;
  }

  get tokenUrl() {
    return `http://127.0.0.1:${this.port}/oauth/token`;
  }

  resourceUrl(path = '/resource') {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
