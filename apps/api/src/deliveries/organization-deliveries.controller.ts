import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { DeliveryStatus } from '@hookline/db';
import { RequirePermission, TargetOrg } from '../auth/principal';
import { ApiErrors } from '../common/api-errors.decorator';
import { PageQueryDto } from '../common/pagination.dto';
import { DELIVERY_STATUSES, DeliveryPageDto } from './deliveries.controller';
import { DeliveriesService } from './deliveries.service';

/** ms since epoch, as every time in this API. */
const MS = { type: 'integer', minimum: 0, maximum: 8_640_000_000_000_000 } as const;

class SearchDeliveriesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', description: 'One webhook of the organization' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  webhookId?: number;

  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;

  @ApiPropertyOptional({ example: 'device.low_battery' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  eventType?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "The event's event_id: its deliveries to every webhook" })
  @IsOptional()
  @IsUUID('all')
  eventId?: string;

  @ApiPropertyOptional({ ...MS, description: 'Created at or after (ms since epoch)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(MS.minimum)
  @Max(MS.maximum)
  from?: number;

  @ApiPropertyOptional({ ...MS, description: 'Created before (ms since epoch)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(MS.minimum)
  @Max(MS.maximum)
  to?: number;
}

/** The delivery log across the organization's webhooks (issue #14.5). */
@ApiTags('deliveries')
@Controller('api/v1/organization/deliveries')
export class OrganizationDeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get()
  @RequirePermission('WEBHOOKS_READ')
  @ApiOperation({ summary: "The organization's deliveries, newest first, each with its attempts; narrowed by webhook, status, event type, event id and time" })
  @ApiOkResponse({ type: DeliveryPageDto })
  @ApiErrors(400)
  search(@TargetOrg() orgId: number, @Query() q: SearchDeliveriesQueryDto) {
    const { page, size, orgId: _org, from, to, ...filter } = q;
    return this.deliveries.search(orgId, { ...filter, eventId: filter.eventId?.toLowerCase(), from: from === undefined ? undefined : new Date(from), to: to === undefined ? undefined : new Date(to) }, page, size);
  }
}
