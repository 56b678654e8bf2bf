import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { RequirePermission, TargetOrg } from '../auth/principal';
import { ApiErrors } from '../common/api-errors.decorator';
import { WebhookIdParam, parseWebhookId } from '../common/path-params';
import { RotatedSecretDto, TestAttemptDto, WebhookDto } from './dto/webhook-view.dto';
import { CreateWebhookDto, ListWebhooksQueryDto, OrgQueryDto, UpdateWebhookDto } from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiExtraModels(WebhookDto)
@Controller('api/v1/organization/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @RequirePermission('WEBHOOKS_READ')
  @ApiOperation({ summary: 'List webhooks, filtered by status and trigger type' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: { items: { type: 'array', items: { $ref: getSchemaPath(WebhookDto) } }, page: { type: 'integer' }, size: { type: 'integer' }, total: { type: 'integer' } },
    },
  })
  @ApiErrors(400)
  list(@TargetOrg() orgId: number, @Query() q: ListWebhooksQueryDto) {
    return this.webhooks.list(orgId, q);
  }

  @Post()
  @RequirePermission('WEBHOOKS_WRITE')
  @ApiOperation({ summary: 'Create a webhook; the response alone shows signingSecret' })
  @ApiCreatedResponse({ type: WebhookDto })
  @ApiErrors(400, 413)
  create(@TargetOrg() orgId: number, @Query() _q: OrgQueryDto, @Body() dto: CreateWebhookDto) {
    return this.webhooks.create(orgId, dto);
  }

  @Get(':id')
  @WebhookIdParam()
  @RequirePermission('WEBHOOKS_READ')
  @ApiOperation({ summary: 'Get a webhook' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiErrors(400, 404)
  get(@TargetOrg() orgId: number, @Query() _q: OrgQueryDto, @Param('id') id: string) {
    return this.webhooks.get(orgId, parseWebhookId(id));
  }

  @Put(':id')
  @WebhookIdParam()
  @RequirePermission('WEBHOOKS_WRITE')
  @ApiOperation({ summary: 'Update a webhook: a partial update, omitted fields keep their value (PATCH is the same)' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiErrors(400, 404, 413)
  update(@TargetOrg() orgId: number, @Query() _q: OrgQueryDto, @Param('id') id: string, @Body() dto: UpdateWebhookDto) {
    return this.webhooks.update(orgId, parseWebhookId(id), dto);
  }

  /** The same partial update as PUT, under the method HTTP names for it (RFC 5789). */
  @Patch(':id')
  @WebhookIdParam()
  @RequirePermission('WEBHOOKS_WRITE')
  @ApiOperation({ summary: 'Update a webhook, the same as PUT: omitted fields keep their value' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiErrors(400, 404, 413)
  patch(@TargetOrg() orgId: number, @Query() _q: OrgQueryDto, @Param('id') id: string, @Body() dto: UpdateWebhookDto) {
    return this.webhooks.update(orgId, parseWebhookId(id), dto);
  }

  @Post(':id/test')
  @WebhookIdParam()
  @HttpCode(200)
  @RequirePermission('WEBHOOKS_WRITE')
  @ApiOperation({ summary: 'Send one request now with a sample event of the trigger; returns the attempt (counts in totalAttempts)' })
  @ApiOkResponse({ type: TestAttemptDto })
  @ApiErrors(400, 404)
  test(@TargetOrg() orgId: number, @Query() _q: OrgQueryDto, @Param('id') id: string) {
    return this.webhooks.test(orgId, parseWebhookId(id));
  }

  @Post(':id/rotate-secret')
  @WebhookIdParam()
  @HttpCode(200)
  @RequirePermission('WEBHOOKS_WRITE')
  @ApiOperation({ summary: 'New signing secret; the old one keeps signing (second signature) for 24 h' })
  @ApiOkResponse({ type: RotatedSecretDto })
  @ApiErrors(400, 404, 409)
  rotateSecret(@TargetOrg() orgId: number, @Query() _q: OrgQueryDto, @Param('id') id: string) {
    return this.webhooks.rotateSecret(orgId, parseWebhookId(id));
  }

  @Delete(':id')
  @WebhookIdParam()
  @HttpCode(204)
  @RequirePermission('WEBHOOKS_WRITE')
  @ApiOperation({ summary: 'Delete a webhook; its queued deliveries are cancelled' })
  @ApiNoContentResponse()
  @ApiErrors(400, 404)
  async delete(@TargetOrg() orgId: number, @Query() _q: OrgQueryDto, @Param('id') id: string) {
    await this.webhooks.delete(orgId, parseWebhookId(id));
  }
}
