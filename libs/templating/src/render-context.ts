import type { RenderContext } from './template-engine';

/** Names every template may use besides the event's own fields (SPEC §5.1). */
export const CONTEXT_NAMES = ['event', 'webhook', 'organization', 'timestamp_unix', 'timestamp_iso8601'] as const;

export interface RenderSubject {
  event: Record<string, unknown>;
  webhook: { id: number; name: string };
  organization: { id: number; name: string };
  now?: Date;
}

/** Every event field at top level, plus the context names (which win over same-named event fields). */
export function buildRenderContext({ event, webhook, organization, now = new Date() }: RenderSubject): RenderContext {
  return {
    ...event,
    event,
    webhook: { id: webhook.id, name: webhook.name },
    organization: { id: organization.id, name: organization.name },
    timestamp_unix: Math.floor(now.getTime() / 1000),
    timestamp_iso8601: now.toISOString(),
  };
}
