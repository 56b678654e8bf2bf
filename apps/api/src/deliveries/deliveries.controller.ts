import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { DeliveryStatus, HeldReason } from '@hookline/db';
import { RequirePermission, TargetOrg } from '../auth/principal';
import { ApiErrors } from '../common/api-errors.decorator';
import { OrgQueryDto, PageQueryDto } from '../common/pagination.dto';
import { AttemptDto } from '../webhooks/dto/webhook-view.dto';
import { DeliveryIdParam, WebhookIdParam, parseDeliveryId, parseWebhookId } from '../common/path-params';
import { DeliveriesService } from './deliveries.service';

export const DELIVERY_STATUSES = Object.values(DeliveryStatus);
const HELD_REASONS = Object.values(HeldReason);

class ListDeliveriesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;
}

class NumberedAttemptDto extends AttemptDto {
  @ApiProperty() number: number;
}

class DeliveryDto {
  @ApiProperty() id: number;
  @ApiProperty() webhookId: number;
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty() eventType: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status: DeliveryStatus;
  @ApiProperty({ description: 'ms since epoch' }) createdAt: number;
  @ApiProperty({ nullable: true, type: Number, description: 'When the next attempt is due (PENDING only)' }) nextAttemptAt: number | null;
  @ApiProperty({
    enum: HELD_REASONS,
    nullable: true,
    description:
      'Why the next attempt is late (PENDING only), unsent and uncounted: CIRCUIT_OPEN (the endpoint timed out or refused connections; it waits for the pause and a probe), RATE_LIMITED (its turn under rateLimitPerMinute), CONCURRENCY_LIMIT (the webhook had its share of requests in flight). nextAttemptAt is then when it is tried',
  })
  heldBack: HeldReason | null;
  @ApiProperty({ type: [NumberedAttemptDto], description: 'Oldest first' }) attempts: NumberedAttemptDto[];
}

export class DeliveryPageDto {
  @ApiProperty({ type: [DeliveryDto] }) items: DeliveryDto[];
  @ApiProperty() page: number;
  @ApiProperty() size: number;
  @ApiProperty() total: number;
}

@ApiTags('deliveries')
@WebhookIdParam()
@Controller('api/v1/organization/webhooks/:id/deliveries')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get()
  @RequirePermission('WEBHOOKS_READ')
  @ApiOperation({ summary: 'The delivery log of a webhook, newest first, each with its attempts' })
  @ApiOkResponse({ type: DeliveryPageDto })
  @ApiErrors(400, 404)
  list(@TargetOrg() orgId: number, @Param('id') id: string, @Query() q: ListDeliveriesQueryDto) {
    return this.deliveries.list(orgId, parseWebhookId(id), q.page, q.size, q.status);
  }

  @Get(':deliveryId')
  @DeliveryIdParam()
  @RequirePermission('WEBHOOKS_READ')
  @ApiOperation({ summary: 'One delivery with every attempt' })
  @ApiOkResponse({ type: DeliveryDto })
  @ApiErrors(400, 404)
  get(@TargetOrg() orgId: number, @Param('id') id: string, @Param('deliveryId') deliveryId: string, @Query() _q: OrgQueryDto) {
    return this.deliveries.get(orgId, parseWebhookId(id), parseDeliveryId(deliveryId));
  }

  @Post(':deliveryId/redeliver')
  @DeliveryIdParam()
  @HttpCode(202)
  @RequirePermission('WEBHOOKS_WRITE')
  @ApiOperation({ summary: 'Deliver the same event again, as a new delivery' })
  @ApiAcceptedResponse({ type: DeliveryDto })
  @ApiErrors(400, 404, 409)
  redeliver(@TargetOrg() orgId: number, @Param('id') id: string, @Param('deliveryId') deliveryId: string, @Query() _q: OrgQueryDto) {
    return this.deliveries.redeliver(orgId, parseWebhookId(id), parseDeliveryId(deliveryId));
  }
}
