import { Injectable } from '@nestjs/common';
import { EmailStatus, Notification } from '../../../../generated/prisma/client';
import { PrismaService } from '../prisma.service';
import { Queryable } from '../queryable';

/** Failure-receiver notifications (SPEC §5.6) and the state of their emails. */
@Injectable()
export class NotificationsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * One notification per receiver of a disable, in the disabling transaction;
   * receivers no longer users of the organization get none. Unique per
   * (webhook, user, disable): a repeat inserts nothing.
   */
  async insertForDisable(
    tx: Queryable,
    n: { organizationId: number; webhookId: number; userIds: number[]; subject: string; message: string; disabledAt: Date },
  ): Promise<bigint[]> {
    if (!n.userIds.length) return [];
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO notification (organization_id, user_id, webhook_id, email, subject, message, disabled_at)
       SELECT u.organization_id, u.id, $1, u.email, $2, $3, $4
       FROM app_user u
       WHERE u.organization_id = $5 AND u.id = ANY($6::int[])
       ON CONFLICT (webhook_id, user_id, disabled_at) DO NOTHING
       RETURNING id`,
      [n.webhookId, n.subject, n.message, n.disabledAt, n.organizationId, n.userIds],
    );
    return rows.map((r) => BigInt(r.id));
  }

  /** An organization's notifications, newest first. */
  async list(organizationId: number, page: number, size: number): Promise<{ rows: Notification[]; total: number }> {
    const where = { organizationId };
    const [rows, total] = await Promise.all([
      this.prisma.notification.findMany({ where, orderBy: { id: 'desc' }, skip: page * size, take: size }),
      this.prisma.notification.count({ where }),
    ]);
    return { rows, total };
  }

  /** PENDING → SENDING, for one sender only; null when it was not PENDING. */
  async claimForSending(id: bigint): Promise<Notification | null> {
    const claimed = await this.prisma.notification.updateManyAndReturn({ where: { id, emailStatus: 'PENDING' }, data: { emailStatus: 'SENDING' } });
    return claimed[0] ?? null;
  }

  /** The email's outcome: SENT, SKIPPED, FAILED, or PENDING again for another try. */
  async settle(id: bigint, emailStatus: EmailStatus, emailError: string | null): Promise<void> {
    await this.prisma.notification.update({ where: { id }, data: { emailStatus, emailError } });
  }

  /** SENDING ones older than `before` belong to a worker that died while sending: PENDING again. */
  async releaseAbandoned(before: Date): Promise<void> {
    await this.prisma.notification.updateMany({ where: { emailStatus: 'SENDING', createdAt: { lt: before } }, data: { emailStatus: 'PENDING' } });
  }

  /** Ids of PENDING notifications created before `before`, at most `limit`. */
  async pendingBefore(before: Date, limit: number): Promise<bigint[]> {
    const rows = await this.prisma.notification.findMany({ where: { emailStatus: 'PENDING', createdAt: { lt: before } }, select: { id: true }, take: limit });
    return rows.map((r) => r.id);
  }

  async pruneBefore(cutoff: Date): Promise<number> {
    return this.prisma.$executeRaw`DELETE FROM notification WHERE created_at < ${cutoff}`;
  }
}
