import { EventTypeSpec, FieldSpec } from './catalog.types';

const SAMPLE_UUID = '6f1c1a52-3b0e-4c7d-9a51-2f7a4f8b9c01';

function sampleValue(name: string, spec: FieldSpec, eventType: string, now: Date): unknown {
  switch (spec.type) {
    case 'uuid':
      return SAMPLE_UUID;
    case 'iso8601':
      return now.toISOString();
    case 'object':
      return {};
    case 'array':
      return [];
    case 'number':
      return spec.min !== undefined && spec.max !== undefined ? (spec.min + spec.max) / 4 : 1.5;
    case 'integer':
      return 1;
    case 'scalar':
      return 21.5;
    case 'enum':
      return name === 'event_type' ? eventType : (spec.values?.[0] ?? '');
    default:
      return `sample ${name}`;
  }
}

/**
 * A sample event carrying every documented field of its type. Used to check that
 * templates render (and JSON bodies parse) at validation time, and by the test
 * endpoint.
 */
export function sampleEvent(spec: EventTypeSpec, now = new Date()): Record<string, unknown> {
  const event: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(spec.fields)) {
    event[name] = sampleValue(name, field, spec.eventType, now);
  }
  return event;
}
