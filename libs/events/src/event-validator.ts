import { randomUUID } from 'node:crypto';
import { EventTypeSpec, FieldSpec } from './catalog.types';
import { eventTypeSpec } from './catalog';

export interface EventFieldError {
  field: string;
  message: string;
}

export interface ValidEvent {
  spec: EventTypeSpec;
  eventId: string;
  occurredAt: Date;
  /** The event as stored and delivered: input fields kept, event_id/occurred_at/created_at filled in. */
  payload: Record<string, unknown>;
}

/** A UUID in its text form, any version, either case. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

function checkField(name: string, spec: FieldSpec, value: unknown): string | null {
  switch (spec.type) {
    case 'uuid':
      return typeof value === 'string' && UUID.test(value) ? null : `${name} must be a UUID`;
    case 'string':
      return typeof value === 'string' ? null : `${name} must be a string`;
    case 'iso8601':
      return typeof value === 'string' && ISO_8601.test(value) && !Number.isNaN(Date.parse(value)) ? null : `${name} must be an ISO 8601 date-time`;
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? null : `${name} must be an object`;
    case 'array':
      return Array.isArray(value) ? null : `${name} must be an array`;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${name} must be a number`;
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) return `${name} must be between ${spec.min} and ${spec.max}`;
      return null;
    case 'integer':
      return Number.isInteger(value) ? null : `${name} must be an integer`;
    case 'scalar':
      return ['number', 'string', 'boolean'].includes(typeof value) && (typeof value !== 'number' || Number.isFinite(value)) ? null : `${name} must be a number, string or boolean`;
    case 'enum':
      return typeof value === 'string' && spec.values?.includes(value) ? null : `${name} must be one of: ${spec.values?.join(', ')}`;
  }
}

/**
 * Validates one published event against the catalog (SPEC §4). `prefix` names
 * its place in a batch (`events[3].`). Documented fields are type-checked
 * (null is allowed for optional ones); extra fields are kept.
 */
export function validateEvent(raw: unknown, prefix = '', now = new Date()): { event?: ValidEvent; errors: EventFieldError[] } {
  const errors: EventFieldError[] = [];
  const at = (f: string) => `${prefix}${f}`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { errors: [{ field: prefix ? prefix.replace(/\.$/, '') : 'body', message: 'an event must be a JSON object' }] };
  }
  const input = raw as Record<string, unknown>;
  const type = input.event_type;
  if (typeof type !== 'string') return { errors: [{ field: at('event_type'), message: 'event_type is required' }] };
  const spec = eventTypeSpec(type);
  if (!spec) return { errors: [{ field: at('event_type'), message: `unknown event type "${type.slice(0, 100)}"; GET /api/v1/event-types lists them` }] };

  for (const [name, field] of Object.entries(spec.fields)) {
    if (name === 'event_type' || name === 'created_at') continue;
    const value = input[name];
    if (value === undefined || (value === null && !field.required)) {
      if (field.required) errors.push({ field: at(name), message: `${name} is required for ${type}` });
      continue;
    }
    const problem = checkField(name, field, value);
    if (problem) errors.push({ field: at(name), message: problem });
  }
  if (errors.length) return { errors };

  const eventId = typeof input.event_id === 'string' ? input.event_id.toLowerCase() : randomUUID();
  const occurredAt = typeof input.occurred_at === 'string' ? new Date(input.occurred_at) : now;
  const payload: Record<string, unknown> = {
    ...input,
    event_id: eventId,
    event_type: type,
    occurred_at: occurredAt.toISOString(),
    // Set by the server whatever the client sent.
    created_at: now.toISOString(),
  };
  return { event: { spec, eventId, occurredAt, payload }, errors };
}
