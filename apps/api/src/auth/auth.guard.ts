import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Forbidden, Unauthorized } from '@hookline/common';
import { AuthedRequest, IS_PUBLIC, REQUIRED_PERMISSION } from './principal';
import { ClientsRepository, Permission } from '@hookline/db';
import { TokenService } from './token.service';

/**
 * Bearer authentication for every route not marked @Public (SPEC §2): a valid,
 * unexpired token of a client that is not revoked, then the route's permission.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly clients: ClientsRepository,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new Unauthorized('Missing bearer token');
    const claims = this.tokens.verify(match[1]);
    if (!claims) throw new Unauthorized('Invalid or expired token');

    // The one stateful check: revocation must take effect at once on every instance.
    const client = await this.clients.byId(claims.sub);
    if (!client || client.revokedAt || client.organizationId !== claims.org) throw new Unauthorized('Invalid or expired token');

    req.principal = { clientId: claims.sub, organizationId: claims.org, permissions: claims.perms };
    const needed = this.reflector.getAllAndOverride<Permission | undefined>(REQUIRED_PERMISSION, [ctx.getHandler(), ctx.getClass()]);
    if (needed && !claims.perms.includes(needed)) throw new Forbidden(`Missing permission ${needed}`);
    return true;
  }
}
