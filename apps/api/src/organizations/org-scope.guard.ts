import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Forbidden, ORG_ACCESS_DENIED, ValidationFailed } from '@hookline/common';
import { AuthedRequest } from '../auth/principal';
import { OrgAccessService } from './org-access.service';

/**
 * Tenant scoping in one place: every authenticated call acts on `orgId` (or the
 * token's organization), which must be the token's organization or a descendant.
 * Anything else, existing or not, is the same 403 (SPEC §2).
 */
@Injectable()
export class OrgScopeGuard implements CanActivate {
  constructor(private readonly access: OrgAccessService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    if (!req.principal) return true;
    const raw = req.query.orgId;
    if (raw === undefined) {
      req.targetOrgId = req.principal.organizationId;
      return true;
    }
    if (typeof raw !== 'string' || !/^[1-9]\d{0,9}$/.test(raw) || Number(raw) > 2_147_483_647) {
      throw ValidationFailed.field('orgId', 'orgId must be a positive integer');
    }
    const target = Number(raw);
    if (!(await this.access.canAccess(req.principal.organizationId, target))) throw new Forbidden(ORG_ACCESS_DENIED);
    req.targetOrgId = target;
    return true;
  }
}
