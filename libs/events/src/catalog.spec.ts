import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EVENT_CATALOG, SEED_EVENT_TYPES, TRIGGER_TYPES, eventTypeForTrigger, triggerTypeOf } from './catalog';
import { loadSeedEvents, seedDirectory } from './seed-parser';
import { sampleEvent } from './sample-event';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const seedDir = seedDirectory(repoRoot);
const seeds = loadSeedEvents(seedDir);

describe('event catalog vs. the seed pages', () => {
  it('finds the 36 documented event types in the seeds', () => {
    expect(seeds).toHaveLength(36);
    expect(new Set(seeds.map((s) => s.eventType)).size).toBe(36);
  });

  it('has exactly the seed event types, plus the two data events', () => {
    expect([...SEED_EVENT_TYPES].sort()).toEqual(seeds.map((s) => s.eventType).sort());
    expect(EVENT_CATALOG.filter((e) => e.dataTrigger).map((e) => e.triggerType)).toEqual(['DEVICE_DATASTREAM_UPDATE', 'DEVICE_LOG_EVENT']);
  });

  it.each(seeds.map((s) => [s.eventType, s] as const))('%s: same fields, types and enum values', (eventType, seed) => {
    const spec = EVENT_CATALOG.find((e) => e.eventType === eventType)!;
    expect(spec).toBeDefined();
    const ours = Object.fromEntries(
      Object.entries(spec.fields).map(([name, field]) => [name, { type: field.type, values: field.type === 'enum' ? [...(field.values ?? [])] : undefined }]),
    );
    expect(ours).toEqual(seed.fields);
  });

  it('the docs/seeds copy matches shared/seeds when both exist', () => {
    if (seedDir === path.join(repoRoot, 'docs', 'seeds')) return; // only the vendored copy here
    for (const s of seeds) expect(loadSeedEvents(path.join(repoRoot, 'docs', 'seeds')).map((e) => e.eventType)).toContain(s.eventType);
    const file = '001_e50e1f2bc1047880.txt';
    expect(readFileSync(path.join(repoRoot, 'docs', 'seeds', file), 'utf8')).toBe(readFileSync(path.join(seedDir, file), 'utf8'));
  });
});

describe('trigger types', () => {
  it('upper-cases and replaces dots', () => {
    expect(triggerTypeOf('device.added')).toBe('DEVICE_ADDED');
    expect(triggerTypeOf('device.unmanaged.converted_to_managed')).toBe('DEVICE_UNMANAGED_CONVERTED_TO_MANAGED');
  });

  it('has 38 distinct trigger types, each resolving to its event type', () => {
    expect(new Set(TRIGGER_TYPES).size).toBe(38);
    expect(eventTypeForTrigger('DEVICE_LOW_BATTERY')?.eventType).toBe('device.low_battery');
    expect(eventTypeForTrigger('DEVICE_DATASTREAM_UPDATE')?.eventType).toBe('device.datastream_updated');
    expect(eventTypeForTrigger('NOPE')).toBeUndefined();
  });

  it('builds sample events with every documented field and valid enum values', () => {
    const spec = eventTypeForTrigger('DEVICE_BATTERY_STATUS_CHANGED')!;
    const sample = sampleEvent(spec);
    expect(Object.keys(sample).sort()).toEqual(Object.keys(spec.fields).sort());
    expect(spec.fields.battery_status.values).toContain(sample.battery_status);
    expect(sample.battery_level).toBeGreaterThanOrEqual(0);
    expect(sample.battery_level).toBeLessThanOrEqual(1);
    expect(sample.event_type).toBe('device.battery_status_changed');
  });
});
