import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AuthType, ContentType, HttpMethod, WebhookStatus } from '@hookline/db';
import { TRIGGER_TYPES } from '@hookline/events';
import { AUTH_TYPES, CONTENT_TYPES, DataTriggerDto, HeaderDto, METHODS, WEBHOOK_STATUSES } from './webhook.dto';

/** What the API answers about webhooks: write-only secrets never appear (webhook.mapper.ts). */

export const CIRCUIT_STATES = ['CLOSED', 'OPEN', 'HALF_OPEN'] as const;

/** The webhook's circuit breaker (issue #11), shared by every worker. */
export class CircuitViewDto {
  @ApiProperty({ enum: CIRCUIT_STATES, description: 'CLOSED: attempts go out. OPEN: held back until openUntil, unsent and uncounted. HALF_OPEN: one probe attempt decides' })
  state: (typeof CIRCUIT_STATES)[number];
  @ApiProperty({ nullable: true, type: Number, description: 'ms since epoch: when the pause ends (the probe may go); null when CLOSED' })
  openUntil: number | null;
  @ApiProperty({ description: 'Timeouts and connection failures in a row, since the endpoint last answered' })
  consecutiveUnreachable: number;
}

export class OAuth2ViewDto {
  @ApiProperty() tokenUrl: string;
  @ApiProperty() clientId: string;
  @ApiProperty({ nullable: true, type: String }) scope: string | null;
  @ApiProperty({ nullable: true, type: String }) audience: string | null;
}

export class BasicAuthViewDto {
  @ApiProperty() username: string;
}

export class WebhookDto {
  @ApiProperty() id: number;
  @ApiProperty() organizationId: number;
  @ApiProperty() name: string;
  @ApiProperty({ enum: TRIGGER_TYPES }) triggerType: string;
  @ApiProperty({ type: DataTriggerDto, nullable: true }) dataTrigger: Record<string, unknown> | null;
  @ApiProperty() url: string;
  @ApiProperty({ enum: METHODS }) method: HttpMethod;
  @ApiProperty({ enum: CONTENT_TYPES }) contentType: ContentType;
  @ApiProperty({ enum: AUTH_TYPES }) authType: AuthType;
  @ApiProperty({ type: OAuth2ViewDto, nullable: true, description: 'Without clientSecret' }) oauth2: OAuth2ViewDto | null;
  @ApiProperty({ type: BasicAuthViewDto, nullable: true, description: 'Without password' }) basicAuth: BasicAuthViewDto | null;
  @ApiProperty({ type: [HeaderDto] }) headers: HeaderDto[];
  @ApiProperty({ nullable: true, type: String }) bodyTemplate: string | null;
  @ApiProperty({ type: [Number] }) failureNotifyUserIds: number[];
  @ApiProperty() failureLimit: number;
  @ApiProperty({ nullable: true, type: Number }) maxConcurrency: number | null;
  @ApiProperty({ nullable: true, type: Number }) rateLimitPerMinute: number | null;
  @ApiProperty({ type: CircuitViewDto, readOnly: true }) circuit: CircuitViewDto;
  @ApiProperty({ enum: WEBHOOK_STATUSES }) status: WebhookStatus;
  @ApiProperty({ readOnly: true }) consecutiveFailures: number;
  @ApiProperty({ readOnly: true }) totalAttempts: number;
  @ApiProperty({ description: 'ms since epoch' }) createdAt: number;
  @ApiProperty({ description: 'ms since epoch' }) updatedAt: number;
  @ApiProperty({ nullable: true, type: Number, description: 'ms since epoch; null until the first attempt' }) lastTriggeredAt: number | null;
  @ApiPropertyOptional({ example: 'whsec_…', description: 'Only in the response to create (and rotate-secret)' }) signingSecret?: string;
}

/** One attempt as the delivery log shows it (SPEC §5.7). */
export class AttemptDto {
  @ApiProperty({ description: 'ms since epoch' }) startedAt: number;
  @ApiProperty() requestMethod: string;
  @ApiProperty() requestUrl: string;
  @ApiProperty({ nullable: true, type: Number }) responseStatus: number | null;
  @ApiProperty() durationMs: number;
  @ApiProperty({ nullable: true, type: String, description: 'Up to 16 KiB of the response body' }) responseBody: string | null;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
}

export class TestAttemptDto extends AttemptDto {
  @ApiProperty({ enum: ['SUCCEEDED', 'FAILED'] }) status: 'SUCCEEDED' | 'FAILED';
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The sample event that was sent' }) event: Record<string, unknown>;
}

export class RotatedSecretDto {
  @ApiProperty({ example: 'whsec_…', description: 'Shown once' }) signingSecret: string;
  @ApiProperty({ description: 'ms since epoch: until then the previous secret signs too' }) previousSecretExpiresAt: number;
}
