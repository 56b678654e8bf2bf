import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { NotFound } from '@hookline/common';
import { ApiErrors } from '../common/api-errors.decorator';
import { EventTypeDto, EventTypeListDto } from './event-type.dto';
import { EVENT_TYPE_VIEWS, findEventType } from './event-types.view';

/** The event catalog (SPEC §4), for any authenticated client: the same for every organization, so no permission is needed. */
@ApiTags('event types')
@Controller('api/v1/event-types')
export class EventTypesController {
  @Get()
  @ApiOperation({
    summary: 'Every trigger type a webhook can subscribe to',
    description: 'A published event `{"event_type": "device.low_battery", …}` triggers the webhooks whose triggerType is `DEVICE_LOW_BATTERY`: upper case, dots become underscores (the data events are the exception: DEVICE_DATASTREAM_UPDATE and DEVICE_LOG_EVENT).',
  })
  @ApiOkResponse({ type: EventTypeListDto })
  @ApiErrors()
  list(): EventTypeListDto {
    return { items: [...EVENT_TYPE_VIEWS] };
  }

  @Get(':name')
  @ApiOperation({ summary: 'One trigger type, by trigger type (DEVICE_LOW_BATTERY) or event type (device.low_battery)' })
  @ApiParam({ name: 'name', example: 'DEVICE_LOW_BATTERY' })
  @ApiOkResponse({ type: EventTypeDto })
  @ApiErrors(404)
  one(@Param('name') name: string): EventTypeDto {
    const found = findEventType(name);
    if (!found) throw new NotFound(`Unknown trigger type or event type "${name.slice(0, 100)}"`);
    return found;
  }
}
