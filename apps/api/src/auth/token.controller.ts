import { Body, Controller, Headers, HttpCode, Ip, Logger, Post, Res } from '@nestjs/common';
import { textProblem } from '../common/input-problems';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { OAuthError } from '@hookline/common';
import { AuthService } from './auth.service';
import { TokenThrottle } from './token-throttle';
import { Public } from './principal';

class TokenRequestDto {
  @ApiProperty({ example: 'client_credentials' }) grant_type: string;
  @ApiProperty({ required: false, description: 'With client_secret, instead of HTTP Basic' }) client_id?: string;
  @ApiProperty({ required: false }) client_secret?: string;
  @ApiProperty({ required: false, description: 'Space-separated subset of the client permissions' }) scope?: string;
}

class TokenResponseDto {
  @ApiProperty() access_token: string;
  @ApiProperty({ example: 'Bearer' }) token_type: string;
  @ApiProperty({ example: 3600 }) expires_in: number;
  @ApiProperty({ example: 'WEBHOOKS_READ WEBHOOKS_WRITE' }) scope: string;
}

class OAuthErrorDto {
  @ApiProperty({ enum: ['invalid_request', 'invalid_client', 'unsupported_grant_type', 'invalid_scope'] }) error: string;
  @ApiProperty() error_description: string;
}

@ApiTags('auth')
@Controller('oauth2')
export class TokenController {
  private readonly logger = new Logger('TokenController');

  constructor(
    private readonly auth: AuthService,
    private readonly throttle: TokenThrottle,
  ) {}

  /** OAuth2 client-credentials grant (RFC 6749 §4.4). */
  @Public()
  @Post('token')
  @HttpCode(200)
  @ApiOperation({ summary: 'Issue an access token (client credentials, HTTP Basic or form fields)' })
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({ type: TokenRequestDto })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiResponse({ status: 400, type: OAuthErrorDto, description: 'invalid_request, unsupported_grant_type, invalid_scope' })
  @ApiResponse({ status: 401, type: OAuthErrorDto, description: 'invalid_client' })
  @ApiResponse({ status: 429, description: 'Too many requests' })
  async token(@Body() body: unknown, @Headers('authorization') authorization: string | undefined, @Ip() ip: string, @Res({ passthrough: true }) res: Response) {
    const { clientId, clientSecret, scope } = tokenRequest(body, authorization);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    await this.throttle.check(clientId, ip);
    try {
      const token = await this.auth.issueToken(clientId, clientSecret, scope);
      await this.throttle.succeeded(clientId, ip);
      return token;
    } catch (err) {
      if (err instanceof OAuthError && err.error === 'invalid_client' && (await this.throttle.failed(clientId, ip))) {
        this.logger.warn({ msg: 'token refused', clientId: clientId.slice(0, 64), address: ip });
      }
      throw err;
    }
  }
}

/** The grant's fields, from the form (or JSON) and HTTP Basic; each problem an RFC 6749 error. */
function tokenRequest(body: unknown, authorization: string | undefined): { clientId: string; clientSecret: string; scope: string | undefined } {
  const form = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const field = (name: string): string | undefined => {
    const v = form[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new OAuthError(400, 'invalid_request', `${name} must be a string`);
    return v;
  };
  const grantType = field('grant_type');
  if (!grantType) throw new OAuthError(400, 'invalid_request', 'grant_type is required');
  if (grantType !== 'client_credentials') throw new OAuthError(400, 'unsupported_grant_type', 'Only client_credentials is supported');

  const basic = parseBasic(authorization);
  const formId = field('client_id');
  const formSecret = field('client_secret');
  if (basic && (formId !== undefined || formSecret !== undefined)) {
    // RFC 6749 §2.3: a client must not use more than one authentication method.
    throw new OAuthError(400, 'invalid_request', 'Use either HTTP Basic or client_id/client_secret, not both');
  }
  const clientId = basic?.id ?? formId;
  const clientSecret = basic?.secret ?? formSecret;
  if (!clientId || !clientSecret) throw new OAuthError(401, 'invalid_client', 'Client authentication failed');
  for (const [name, value] of [['client_id', clientId], ['client_secret', clientSecret], ['scope', field('scope')]] as const) {
    const problem = value === undefined ? null : textProblem(value);
    if (problem) throw new OAuthError(400, 'invalid_request', `${name} ${problem}`);
  }
  return { clientId, clientSecret, scope: field('scope') };
}

function parseBasic(header: string | undefined): { id: string; secret: string } | null {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) throw new OAuthError(401, 'invalid_client', 'Malformed Basic credentials');
  // RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding.
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return { id: dec(decoded.slice(0, i)), secret: dec(decoded.slice(i + 1)) };
}
