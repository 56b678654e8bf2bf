import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The catalog as the API shows it (GET /api/v1/event-types): what a webhook can subscribe to, and what its templates may read. */

const FIELD_TYPES = ['uuid', 'string', 'iso8601', 'object', 'array', 'number', 'enum', 'integer', 'scalar'];

export class EventFieldDto {
  @ApiProperty({ example: 'battery_level' }) name: string;
  @ApiProperty({ enum: FIELD_TYPES, description: 'scalar: a number, string or boolean' }) type: string;
  @ApiProperty() description: string;
  @ApiProperty({ description: 'Ingestion rejects an event of this type without it' }) required: boolean;
  @ApiPropertyOptional({ type: [String], description: 'The values an enum field takes' }) values?: string[];
  @ApiPropertyOptional() min?: number;
  @ApiPropertyOptional() max?: number;
}

export class DataTriggerFieldDto {
  @ApiProperty({ example: 'datastreamId' }) name: string;
  @ApiProperty({ enum: ['integer', 'string', 'uuid'] }) type: string;
  @ApiProperty() required: boolean;
  @ApiProperty({ example: 'datastream_id', description: 'The event field it must equal for the webhook to match' }) matches: string;
}

export class DataTriggerFilterDto {
  @ApiProperty({ description: 'A webhook of this trigger type must have a dataTrigger' }) required: boolean;
  @ApiProperty({ type: [DataTriggerFieldDto] }) fields: DataTriggerFieldDto[];
}

export class EventTypeDto {
  @ApiProperty({ example: 'DEVICE_LOW_BATTERY', description: "A webhook's triggerType" }) triggerType: string;
  @ApiProperty({ example: 'device.low_battery', description: "A published event's event_type" }) eventType: string;
  @ApiProperty({ example: 'device', description: 'The first part of eventType: device, camera, space, action_attempt' }) family: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: [EventFieldDto] }) fields: EventFieldDto[];
  @ApiProperty({ type: DataTriggerFilterDto, nullable: true, description: "The webhook's dataTrigger filter; null for triggers without one" })
  dataTrigger: DataTriggerFilterDto | null;
  @ApiProperty({
    type: [String],
    example: ['battery_level', 'device_id', 'event', 'webhook.id', 'timestamp_unix'],
    description: 'What url, header and body templates may use as {placeholder}: the fields (sub-paths of object and array fields too), then the whole event and the delivery context',
  })
  placeholders: string[];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'An event of this type with every field, as the template checks render it' })
  sample: Record<string, unknown>;
}

export class EventTypeListDto {
  @ApiProperty({ type: [EventTypeDto] }) items: EventTypeDto[];
}
