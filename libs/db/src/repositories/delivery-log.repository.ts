import { Injectable } from '@nestjs/common';
import { DeliveryStatus, Prisma } from '../../../../generated/prisma/client';
import { PrismaService } from '../prisma.service';

const INCLUDE = { event: { select: { eventId: true } }, attempts: { orderBy: { number: 'asc' } } } satisfies Prisma.DeliveryInclude;

/** A delivery as its log shows it: its event's id and every attempt, oldest first. */
export type LoggedDelivery = Prisma.DeliveryGetPayload<{ include: typeof INCLUDE }>;

/** What the organization-wide log can be narrowed to; every part optional. */
export interface DeliverySearch {
  webhookId?: number;
  status?: DeliveryStatus;
  eventType?: string;
  eventId?: string;
  /** Created at or after / before these instants. */
  from?: Date;
  to?: Date;
}

/** The delivery log the API shows (SPEC §5.7), and redelivery. Every method is scoped by organization (and webhook, where one is named). */
@Injectable()
export class DeliveryLogRepository {
  constructor(private readonly prisma: PrismaService) {}

  async list(organizationId: number, webhookId: number, page: number, size: number, status?: DeliveryStatus): Promise<{ rows: LoggedDelivery[]; total: number }> {
    const where: Prisma.DeliveryWhereInput = { webhookId, organizationId, status };
    const [rows, total] = await Promise.all([
      this.prisma.delivery.findMany({ where, include: INCLUDE, orderBy: { id: 'desc' }, skip: page * size, take: size }),
      this.prisma.delivery.count({ where }),
    ]);
    return { rows, total };
  }

  /** Across the organization's webhooks, newest first. */
  async search(organizationId: number, q: DeliverySearch, page: number, size: number): Promise<{ rows: LoggedDelivery[]; total: number }> {
    const where: Prisma.DeliveryWhereInput = {
      organizationId,
      webhookId: q.webhookId,
      status: q.status,
      eventType: q.eventType,
      ...(q.eventId ? { event: { eventId: q.eventId } } : {}),
      ...(q.from || q.to ? { createdAt: { gte: q.from, lt: q.to } } : {}),
    };
    const [rows, total] = await Promise.all([
      this.prisma.delivery.findMany({ where, include: INCLUDE, orderBy: { id: 'desc' }, skip: page * size, take: size }),
      this.prisma.delivery.count({ where }),
    ]);
    return { rows, total };
  }

  get(organizationId: number, webhookId: number, deliveryId: bigint): Promise<LoggedDelivery | null> {
    return this.prisma.delivery.findFirst({ where: { id: deliveryId, webhookId, organizationId }, include: INCLUDE });
  }

  /** A new delivery of the same event to the same webhook; null when there is no such delivery. */
  async redeliver(organizationId: number, webhookId: number, deliveryId: bigint): Promise<LoggedDelivery | null> {
    const original = await this.prisma.delivery.findFirst({ where: { id: deliveryId, webhookId, organizationId } });
    if (!original) return null;
    return this.prisma.delivery.create({ data: { organizationId, webhookId, eventRowId: original.eventRowId, eventType: original.eventType }, include: INCLUDE });
  }
}
