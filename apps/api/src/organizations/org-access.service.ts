import { Injectable } from '@nestjs/common';
import { PrismaService } from '@hookline/db';

@Injectable()
export class OrgAccessService {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Whether `actorOrgId` may act on `targetOrgId`: the same organization or one
   * of its descendants (SPEC §2). Walks up from the target, so the cost is the
   * depth of the tree, not its size.
   */
  async canAccess(actorOrgId: number, targetOrgId: number): Promise<boolean> {
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
