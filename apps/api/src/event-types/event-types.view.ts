import { EVENT_CATALOG, EventTypeSpec, eventTypeForTrigger, eventTypeSpec, sampleEvent } from '@hookline/events';
import { CONTEXT_NAMES } from '@hookline/templating';
import { DataTriggerFilterDto, EventTypeDto } from './event-type.dto';

/** When the sample events happened: fixed, so the catalog is the same on every call. */
const SAMPLE_TIME = new Date('2026-01-01T12:00:00.000Z');

/** The context names a template may read besides the event's fields, with the sub-fields they have. */
const CONTEXT_PLACEHOLDERS = CONTEXT_NAMES.flatMap((n) => (n === 'webhook' || n === 'organization' ? [`${n}.id`, `${n}.name`] : [n]));

/** The filters a data trigger takes (the rules themselves: webhook.validator.ts and matching.ts). */
const DATA_TRIGGER_FILTERS: Record<NonNullable<EventTypeSpec['dataTrigger']>, DataTriggerFilterDto> = {
  datastream: {
    required: true,
    fields: [
      { name: 'datastreamId', type: 'integer', required: true, matches: 'datastream_id' },
      { name: 'deviceId', type: 'uuid', required: false, matches: 'device_id' },
    ],
  },
  log: {
    required: true,
    fields: [
      { name: 'eventCode', type: 'string', required: true, matches: 'event_code' },
      { name: 'deviceId', type: 'uuid', required: false, matches: 'device_id' },
    ],
  },
};

export function eventTypeView(spec: EventTypeSpec): EventTypeDto {
  const names = Object.keys(spec.fields).sort();
  return {
    triggerType: spec.triggerType,
    eventType: spec.eventType,
    family: spec.eventType.split('.')[0],
    description: spec.description,
    fields: names.map((name) => {
      const { type, description, required, values, min, max } = spec.fields[name];
      return { name, type, description, required: required ?? false, ...(values ? { values: [...values] } : {}), ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
    }),
    dataTrigger: spec.dataTrigger ? DATA_TRIGGER_FILTERS[spec.dataTrigger] : null,
    placeholders: [...names, ...CONTEXT_PLACEHOLDERS],
    sample: sampleEvent(spec, SAMPLE_TIME),
  };
}

/** The whole catalog, computed once: it is fixed at build time. */
export const EVENT_TYPE_VIEWS: readonly EventTypeDto[] = EVENT_CATALOG.map(eventTypeView);

/** One entry by trigger type (`DEVICE_LOW_BATTERY`) or event type (`device.low_battery`). */
export function findEventType(name: string): EventTypeDto | undefined {
  const spec = eventTypeForTrigger(name) ?? eventTypeSpec(name);
  return spec && EVENT_TYPE_VIEWS.find((v) => v.eventType === spec.eventType);
}
