import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission, TargetOrg } from '../auth/principal';
import { ApiErrors } from '../common/api-errors.decorator';
import { OrgQueryDto } from '../common/pagination.dto';
import { IngestService, MAX_BATCH } from './ingest.service';

@ApiTags('events')
@Controller('api/v1/organization/events')
export class EventsController {
  constructor(private readonly ingest: IngestService) {}

  @Post()
  @HttpCode(202)
  @RequirePermission('EVENTS_PUBLISH')
  @ApiOperation({
    summary: `Publish one event, or {events: [...]} (≤ ${MAX_BATCH}); answered once the events and their deliveries are committed`,
    description: 'event_type must be in the catalog; documented fields are validated; event_id (UUID) is the idempotency key per organization.',
  })
  @ApiBody({
    schema: {
      oneOf: [
        { type: 'object', required: ['event_type'], properties: { event_type: { type: 'string', example: 'device.low_battery' }, event_id: { type: 'string', format: 'uuid' }, occurred_at: { type: 'string', format: 'date-time' } }, additionalProperties: true },
        { type: 'object', required: ['events'], properties: { events: { type: 'array', maxItems: MAX_BATCH, items: { type: 'object' } } } },
      ],
    },
  })
  @ApiAcceptedResponse({
    schema: {
      oneOf: [
        { type: 'object', properties: { eventId: { type: 'string', format: 'uuid' }, matchedWebhooks: { type: 'integer' } } },
        { type: 'object', properties: { events: { type: 'array', items: { type: 'object', properties: { eventId: { type: 'string' }, matchedWebhooks: { type: 'integer' } } } } } },
      ],
    },
  })
  @ApiErrors(400, 413)
  async publish(@TargetOrg() orgId: number, @Query() _q: OrgQueryDto, @Body() body: unknown) {
    const { batch, events } = this.ingest.parse(body);
    const results = await this.ingest.ingest(orgId, events);
    return batch ? { events: results } : results[0];
  }
}
