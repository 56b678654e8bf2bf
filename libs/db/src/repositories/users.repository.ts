import { Injectable } from '@nestjs/common';
import { Prisma, User } from '../../../../generated/prisma/client';
import { PrismaService } from '../prisma.service';
import { WebhooksRepository } from './webhooks.repository';

/** The users of an organization: failure receivers (SPEC §5.6). */
@Injectable()
export class UsersRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly webhooks: WebhooksRepository,
  ) {}

  async list(organizationId: number, page: number, size: number): Promise<{ rows: User[]; total: number }> {
    const where = { organizationId };
    const [rows, total] = await Promise.all([
      this.prisma.user.findMany({ where, orderBy: { id: 'asc' }, skip: page * size, take: size }),
      this.prisma.user.count({ where }),
    ]);
    return { rows, total };
  }

  /** The new user, or null when the organization already has one with this email. */
  async create(organizationId: number, email: string, name: string): Promise<User | null> {
    try {
      return await this.prisma.user.create({ data: { organizationId, email: email.toLowerCase(), name } });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') return null;
      throw err;
    }
  }

  /** Deletes a user and, in the same transaction, removes it from every webhook's failure receivers. False when there is none. */
  async delete(organizationId: number, userId: number): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.user.deleteMany({ where: { id: userId, organizationId } });
      if (count === 0) return false;
      await this.webhooks.removeReceiver(tx, organizationId, userId);
      return true;
    });
  }

  /** Of `ids`, those that are users of the organization. */
  async existing(organizationId: number, ids: number[]): Promise<Set<number>> {
    if (!ids.length) return new Set();
    const rows = await this.prisma.user.findMany({ where: { organizationId, id: { in: ids } }, select: { id: true } });
    return new Set(rows.map((u) => u.id));
  }
}
