import { Body, Controller, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequirePermission, TargetOrg } from '../auth/principal';
import { ApiErrors } from '../common/api-errors.decorator';
import { OrgQueryDto } from '../common/pagination.dto';
import { CreatePortalLinkDto, PortalLinkDto } from './portal-link.dto';
import { PortalLinksService } from './portal-links.service';

@ApiTags('organizations')
@Controller('api/v1/organization/portal-links')
export class PortalLinksController {
  constructor(private readonly links: PortalLinksService) {}

  @Post()
  @RequirePermission('ORG_ADMIN')
  @ApiOperation({ summary: "A link that opens the console signed in to the organization (orgId: a sub-organization's), with a short-lived token limited to the permissions given" })
  @ApiCreatedResponse({ type: PortalLinkDto })
  @ApiErrors(400, 413)
  create(@TargetOrg() orgId: number, @Query() _q: OrgQueryDto, @Body() dto: CreatePortalLinkDto, @CurrentPrincipal() principal: Principal) {
    return this.links.create(orgId, dto.permissions, dto.ttlSeconds, principal.permissions);
  }
}
