import { Injectable, Logger } from '@nestjs/common';
import { OAuthError, secretMatches } from '@hookline/common';
import { ClientsRepository, Permission } from '@hookline/db';
import { TokenService } from './token.service';

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly clients: ClientsRepository,
    private readonly tokens: TokenService,
  ) {}

  async issueToken(clientId: string, clientSecret: string, scope: string | undefined) {
    const client = await this.clients.byId(clientId);
    // Logged by the caller, which knows whether the attempt is one of a flood (TokenThrottle).
    if (!client || client.revokedAt || !secretMatches(clientSecret, client.secretHash)) throw new OAuthError(401, 'invalid_client', 'Client authentication failed');
    let permissions = client.permissions;
    if (scope !== undefined && scope.trim() !== '') {
      const requested = [...new Set(scope.trim().split(/\s+/))];
      const unknown = requested.filter((s) => !client.permissions.includes(s as Permission));
      if (unknown.length) throw new OAuthError(400, 'invalid_scope', `Scope not granted to this client: ${unknown.join(' ')}`);
      permissions = requested as Permission[];
    }
    const accessToken = this.tokens.issue(client.id, client.organizationId, permissions);
    this.logger.log({ msg: 'token issued', clientId: client.id, organizationId: client.organizationId });
    return { access_token: accessToken, token_type: 'Bearer', expires_in: this.tokens.ttlSeconds, scope: permissions.join(' ') };
  }
}
