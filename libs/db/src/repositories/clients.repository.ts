import { Inject, Injectable } from '@nestjs/common';
import { ApiClient, Permission, PrismaClient } from '../../../../generated/prisma/client';
import { PrismaService } from '../prisma.service';

/** API clients (SPEC §2): the credentials tokens are issued for. Only the secret's hash is stored. */
@Injectable()
export class ClientsRepository {
  // A PrismaClient, so the CLI can build one without Nest.
  constructor(@Inject(PrismaService) private readonly prisma: PrismaClient) {}

  /** By id, revoked or not: for the token endpoint and the revocation check on every request. */
  byId(id: string): Promise<ApiClient | null> {
    return this.prisma.apiClient.findUnique({ where: { id } });
  }

  async listActive(organizationId: number, page: number, size: number): Promise<{ rows: ApiClient[]; total: number }> {
    const where = { organizationId, revokedAt: null };
    const [rows, total] = await Promise.all([
      this.prisma.apiClient.findMany({ where, orderBy: { createdAt: 'asc' }, skip: page * size, take: size }),
      this.prisma.apiClient.count({ where }),
    ]);
    return { rows, total };
  }

  findActive(organizationId: number, id: string): Promise<ApiClient | null> {
    return this.prisma.apiClient.findFirst({ where: { id, organizationId, revokedAt: null } });
  }

  create(c: { id: string; organizationId: number; name: string; permissions: Permission[]; secretHash: string }): Promise<ApiClient> {
    return this.prisma.apiClient.create({ data: c });
  }

  /** Revokes an active client; false when there is none (or it was revoked meanwhile). */
  async revoke(organizationId: number, id: string): Promise<boolean> {
    const { count } = await this.prisma.apiClient.updateMany({ where: { id, organizationId, revokedAt: null }, data: { revokedAt: new Date() } });
    return count === 1;
  }

  /** An organization and its first client, in one transaction (SPEC §9 bootstrap). */
  createOrganizationWithClient(org: { name: string; parentId: number | null }, client: Omit<Parameters<ClientsRepository['create']>[0], 'organizationId'>) {
    return this.prisma.$transaction(async (tx) => {
      const created = await tx.organization.create({ data: org });
      return tx.apiClient.create({ data: { ...client, organizationId: created.id } });
    });
  }
}
