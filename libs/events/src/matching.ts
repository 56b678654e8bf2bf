import type { ValidEvent } from './event-validator';

/** A webhook as matching sees it: its trigger type and, for data triggers, its filter (SPEC §4). */
export interface MatchCandidate {
  id: number;
  triggerType: string;
  dataTrigger: { datastreamId?: number; eventCode?: string; deviceId?: string } | null;
}

/** An event to store, with the webhooks it is delivered to. */
export interface MatchedEvent {
  event: ValidEvent;
  webhookIds: number[];
}

/** Whether a webhook of the event's trigger type wants it: catalog triggers on type alone, data triggers on their filter. */
export function wants(w: MatchCandidate, e: ValidEvent): boolean {
  if (w.triggerType !== e.spec.triggerType) return false;
  if (!e.spec.dataTrigger) return true;
  const dt = w.dataTrigger;
  if (!dt) return false;
  const p = e.payload;
  if (dt.deviceId && String(p.device_id).toLowerCase() !== dt.deviceId.toLowerCase()) return false;
  return e.spec.dataTrigger === 'datastream' ? p.datastream_id === dt.datastreamId : p.event_code === dt.eventCode;
}

/**
 * The distinct events of a request, each with the webhooks it matches, in
 * request order. An event_id seen twice is one event: the first occurrence
 * wins, later ones are repeats (they answer what the first does).
 */
export function matchEvents(events: ValidEvent[], candidates: MatchCandidate[]): MatchedEvent[] {
  const byType = new Map<string, MatchCandidate[]>();
  for (const c of candidates) {
    const list = byType.get(c.triggerType);
    if (list) list.push(c);
    else byType.set(c.triggerType, [c]);
  }
  const seen = new Set<string>();
  const out: MatchedEvent[] = [];
  for (const event of events) {
    if (seen.has(event.eventId)) continue;
    seen.add(event.eventId);
    out.push({ event, webhookIds: (byType.get(event.spec.triggerType) ?? []).filter((w) => wants(w, event)).map((w) => w.id) });
  }
  return out;
}
