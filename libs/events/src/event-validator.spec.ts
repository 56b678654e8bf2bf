import { validateEvent } from './event-validator';

const DEVICE = '6f1c1a52-3b0e-4c7d-9a51-2f7a4f8b9c01';

describe(validateEvent.name, () => {
  it('accepts a documented event, fills event_id, occurred_at and created_at, and keeps extra fields', () => {
    const now = new Date('2026-01-01T00:00:00.000Z');
    const { event, errors } = validateEvent({ event_type: 'device.low_battery', device_id: DEVICE, battery_level: 0.12, custom: { a: 1 } }, '', now);
    expect(errors).toEqual([]);
    expect(event!.payload).toMatchObject({ event_type: 'device.low_battery', device_id: DEVICE, battery_level: 0.12, custom: { a: 1 }, created_at: now.toISOString(), occurred_at: now.toISOString() });
    expect(event!.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event!.spec.triggerType).toBe('DEVICE_LOW_BATTERY');
  });

  it.each([
    [{ event_type: 'device.exploded' }, 'event_type'],
    [{}, 'event_type'],
    [{ event_type: 'device.added', device_id: 'not-a-uuid' }, 'device_id'],
    [{ event_type: 'device.added' }, 'device_id'],
    [{ event_type: 'device.low_battery', device_id: DEVICE, battery_level: 1.5 }, 'battery_level'],
    [{ event_type: 'device.low_battery', device_id: DEVICE, battery_level: '0.5' }, 'battery_level'],
    [{ event_type: 'device.disconnected', device_id: DEVICE, error_code: 'power_cut' }, 'error_code'],
    [{ event_type: 'camera.activated', device_id: DEVICE, motion_sub_type: 'cat' }, 'motion_sub_type'],
    [{ event_type: 'device.added', device_id: DEVICE, event_id: 'abc' }, 'event_id'],
    [{ event_type: 'device.added', device_id: DEVICE, occurred_at: 'yesterday' }, 'occurred_at'],
    [{ event_type: 'device.added', device_id: DEVICE, device_custom_metadata: [] }, 'device_custom_metadata'],
    [{ event_type: 'space.created', space_id: DEVICE, device_ids: 'x' }, 'device_ids'],
    [{ event_type: 'device.datastream_updated', device_id: DEVICE, datastream_id: 1.5, value: 1 }, 'datastream_id'],
    [{ event_type: 'device.datastream_updated', device_id: DEVICE, datastream_id: 1, value: { a: 1 } }, 'value'],
    [{ event_type: 'device.log_event', device_id: DEVICE }, 'event_code'],
  ])('rejects %j naming %s', (input, field) => {
    const { event, errors } = validateEvent(input, 'events[2].');
    expect(event).toBeUndefined();
    expect(errors.map((e) => e.field)).toContain(`events[2].${field}`);
  });

  it('rejects non-objects', () => {
    expect(validateEvent([1]).errors[0].field).toBe('body');
    expect(validateEvent('x', 'events[0].').errors[0].field).toBe('events[0]');
  });

  it('allows null for optional documented fields and overrides created_at', () => {
    const { event } = validateEvent({ event_type: 'device.deleted', device_id: DEVICE, device_name: null, created_at: '1999-01-01T00:00:00Z' });
    expect(event!.payload.device_name).toBeNull();
    expect(event!.payload.created_at).not.toBe('1999-01-01T00:00:00Z');
  });
});
