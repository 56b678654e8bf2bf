import type { RenderContext } from './template-engine';

const hasOwn = Object.prototype.hasOwnProperty;
const isEnumerable = Object.prototype.propertyIsEnumerable;

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

/**
 * The names of buildRenderContext's object, resolved without building it (the
 * worker renders every attempt; copying each event's fields showed in its
 * profile). Handlebars, which needs the object, gets it built once.
 */
export class RenderScope {
  private readonly names: Record<string, unknown>;
  private readonly now: Date;
  private built?: RenderContext;

  constructor(private readonly subject: RenderSubject) {
    const now = (this.now = subject.now ?? new Date());
    this.names = {
      event: subject.event,
      webhook: { id: subject.webhook.id, name: subject.webhook.name },
      organization: { id: subject.organization.id, name: subject.organization.name },
      timestamp_unix: Math.floor(now.getTime() / 1000),
      timestamp_iso8601: now.toISOString(),
    };
  }

  /** What the built object holds as its own property `name`, else undefined (as a lookup in it would give). */
  get(name: string): unknown {
    if (hasOwn.call(this.names, name)) return this.names[name];
    if (isEnumerable.call(this.subject.event, name)) return this.subject.event[name];
    return undefined;
  }

  context(): RenderContext {
    return (this.built ??= buildRenderContext({ ...this.subject, now: this.now }));
  }
}
