/** Field types of the seed catalog (`String (UUID)` → uuid, …) plus the data-trigger types. */
export type FieldType = 'uuid' | 'string' | 'iso8601' | 'object' | 'array' | 'number' | 'enum' | 'integer' | 'scalar';

export interface FieldSpec {
  type: FieldType;
  description: string;
  /** Listed values of an `enum` field. */
  values?: readonly string[];
  min?: number;
  max?: number;
  /** Ingestion rejects an event without it. Other documented fields are optional. */
  required?: boolean;
}

export interface EventTypeSpec {
  /** `device.low_battery` */
  eventType: string;
  /** `DEVICE_LOW_BATTERY` */
  triggerType: string;
  description: string;
  fields: Readonly<Record<string, FieldSpec>>;
  /** Data triggers need a `dataTrigger` filter on the webhook (SPEC §4). */
  dataTrigger?: 'datastream' | 'log';
}
