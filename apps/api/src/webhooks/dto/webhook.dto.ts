import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  ValidationArguments,
} from 'class-validator';
import { TRIGGER_TYPES } from '@hookline/events';
import { AuthType, ContentType, HttpMethod, WebhookStatus } from '@hookline/db';
import { OrgQueryDto, PageQueryDto } from '../../common/pagination.dto';

export const METHODS = Object.values(HttpMethod);
export const CONTENT_TYPES = Object.values(ContentType);
export const AUTH_TYPES = Object.values(AuthType);
export const WEBHOOK_STATUSES = Object.values(WebhookStatus);
const UNKNOWN_TRIGGER = (a: ValidationArguments) =>
  `triggerType ${JSON.stringify(a.value)} is not a trigger type; GET /api/v1/event-types lists them (e.g. DEVICE_LOW_BATTERY)`;

export { BasicAuthDto, DataTriggerDto, HeaderDto, OAuth2ConfigDto } from './webhook-parts.dto';
import { BasicAuthDto, DataTriggerDto, HeaderDto, OAuth2ConfigDto } from './webhook-parts.dto';

export class CreateWebhookDto {
  @ApiProperty({ minLength: 1, maxLength: 80, example: 'Device Status Notification' })
  @IsString()
  @Length(1, 80)
  name: string;

  @ApiProperty({ enum: TRIGGER_TYPES, example: 'DEVICE_ADDED' })
  @IsString()
  @IsIn(TRIGGER_TYPES as string[], { message: UNKNOWN_TRIGGER })
  triggerType: string;

  @ApiPropertyOptional({ type: DataTriggerDto, nullable: true, description: 'Required for DEVICE_DATASTREAM_UPDATE and DEVICE_LOG_EVENT, rejected otherwise' })
  @IsOptional()
  @IsObject()
  dataTrigger?: Record<string, unknown> | null;

  @ApiProperty({ maxLength: 1024, example: 'https://example.com/webhook/{device_id}', description: 'Template; absolute http/https' })
  @IsString()
  @Length(1, 1024)
  url: string;

  @ApiPropertyOptional({ enum: METHODS, default: 'POST' })
  @IsOptional()
  @IsIn(METHODS)
  method?: HttpMethod;

  @ApiPropertyOptional({ enum: CONTENT_TYPES, default: 'JSON' })
  @IsOptional()
  @IsIn(CONTENT_TYPES)
  contentType?: ContentType;

  @ApiPropertyOptional({ enum: AUTH_TYPES, default: 'NONE' })
  @IsOptional()
  @IsIn(AUTH_TYPES)
  authType?: AuthType;

  @ApiPropertyOptional({ type: OAuth2ConfigDto, nullable: true, description: 'Required iff authType is OAUTH2' })
  @IsOptional()
  @ValidateNested()
  @Type(() => OAuth2ConfigDto)
  oauth2?: OAuth2ConfigDto | null;

  @ApiPropertyOptional({ type: BasicAuthDto, nullable: true, description: 'Required iff authType is BASIC' })
  @IsOptional()
  @ValidateNested()
  @Type(() => BasicAuthDto)
  basicAuth?: BasicAuthDto | null;

  @ApiPropertyOptional({ type: [HeaderDto], maxItems: 20 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => HeaderDto)
  headers?: HeaderDto[];

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 16384, example: '{"device_id": "{device_id}"}', description: 'Template; without it the event JSON is sent' })
  @IsOptional()
  @IsString()
  bodyTemplate?: string | null;

  @ApiPropertyOptional({ type: 'integer', isArray: true, description: 'Users of the same organization told when the system disables the webhook' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsInt({ each: true })
  failureNotifyUserIds?: number[];

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, default: 10 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  failureLimit?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 1000,
    nullable: true,
    description: "Requests this webhook may have in flight per worker; null (default): the operator's HOOKLINE_WEBHOOK_MAX_CONCURRENCY, which also caps it",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  maxConcurrency?: number | null;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 60000,
    nullable: true,
    description: 'Requests per minute across all workers; attempts over it wait for their turn (paced, never dropped). null (default): no limit',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(60000)
  rateLimitPerMinute?: number | null;

  @ApiPropertyOptional({ enum: WEBHOOK_STATUSES, default: 'ENABLED', description: 'DISABLED_DUE_TO_ERRORS is set only by the system and ignored here' })
  @IsOptional()
  @IsIn(WEBHOOK_STATUSES)
  status?: WebhookStatus;
}

/** Partial update: omitted fields keep their value. */
export class UpdateWebhookDto extends PartialType(CreateWebhookDto) {}

export class ListWebhooksQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: WEBHOOK_STATUSES })
  @IsOptional()
  @IsIn(WEBHOOK_STATUSES)
  status?: WebhookStatus;

  @ApiPropertyOptional({ enum: TRIGGER_TYPES })
  @IsOptional()
  @IsIn(TRIGGER_TYPES as string[], { message: UNKNOWN_TRIGGER })
  triggerType?: string;
}

export { OrgQueryDto };
