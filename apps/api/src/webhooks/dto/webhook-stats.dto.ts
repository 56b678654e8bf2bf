import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { OrgQueryDto } from '../../common/pagination.dto';

export class WebhookStatsQueryDto extends OrgQueryDto {
  @ApiPropertyOptional({ type: 'integer', default: 24, minimum: 1, maximum: 168, description: 'The window: this many hours up to now' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(168)
  hours = 24;
}

export class AttemptMinuteDto {
  @ApiProperty({ description: 'ms since epoch: the start of the minute' }) minute: number;
  @ApiProperty({ type: 'integer', description: 'Attempts started in this minute (one per delivery try; test sends are not in the log)' }) attempts: number;
  @ApiProperty({ type: 'integer', description: 'Of them, answered 2xx' }) succeeded: number;
  @ApiProperty({ description: 'succeeded / attempts' }) successRate: number;
  @ApiProperty({ description: 'Attempt duration, median, ms' }) p50Ms: number;
  @ApiProperty({ description: 'Attempt duration, 95th percentile, ms' }) p95Ms: number;
}

export class WebhookStatsDto {
  @ApiProperty({ type: 'integer' }) webhookId: number;
  @ApiProperty({ description: 'ms since epoch: the window start' }) from: number;
  @ApiProperty({ description: 'ms since epoch: now' }) to: number;
  @ApiProperty({ type: 'integer' }) attempts: number;
  @ApiProperty({ type: 'integer' }) succeeded: number;
  @ApiProperty({ type: Number, nullable: true, description: 'null without attempts' }) successRate: number | null;
  @ApiProperty({ type: Number, nullable: true }) p50Ms: number | null;
  @ApiProperty({ type: Number, nullable: true }) p95Ms: number | null;
  @ApiProperty({ type: [AttemptMinuteDto], description: 'Minutes with at least one attempt, oldest first (minutes without are left out)' })
  minutes: AttemptMinuteDto[];
}
