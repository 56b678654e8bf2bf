import { Inject, Injectable } from '@nestjs/common';
import { Organization, PrismaClient } from '../../../../generated/prisma/client';
import { PrismaService } from '../prisma.service';

/** Organizations and their tree (SPEC §2). */
@Injectable()
export class OrganizationsRepository {
  // A PrismaClient, so the CLI can build one without Nest.
  constructor(@Inject(PrismaService) private readonly prisma: PrismaClient) {}

  get(organizationId: number): Promise<Organization> {
    return this.prisma.organization.findUniqueOrThrow({ where: { id: organizationId } });
  }

  async listChildren(organizationId: number, page: number, size: number): Promise<{ rows: Organization[]; total: number }> {
    const where = { parentId: organizationId };
    const [rows, total] = await Promise.all([
      this.prisma.organization.findMany({ where, orderBy: { id: 'asc' }, skip: page * size, take: size }),
      this.prisma.organization.count({ where }),
    ]);
    return { rows, total };
  }

  createChild(organizationId: number, name: string): Promise<Organization> {
    return this.prisma.organization.create({ data: { name, parentId: organizationId } });
  }

  /**
   * Whether `actorOrgId` is `targetOrgId` or one of its ancestors. Walks up from
   * the target, so the cost is the depth of the tree, not its size.
   */
  async isSelfOrAncestor(actorOrgId: number, targetOrgId: number): Promise<boolean> {
    if (actorOrgId === targetOrgId) return true;
    const rows = await this.prisma.$queryRaw<{ found: number }[]>`
      WITH RECURSIVE ancestors(id, parent_id, depth) AS (
        SELECT id, parent_id, 0 FROM organization WHERE id = ${targetOrgId}
        UNION ALL
        SELECT o.id, o.parent_id, a.depth + 1 FROM organization o JOIN ancestors a ON o.id = a.parent_id WHERE a.depth < 100
      )
      SELECT 1 AS found FROM ancestors WHERE id = ${actorOrgId} LIMIT 1`;
    return rows.length > 0;
  }
}
