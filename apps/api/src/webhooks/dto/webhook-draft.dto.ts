import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional } from 'class-validator';
import { CreateWebhookDto } from './webhook.dto';

/** A webhook as it would be created, not stored: what the console's editor previews and test-sends (issue #14). */
export class WebhookDraftDto extends CreateWebhookDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'The event to render with, checked like a published one (its event_type must be the trigger\'s); default: a sample event of the trigger with every field',
  })
  @IsOptional()
  @IsObject()
  event?: Record<string, unknown>;
}

export class RenderedRequestDto {
  @ApiProperty({ example: 'POST' }) method: string;
  @ApiProperty({ example: 'https://example.com/hooks/6f1c1a52-3b0e-4c7d-9a51-2f7a4f8b9c01' }) url: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Lower-case names. Values known only when sending (signature, timestamp, OAuth2 token, Basic credentials) are described in angle brackets',
  })
  headers: Record<string, string>;
  @ApiProperty({ type: String, nullable: true, description: 'null for GET and DELETE' }) body: string | null;
}

export class WebhookPreviewDto {
  @ApiProperty({ type: RenderedRequestDto }) request: RenderedRequestDto;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The event it was rendered with' }) event: Record<string, unknown>;
}

export class DraftTestDto {
  @ApiProperty({ enum: ['SUCCEEDED', 'FAILED'] }) status: 'SUCCEEDED' | 'FAILED';
  @ApiProperty({ type: RenderedRequestDto, description: 'What was sent (auth and signature values hidden)' }) request: RenderedRequestDto;
  @ApiProperty({ nullable: true, type: Number }) responseStatus: number | null;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: { type: 'string' }, description: "The receiver's answer headers; null without an answer" })
  responseHeaders: Record<string, string> | null;
  @ApiProperty({ nullable: true, type: String, description: 'Up to 16 KiB of the response body' }) responseBody: string | null;
  @ApiProperty() durationMs: number;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
  @ApiProperty({ description: 'The one-off secret this test was signed with (a saved webhook gets its own)', example: 'whsec_…' }) signingSecret: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) event: Record<string, unknown>;
}
