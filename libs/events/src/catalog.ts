import { EventTypeSpec, FieldSpec } from './catalog.types';

/*
 * The event catalog (SPEC §4): the 36 event types of ../shared/seeds (device,
 * unmanaged-device, space and action-attempt events) with their documented
 * fields, plus Hookline's two data events. catalog.spec.ts parses the seed files
 * and fails if this data and the seeds disagree.
 */

const f = (type: FieldSpec['type'], description: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({ type, description, ...extra });

const BASE = {
  created_at: f('iso8601', 'Date and time at which the event was created.'),
  event_id: f('uuid', 'ID of the event.'),
  occurred_at: f('iso8601', 'Date and time at which the event occurred.'),
  workspace_id: f('uuid', 'ID of the workspace associated with the event.'),
};

const DEVICE = {
  ...BASE,
  connected_account_custom_metadata: f('object', 'Custom metadata of the connected account, present when connected_account_id is provided.'),
  connected_account_id: f('uuid', 'ID of the connected account associated with the event.'),
  customer_key: f('string', 'The customer key associated with the device, if any.'),
  device_custom_metadata: f('object', 'Custom metadata of the device, present when device_id is provided.'),
  device_id: f('uuid', 'ID of the affected device.', { required: true }),
};

const DEVICE_ISSUES = {
  connected_account_errors: f('array', 'Errors associated with the connected account.'),
  connected_account_warnings: f('array', 'Warnings associated with the connected account.'),
  device_errors: f('array', 'Errors associated with the device.'),
  device_warnings: f('array', 'Warnings associated with the device.'),
};

const DISCONNECT_ERROR_CODE = {
  error_code: f('enum', 'Error code associated with the disconnection event, if any.', {
    values: ['account_disconnected', 'hub_disconnected', 'device_disconnected'],
  }),
};

const BATTERY_LEVEL = {
  battery_level: f('number', 'Number in the range 0 to 1.0 indicating the amount of battery in the affected device.', { min: 0, max: 1 }),
};

const MEDIA = {
  image_url: f('string', 'URL to a thumbnail image captured at the time of the event.'),
  video_url: f('string', 'URL to a short video clip captured at the time of the event.'),
};

const SPACE = {
  ...BASE,
  acs_entrance_ids: f('array', 'IDs of all ACS entrances attached to the space.'),
  device_ids: f('array', 'IDs of all devices attached to the space.'),
  space_id: f('uuid', 'ID of the affected space.', { required: true }),
  space_key: f('string', 'Unique key for the space within the workspace.'),
};

const ACTION_ATTEMPT = {
  ...BASE,
  action_attempt_id: f('uuid', 'ID of the affected action attempt.', { required: true }),
  action_type: f('string', 'Type of the action.'),
  connected_account_id: f('uuid', 'ID of the connected account associated with the action attempt, if applicable.'),
  device_id: f('uuid', 'ID of the device associated with the action attempt, if applicable.'),
  status: f('string', 'Status of the action.'),
};

type Def = [eventType: string, description: string, fields: Record<string, FieldSpec>, dataTrigger?: EventTypeSpec['dataTrigger']];

const DEFS: Def[] = [
  // seed 001: device events
  ['device.connected', 'The status of a device changed from offline to online.', DEVICE],
  ['device.added', 'A device was added to Seam or was re-added after having been removed.', DEVICE],
  ['device.converted_to_unmanaged', 'A managed device was successfully converted to an unmanaged device.', DEVICE],
  ['device.disconnected', 'The status of a device changed from online to offline.', { ...DEVICE, ...DEVICE_ISSUES, ...DISCONNECT_ERROR_CODE }],
  ['device.tampered', 'A device detected that it was tampered with, for example, opened or moved.', DEVICE],
  ['device.low_battery', 'A device battery level dropped below the low threshold.', { ...DEVICE, ...BATTERY_LEVEL }],
  [
    'device.battery_status_changed',
    'A device battery status changed since the last battery_status_changed event.',
    {
      ...DEVICE,
      ...BATTERY_LEVEL,
      battery_status: f('enum', 'Battery status of the affected device, calculated from the numeric battery_level value.', {
        values: ['critical', 'low', 'good', 'full'],
      }),
    },
  ],
  ['device.removed', 'A device was removed externally from the connected account.', DEVICE],
  ['device.deleted', 'A device was deleted.', { ...DEVICE, device_name: f('string', 'Name of the deleted device, captured at deletion time.') }],
  ['device.third_party_integration_detected', 'A device is using a third-party integration that will interfere with device management.', DEVICE],
  ['device.third_party_integration_no_longer_detected', 'A device is no longer using an interfering third-party integration.', DEVICE],
  ['device.salto.privacy_mode_activated', 'A Salto device activated privacy mode.', DEVICE],
  ['device.salto.privacy_mode_deactivated', 'A Salto device deactivated privacy mode.', DEVICE],
  ['device.connection_became_flaky', 'The connection of a device became flaky.', { ...DEVICE, ...DEVICE_ISSUES }],
  ['device.connection_stabilized', 'The connection of a device stabilized after having been flaky.', DEVICE],
  ['device.error.subscription_required', 'A third-party subscription is required to use all device features.', { ...DEVICE, ...DEVICE_ISSUES }],
  ['device.error.subscription_required.resolved', 'A third-party subscription is active or no longer required.', DEVICE],
  ['device.accessory_keypad_connected', 'An accessory keypad was connected to a device.', DEVICE],
  ['device.accessory_keypad_disconnected', 'An accessory keypad was disconnected from a device.', { ...DEVICE, ...DEVICE_ISSUES }],
  ['device.name_changed', 'The name of a device was changed.', { ...DEVICE, device_name: f('string', 'The new name of the affected device.') }],
  [
    'camera.activated',
    'A camera was activated, for example, by motion detection.',
    {
      ...DEVICE,
      ...MEDIA,
      activation_reason: f('enum', 'The reason the camera was activated.', { values: ['motion_detected'] }),
      motion_sub_type: f('enum', 'Sub-type of motion detected, if available.', { values: ['human', 'vehicle', 'package', 'other'] }),
    },
  ],
  ['device.doorbell_rang', 'A doorbell button was pressed on a device.', { ...DEVICE, ...MEDIA }],
  // seed 000: unmanaged devices
  ['device.unmanaged.converted_to_managed', 'An unmanaged device was successfully converted to a managed device.', DEVICE],
  ['device.unmanaged.connected', 'The status of an unmanaged device changed from offline to online.', DEVICE],
  [
    'device.unmanaged.disconnected',
    'The status of an unmanaged device changed from online to offline.',
    { ...DEVICE, ...DEVICE_ISSUES, ...DISCONNECT_ERROR_CODE },
  ],
  // seed 003: spaces
  ['space.device_membership_changed', 'A device was added or removed from a space.', SPACE],
  ['space.created', 'A space was created.', SPACE],
  ['space.deleted', 'A space was deleted.', SPACE],
  // seed 004: action attempts
  ['action_attempt.lock_door.succeeded', 'A lock door action attempt succeeded.', ACTION_ATTEMPT],
  ['action_attempt.lock_door.failed', 'A lock door action attempt failed.', ACTION_ATTEMPT],
  ['action_attempt.unlock_door.succeeded', 'An unlock door action attempt succeeded.', ACTION_ATTEMPT],
  ['action_attempt.unlock_door.failed', 'An unlock door action attempt failed.', ACTION_ATTEMPT],
  ['action_attempt.simulate_keypad_code_entry.succeeded', 'A simulated keypad code entry action attempt succeeded.', ACTION_ATTEMPT],
  ['action_attempt.simulate_keypad_code_entry.failed', 'A simulated keypad code entry action attempt failed.', ACTION_ATTEMPT],
  ['action_attempt.simulate_manual_lock_via_keypad.succeeded', 'A simulated manual lock via keypad action attempt succeeded.', ACTION_ATTEMPT],
  ['action_attempt.simulate_manual_lock_via_keypad.failed', 'A simulated manual lock via keypad action attempt failed.', ACTION_ATTEMPT],
  // Hookline data events (seed 002's "datastream or log event triggers")
  [
    'device.datastream_updated',
    'A datastream of a device received a new value.',
    {
      ...BASE,
      device_id: f('uuid', 'ID of the device that owns the datastream.', { required: true }),
      datastream_id: f('integer', 'ID of the datastream.', { required: true }),
      value: f('scalar', 'The new value: a number, string or boolean.', { required: true }),
    },
    'datastream',
  ],
  [
    'device.log_event',
    'A device logged an event.',
    {
      ...BASE,
      device_id: f('uuid', 'ID of the device that logged the event.', { required: true }),
      event_code: f('string', 'Code of the logged event.', { required: true }),
      description: f('string', 'Free-text description of the logged event.'),
    },
    'log',
  ],
];

/** `device.unmanaged.converted_to_managed` → `DEVICE_UNMANAGED_CONVERTED_TO_MANAGED` */
export function triggerTypeOf(eventType: string): string {
  return eventType.toUpperCase().replace(/\./g, '_');
}

export const EVENT_CATALOG: readonly EventTypeSpec[] = DEFS.map(([eventType, description, fields, dataTrigger]) => ({
  eventType,
  triggerType: dataTrigger === 'datastream' ? 'DEVICE_DATASTREAM_UPDATE' : dataTrigger === 'log' ? 'DEVICE_LOG_EVENT' : triggerTypeOf(eventType),
  description,
  fields: { ...fields, event_type: f('enum', 'Type of the event.', { values: [eventType] }) },
  ...(dataTrigger ? { dataTrigger } : {}),
}));

export const SEED_EVENT_TYPES = EVENT_CATALOG.filter((e) => !e.dataTrigger).map((e) => e.eventType);
export const TRIGGER_TYPES: readonly string[] = EVENT_CATALOG.map((e) => e.triggerType);

const byTrigger = new Map(EVENT_CATALOG.map((e) => [e.triggerType, e]));
const byEventType = new Map(EVENT_CATALOG.map((e) => [e.eventType, e]));

export function eventTypeForTrigger(triggerType: string): EventTypeSpec | undefined {
  return byTrigger.get(triggerType);
}

export function eventTypeSpec(eventType: string): EventTypeSpec | undefined {
  return byEventType.get(eventType);
}
