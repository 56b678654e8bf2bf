import { Injectable } from '@nestjs/common';
import { redactUrl } from '@hookline/common';
import { DeliveriesRepository, DisabledWebhook, NotificationsRepository, Queryable, WebhookCountersRepository } from '@hookline/db';
import { AttemptResult } from '@hookline/delivery';

export interface Disabled {
  notificationIds: bigint[];
  cancelled: number;
}

/**
 * The system's disable (SPEC §5.4, §5.6), inside the recording transaction:
 * the webhooks that reached their failure limit or answered 410 flip to
 * DISABLED_DUE_TO_ERRORS exactly once, each failure receiver gets one
 * notification, and the queued deliveries are cancelled.
 */
@Injectable()
export class WebhookDisabler {
  constructor(
    private readonly counters: WebhookCountersRepository,
    private readonly notifications: NotificationsRepository,
    private readonly deliveries: DeliveriesRepository,
  ) {}

  /** Of the webhooks with new failures (`last`: the latest one's result), those disabled now. */
  async disableAtLimit(tx: Queryable, failing: { webhookId: number; gone: boolean; last: AttemptResult }[]): Promise<Map<number, Disabled>> {
    const out = new Map<number, Disabled>();
    if (!failing.length) return out;
    const flipped = await this.counters.disableAtLimit(
      tx,
      failing.map((f) => f.webhookId),
      failing.filter((f) => f.gone).map((f) => f.webhookId),
    );
    for (const w of flipped) {
      const last = failing.find((f) => f.webhookId === w.id)!.last;
      const notificationIds = await this.notifications.insertForDisable(tx, {
        organizationId: w.organizationId,
        webhookId: w.id,
        userIds: w.receivers,
        subject: `Hookline: webhook "${w.name}" was disabled`,
        message: disableMessage(w, last),
        disabledAt: w.disabledAt,
      });
      out.set(w.id, { notificationIds, cancelled: await this.deliveries.cancelPending([w.id], { tx }) });
    }
    return out;
  }
}

function disableMessage(w: DisabledWebhook, last: AttemptResult): string {
  const reason = last.outcome.gone
    ? 'the receiver answered 410 Gone'
    : `${w.consecutiveFailures} consecutive failed attempts reached its failure limit of ${w.failureLimit}`;
  const answer = last.responseStatus !== null ? `HTTP ${last.responseStatus}` : (last.error ?? 'unknown error');
  return (
    `Webhook ${w.id} "${w.name}" of organization "${w.organizationName}" was disabled (DISABLED_DUE_TO_ERRORS): ${reason}.\n` +
    // The rendered URL's query string may carry a credential: never in an email.
    `Last attempt: ${last.requestMethod} ${redactUrl(last.requestUrl)} → ${answer}.\n` +
    `Fix the endpoint, then re-enable it with PUT /api/v1/organization/webhooks/${w.id} {"status":"ENABLED"}; cancelled deliveries can be redelivered.`
  );
}
