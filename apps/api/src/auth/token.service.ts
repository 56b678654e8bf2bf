import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@hookline/config';
import { Permission } from '@hookline/db';

export interface TokenClaims {
  sub: string; // client id
  org: number;
  perms: Permission[];
  iat: number;
  exp: number;
  jti: string;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/**
 * Stateless bearer tokens (JWT, HS256 with HOOKLINE_TOKEN_SECRET): valid on every
 * API instance and across restarts. Revocation is checked per request against
 * the client row, so a revoked client's tokens stop at once.
 */
@Injectable()
export class TokenService {
  private readonly secret: Buffer;
  readonly ttlSeconds: number;

  constructor(config: ConfigService) {
    this.secret = config.get('tokenSecret');
    this.ttlSeconds = config.get('tokenTtlSeconds');
  }

  /** `ttlSeconds`: the client tokens' setting unless a portal link asks for its own. */
  issue(clientId: string, organizationId: number, permissions: Permission[], now = Date.now(), ttlSeconds = this.ttlSeconds): string {
    const iat = Math.floor(now / 1000);
    const claims: TokenClaims = { sub: clientId, org: organizationId, perms: permissions, iat, exp: iat + ttlSeconds, jti: randomUUID() };
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${HEADER}.${payload}.${this.sign(`${HEADER}.${payload}`)}`;
  }

  /** The claims of a valid, unexpired token, or null. */
  verify(token: string, now = Date.now()): TokenClaims | null {
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== HEADER) return null;
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return null;
    }
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now) return null;
    if (typeof claims.sub !== 'string' || !Number.isInteger(claims.org) || !Array.isArray(claims.perms)) return null;
    return claims;
  }

  private sign(input: string): string {
    return createHmac('sha256', this.secret).update(input).digest('base64url');
  }
}
