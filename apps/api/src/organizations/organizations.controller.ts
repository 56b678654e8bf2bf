import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ValidationFailed } from '@hookline/common';
import { CurrentPrincipal, Principal, RequirePermission, TargetOrg } from '../auth/principal';
import { ApiErrors } from '../common/api-errors.decorator';
import { OrgQueryDto, PageQueryDto } from '../common/pagination.dto';
import { ClientDto, CreateClientDto, CreatedClientDto, CreateOrganizationDto, CreateUserDto, OrganizationDto, UserDto } from './dto/organization.dto';
import { OrganizationsService } from './organizations.service';

const pageOf = (model: Function) => ({
  schema: {
    type: 'object',
    properties: {
      items: { type: 'array', items: { $ref: getSchemaPath(model) } },
      page: { type: 'integer' },
      size: { type: 'integer' },
      total: { type: 'integer' },
    },
  },
});

const idPipe = new ParseIntPipe({ exceptionFactory: () => ValidationFailed.field('id', 'id must be an integer') });

@ApiTags('organizations')
@ApiExtraModels(OrganizationDto, UserDto, ClientDto)
@Controller('api/v1/organization')
export class OrganizationsController {
  constructor(private readonly orgs: OrganizationsService) {}

  @Get()
  @ApiOperation({ summary: 'The organization (token organization or orgId)' })
  @ApiOkResponse({ type: OrganizationDto })
  @ApiErrors(400)
  get(@TargetOrg() orgId: number, @Query() _q: OrgQueryDto) {
    return this.orgs.get(orgId);
  }

  @Get('children')
  @ApiOperation({ summary: 'Direct sub-organizations' })
  @ApiOkResponse(pageOf(OrganizationDto))
  @ApiErrors(400)
  children(@TargetOrg() orgId: number, @Query() q: PageQueryDto) {
    return this.orgs.listChildren(orgId, q.page, q.size);
  }

  @Post('children')
  @RequirePermission('ORG_ADMIN')
  @ApiOperation({ summary: 'Create a sub-organization' })
  @ApiCreatedResponse({ type: OrganizationDto })
  @ApiErrors(400, 413)
  createChild(@TargetOrg() orgId: number, @Query() _q: OrgQueryDto, @Body() dto: CreateOrganizationDto) {
    return this.orgs.createChild(orgId, dto.name);
  }

  @Get('users')
  @ApiOperation({ summary: 'Users (failure receivers) of the organization' })
  @ApiOkResponse(pageOf(UserDto))
  @ApiErrors(400)
  users(@TargetOrg() orgId: number, @Query() q: PageQueryDto) {
    return this.orgs.listUsers(orgId, q.page, q.size);
  }

  @Post('users')
  @RequirePermission('ORG_ADMIN')
  @ApiOperation({ summary: 'Add a user' })
  @ApiCreatedResponse({ type: UserDto })
  @ApiErrors(400, 409, 413)
  createUser(@TargetOrg() orgId: number, @Query() _q: OrgQueryDto, @Body() dto: CreateUserDto) {
    return this.orgs.createUser(orgId, dto.email, dto.name);
  }

  @Delete('users/:id')
  @HttpCode(204)
  @RequirePermission('ORG_ADMIN')
  @ApiOperation({ summary: 'Remove a user (and from every webhook failure-receiver list)' })
  @ApiNoContentResponse()
  @ApiErrors(400, 404)
  async deleteUser(@TargetOrg() orgId: number, @Query() _q: OrgQueryDto, @Param('id', idPipe) id: number) {
    await this.orgs.deleteUser(orgId, id);
  }

  @Get('clients')
  @ApiOperation({ summary: 'API clients (never their secrets)' })
  @ApiOkResponse(pageOf(ClientDto))
  @ApiErrors(400)
  clients(@TargetOrg() orgId: number, @Query() q: PageQueryDto) {
    return this.orgs.listClients(orgId, q.page, q.size);
  }

  @Post('clients')
  @RequirePermission('ORG_ADMIN')
  @ApiOperation({ summary: 'Create an API client; the response alone carries clientSecret' })
  @ApiCreatedResponse({ type: CreatedClientDto })
  @ApiErrors(400, 413)
  createClient(@TargetOrg() orgId: number, @Query() _q: OrgQueryDto, @Body() dto: CreateClientDto, @CurrentPrincipal() principal: Principal) {
    return this.orgs.createClient(orgId, dto.name, dto.permissions, principal.permissions);
  }

  @Delete('clients/:clientId')
  @HttpCode(204)
  @RequirePermission('ORG_ADMIN')
  @ApiOperation({ summary: 'Revoke an API client; its tokens stop working at once' })
  @ApiNoContentResponse()
  @ApiErrors(403, 404)
  async revokeClient(@TargetOrg() orgId: number, @Query() _q: OrgQueryDto, @Param('clientId') clientId: string, @CurrentPrincipal() principal: Principal) {
    await this.orgs.revokeClient(orgId, clientId, principal.permissions);
  }
}
