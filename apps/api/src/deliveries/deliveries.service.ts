import { Injectable, Logger } from '@nestjs/common';
import { Conflict, DELIVERY_NOT_FOUND, NotFound, Page } from '@hookline/common';
import { AttemptFields, DeliveryLogRepository, DeliverySearch, DeliveryStatus, HeldReason, LoggedDelivery } from '@hookline/db';
import { DeliveryQueue } from '@hookline/queue';
import { WebhooksService } from '../webhooks/webhooks.service';

/** An attempt as the API shows it: times in ms since epoch. */
export type AttemptView = Omit<AttemptFields, 'startedAt'> & { number: number; startedAt: number };

export interface DeliveryView {
  id: number;
  webhookId: number;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  createdAt: number;
  nextAttemptAt: number | null;
  /** Why the next attempt waits past its schedule (issue #11): nextAttemptAt is then when it is tried. */
  heldBack: HeldReason | null;
  attempts: AttemptView[];
}

function toView(d: LoggedDelivery): DeliveryView {
  return {
    id: Number(d.id),
    webhookId: d.webhookId,
    eventId: d.event.eventId,
    eventType: d.eventType,
    status: d.status,
    createdAt: d.createdAt.getTime(),
    nextAttemptAt: d.status === 'PENDING' ? d.nextAttemptAt.getTime() : null,
    heldBack: d.status === 'PENDING' ? d.heldReason : null,
    attempts: d.attempts.map((a) => ({
      number: a.number,
      startedAt: a.startedAt.getTime(),
      requestMethod: a.requestMethod,
      requestUrl: a.requestUrl,
      responseStatus: a.responseStatus,
      durationMs: a.durationMs,
      responseBody: a.responseBody,
      error: a.error,
    })),
  };
}

/** The delivery log of a webhook (SPEC §5.7) and redelivery. */
@Injectable()
export class DeliveriesService {
  private readonly logger = new Logger(DeliveriesService.name);

  constructor(
    private readonly log: DeliveryLogRepository,
    private readonly webhooks: WebhooksService,
    private readonly queue: DeliveryQueue,
  ) {}

  /** The organization's whole log, narrowed by `q`. */
  async search(organizationId: number, q: DeliverySearch, page: number, size: number): Promise<Page<DeliveryView>> {
    const { rows, total } = await this.log.search(organizationId, q, page, size);
    return { items: rows.map(toView), page, size, total };
  }

  async list(organizationId: number, webhookId: number, page: number, size: number, status?: DeliveryStatus): Promise<Page<DeliveryView>> {
    await this.webhooks.find(organizationId, webhookId);
    const { rows, total } = await this.log.list(organizationId, webhookId, page, size, status);
    return { items: rows.map(toView), page, size, total };
  }

  async get(organizationId: number, webhookId: number, deliveryId: bigint): Promise<DeliveryView> {
    await this.webhooks.find(organizationId, webhookId);
    const row = await this.log.get(organizationId, webhookId, deliveryId);
    if (!row) throw new NotFound(DELIVERY_NOT_FOUND);
    return toView(row);
  }

  /** A new delivery of the same event to the same webhook (a cancelled or failed one included). */
  async redeliver(organizationId: number, webhookId: number, deliveryId: bigint): Promise<DeliveryView> {
    const webhook = await this.webhooks.find(organizationId, webhookId);
    if (webhook.status !== 'ENABLED') throw new Conflict(`Webhook is ${webhook.status}; set status ENABLED before redelivering`);
    const created = await this.log.redeliver(organizationId, webhookId, deliveryId);
    if (!created) throw new NotFound(DELIVERY_NOT_FOUND);
    await this.queue.enqueueAttempts([{ deliveryId: created.id, attempt: 1, organizationId }]).catch((err) => {
      this.logger.warn({ msg: 'enqueue failed after commit; the sweeper will deliver', deliveryId: String(created.id), error: (err as Error).message });
    });
    this.logger.log({ msg: 'redelivery', organizationId, webhookId, from: String(deliveryId), deliveryId: String(created.id) });
    return toView(created);
  }
}
