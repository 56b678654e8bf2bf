import { Webhook } from '@hookline/db';
import { CircuitViewDto, WebhookDto } from './dto/webhook-view.dto';

/** The API view of a stored webhook: write-only secrets never leave this function. */
export function toWebhookDto(w: Webhook): WebhookDto {
  return {
    id: w.id,
    organizationId: w.organizationId,
    name: w.name,
    triggerType: w.triggerType,
    dataTrigger: (w.dataTrigger as Record<string, unknown> | null) ?? null,
    url: w.url,
    method: w.method,
    contentType: w.contentType,
    authType: w.authType,
    oauth2:
      w.authType === 'OAUTH2' && w.oauth2TokenUrl && w.oauth2ClientId
        ? { tokenUrl: w.oauth2TokenUrl, clientId: w.oauth2ClientId, scope: w.oauth2Scope, audience: w.oauth2Audience }
        : null,
    basicAuth: w.authType === 'BASIC' && w.basicUsername ? { username: w.basicUsername } : null,
    headers: (w.headers as { name: string; value: string }[]) ?? [],
    bodyTemplate: w.bodyTemplate,
    failureNotifyUserIds: w.failureNotifyUserIds,
    failureLimit: w.failureLimit,
    maxConcurrency: w.maxConcurrency,
    rateLimitPerMinute: w.rateLimitPerMinute,
    circuit: circuitOf(w),
    status: w.status,
    consecutiveFailures: w.consecutiveFailures,
    totalAttempts: w.totalAttempts,
    createdAt: w.createdAt.getTime(),
    updatedAt: w.updatedAt.getTime(),
    lastTriggeredAt: w.lastTriggeredAt ? w.lastTriggeredAt.getTime() : null,
  };
}

/** Closed without a pause; open during it; half-open after it, until a probe's answer closes it or opens it again. */
function circuitOf(w: Webhook, now = Date.now()): CircuitViewDto {
  const openUntil = w.circuitOpenUntil?.getTime() ?? null;
  const state = openUntil === null ? 'CLOSED' : openUntil > now ? 'OPEN' : 'HALF_OPEN';
  return { state, openUntil, consecutiveUnreachable: w.circuitFailures };
}
