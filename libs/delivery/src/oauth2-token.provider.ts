import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { ClientCredentials } from 'simple-oauth2';
import { SecretCipher } from '@hookline/common';
import { GuardedAgents, assertLiteralAllowed, createGuardedAgents } from './guarded-agent';
import { TargetPolicy } from './target-policy';

export interface OAuth2Credentials {
  webhookId: number;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope: string | null;
  audience: string | null;
}

/** The token endpoint failed: a failed (retryable) attempt, never a crash. */
export class TokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenError';
  }
}

interface CachedToken {
  token: string;
  /** When to stop using it: shortly before the real expiry. */
  refreshAt: number;
}

const RELEASE_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/**
 * OAuth2 client-credentials tokens for webhooks (SPEC §5.2), through
 * simple-oauth2. Cached per webhook and credentials in Redis (encrypted), so
 * every worker shares one token until shortly before it expires; concurrent
 * misses fetch once (in-process promise, plus a Redis lock across processes).
 */
export class OAuth2TokenProvider {
  private readonly local = new Map<string, CachedToken>();
  private readonly inflight = new Map<string, Promise<string>>();
  /**
   * simple-oauth2 deep-clones its http options, agents included, for every
   * client; a clone of an agent that already holds sockets is broken ("Illegal
   * invocation"). So these agents are never used directly, only cloned fresh,
   * and keep no connections alive.
   */
  private readonly agents: GuardedAgents;

  constructor(
    private readonly redis: Redis,
    private readonly cipher: SecretCipher,
    private readonly policy: TargetPolicy,
    private readonly timeoutMs: number,
  ) {
    this.agents = createGuardedAgents(policy, 16, false);
  }

  async getToken(creds: OAuth2Credentials): Promise<string> {
    const key = this.cacheKey(creds);
    const hit = this.local.get(key);
    if (hit && hit.refreshAt > Date.now()) return hit.token;
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.resolve(key, creds).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  /** Drops a token the target rejected (401), unless a newer one already replaced it. */
  async invalidate(creds: OAuth2Credentials, token: string): Promise<void> {
    const key = this.cacheKey(creds);
    if (this.local.get(key)?.token === token) this.local.delete(key);
    const shared = await this.readShared(key);
    if (shared?.token === token) await this.redis.del(key).catch(() => undefined);
  }

  private async resolve(key: string, creds: OAuth2Credentials): Promise<string> {
    const shared = await this.readShared(key);
    if (shared) return this.remember(key, shared);

    const lockKey = `${key}:lock`;
    const lockValue = randomBytes(8).toString('hex');
    const locked = await this.redis.set(lockKey, lockValue, 'PX', this.timeoutMs + 5000, 'NX').catch(() => 'OK');
    if (locked !== 'OK') {
      // Another worker is fetching: wait for its token rather than asking the endpoint again.
      const deadline = Date.now() + this.timeoutMs + 1000;
      while (Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 25));
        const fetched = await this.readShared(key);
        if (fetched) return this.remember(key, fetched);
      }
    }
    try {
      const fresh = await this.fetchToken(creds);
      const ttl = fresh.refreshAt - Date.now();
      if (ttl > 0) await this.redis.set(key, this.cipher.encrypt(JSON.stringify(fresh)), 'PX', ttl).catch(() => undefined);
      return this.remember(key, fresh);
    } finally {
      if (locked === 'OK') await this.redis.eval(RELEASE_LOCK, 1, lockKey, lockValue).catch(() => undefined);
    }
  }

  private async fetchToken(creds: OAuth2Credentials): Promise<CachedToken> {
    let url: URL;
    try {
      url = new URL(creds.tokenUrl);
      assertLiteralAllowed(this.policy, url);
    } catch (err) {
      throw new TokenError(`token endpoint refused: ${(err as Error).message}`);
    }
    const client = new ClientCredentials({
      client: { id: creds.clientId, secret: creds.clientSecret },
      auth: { tokenHost: url.origin, tokenPath: `${url.pathname}${url.search}` },
      options: { authorizationMethod: 'header' },
      http: { agents: { http: this.agents.http, https: this.agents.https, httpsAllowUnauthorized: this.agents.https }, timeout: this.timeoutMs, redirects: 0 } as never,
    });
    const params: Record<string, string> = {};
    if (creds.scope) params.scope = creds.scope;
    if (creds.audience) params.audience = creds.audience;
    try {
      const result = await client.getToken(params as never);
      const token = result.token.access_token as string | undefined;
      if (!token) throw new Error('response has no access_token');
      const expiresIn = Number(result.token.expires_in ?? 3600);
      // Refresh a minute early, or at 90 % of a short lifetime.
      const margin = Math.min(60, Math.max(1, expiresIn * 0.1)) * 1000;
      return { token, refreshAt: Date.now() + expiresIn * 1000 - margin };
    } catch (err) {
      const e = err as { output?: { statusCode?: number }; data?: { payload?: unknown }; message?: string };
      const status = e.output?.statusCode ? ` (HTTP ${e.output.statusCode})` : '';
      throw new TokenError(`token request to ${url.origin}${url.pathname} failed${status}: ${(e.message ?? String(err)).slice(0, 300)}`);
    }
  }

  private async readShared(key: string): Promise<CachedToken | null> {
    const raw = await this.redis.get(key).catch(() => null);
    if (!raw) return null;
    try {
      const parsed = JSON.parse(this.cipher.decrypt(raw)) as CachedToken;
      return parsed.refreshAt > Date.now() ? parsed : null;
    } catch {
      return null;
    }
  }

  private remember(key: string, token: CachedToken): string {
    this.local.set(key, token);
    return token.token;
  }

  /**
   * Per webhook and credentials: a changed secret or scope never reuses an old
   * token. Keyed (HMAC under the at-rest key): Redis never holds a plain hash
   * of a client secret, which could be checked against guesses.
   */
  private cacheKey(c: OAuth2Credentials): string {
    const digest = this.cipher.fingerprint([c.tokenUrl, c.clientId, c.clientSecret, c.scope ?? '', c.audience ?? ''].join('\u0000')).slice(0, 32);
    return `hookline:oauth2:${c.webhookId}:${digest}`;
  }
}
