import { Injectable, Logger } from '@nestjs/common';
import { Conflict, NotFound, Page } from '@hookline/common';
import { DeliveryStatus, Prisma, PrismaService } from '@hookline/db';
import { DeliveryQueue } from '@hookline/queue';
import { WebhooksService } from '../webhooks/webhooks.service';

export interface AttemptView {
  number: number;
  startedAt: number;
  requestMethod: string;
  requestUrl: string;
  responseStatus: number | null;
  durationMs: number;
  responseBody: string | null;
  error: string | null;
}

export interface DeliveryView {
  id: number;
  webhookId: number;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  createdAt: number;
  nextAttemptAt: number | null;
  attempts: AttemptView[];
}

const INCLUDE = { event: { select: { eventId: true } }, attempts: { orderBy: { number: 'asc' } } } satisfies Prisma.DeliveryInclude;
type Row = Prisma.DeliveryGetPayload<{ include: typeof INCLUDE }>;

function toView(d: Row): DeliveryView {
  return {
    id: Number(d.id),
    webhookId: d.webhookId,
    eventId: d.event.eventId,
    eventType: d.eventType,
    status: d.status,
    createdAt: d.createdAt.getTime(),
    nextAttemptAt: d.status === 'PENDING' ? d.nextAttemptAt.getTime() : null,
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
    private readonly prisma: PrismaService,
    private readonly webhooks: WebhooksService,
    private readonly queue: DeliveryQueue,
  ) {}

  async list(organizationId: number, webhookId: number, page: number, size: number, status?: DeliveryStatus): Promise<Page<DeliveryView>> {
    await this.webhooks.find(organizationId, webhookId);
    const where: Prisma.DeliveryWhereInput = { webhookId, organizationId, status };
    const [rows, total] = await Promise.all([
      this.prisma.delivery.findMany({ where, include: INCLUDE, orderBy: { id: 'desc' }, skip: page * size, take: size }),
      this.prisma.delivery.count({ where }),
    ]);
    return { items: rows.map(toView), page, size, total };
  }

  async get(organizationId: number, webhookId: number, deliveryId: bigint): Promise<DeliveryView> {
    await this.webhooks.find(organizationId, webhookId);
    const row = await this.prisma.delivery.findFirst({ where: { id: deliveryId, webhookId, organizationId }, include: INCLUDE });
    if (!row) throw new NotFound('Delivery not found or access denied');
    return toView(row);
  }

  /** A new delivery of the same event to the same webhook (a cancelled or failed one included). */
  async redeliver(organizationId: number, webhookId: number, deliveryId: bigint): Promise<DeliveryView> {
    const webhook = await this.webhooks.find(organizationId, webhookId);
    if (webhook.status !== 'ENABLED') throw new Conflict(`Webhook is ${webhook.status}; set status ENABLED before redelivering`);
    const original = await this.prisma.delivery.findFirst({ where: { id: deliveryId, webhookId, organizationId } });
    if (!original) throw new NotFound('Delivery not found or access denied');
    const created = await this.prisma.delivery.create({
      data: { organizationId, webhookId, eventRowId: original.eventRowId, eventType: original.eventType },
      include: INCLUDE,
    });
    await this.queue.enqueueAttempts([{ deliveryId: created.id, attempt: 1 }]).catch((err) => {
      this.logger.warn({ msg: 'enqueue failed after commit; the sweeper will deliver', deliveryId: String(created.id), error: (err as Error).message });
    });
    this.logger.log({ msg: 'redelivery', organizationId, webhookId, from: String(deliveryId), deliveryId: String(created.id) });
    return toView(created);
  }
}
