import { Injectable } from '@nestjs/common';
import { OrganizationsRepository } from '@hookline/db';

@Injectable()
export class OrgAccessService {
  constructor(private readonly organizations: OrganizationsRepository) {}

  /** Whether `actorOrgId` may act on `targetOrgId`: the same organization or one of its descendants (SPEC §2). */
  canAccess(actorOrgId: number, targetOrgId: number): Promise<boolean> {
    return this.organizations.isSelfOrAncestor(actorOrgId, targetOrgId);
  }
}
