import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@hookline/config';
import { hashSecret, newPortalClientId } from '@hookline/common';
import { ClientsRepository, Permission } from '@hookline/db';
import { TokenService } from '../auth/token.service';
import { assertGrantable } from '../organizations/organizations.service';
import { PORTAL_TTL, PortalLinkDto } from './portal-link.dto';

/**
 * Portal links (issue #14.2): what a platform embeds for its own customer. Each
 * link is an API client of the organization with no usable secret (its hash is
 * of random bytes nobody keeps), so it gets exactly one token, here, and the
 * client rules apply to it as they are: revocation checked on every request,
 * expiry in the token, scope limited to the organization's subtree.
 */
@Injectable()
export class PortalLinksService {
  private readonly logger = new Logger(PortalLinksService.name);

  constructor(
    private readonly clients: ClientsRepository,
    private readonly tokens: TokenService,
    private readonly config: ConfigService,
  ) {}

  async create(organizationId: number, permissions: Permission[], ttlSeconds: number | undefined, granter: Permission[]): Promise<PortalLinkDto> {
    assertGrantable(permissions, granter);
    const ttl = ttlSeconds ?? PORTAL_TTL.default;
    const now = Date.now();
    // The token's exp: whole seconds from its iat.
    const expiresAt = (Math.floor(now / 1000) + ttl) * 1000;
    const client = await this.clients.create({
      id: newPortalClientId(),
      organizationId,
      name: `portal link, until ${new Date(expiresAt).toISOString()}`,
      permissions,
      secretHash: hashSecret(randomBytes(32).toString('base64url')),
    });
    const token = this.tokens.issue(client.id, organizationId, permissions, now, ttl);
    // The id and scope only: the token is in the answer and nowhere else.
    this.logger.log({ msg: 'portal link created', organizationId, clientId: client.id, permissions, ttlSeconds: ttl });
    return { url: `${this.config.get('publicUrl') ?? ''}/console/#token=${token}`, clientId: client.id, organizationId, permissions, expiresAt };
  }
}
