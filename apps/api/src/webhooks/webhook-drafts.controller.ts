import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission, TargetOrg } from '../auth/principal';
import { ApiErrors } from '../common/api-errors.decorator';
import { DraftTestDto, WebhookDraftDto, WebhookPreviewDto } from './dto/webhook-draft.dto';
import { OrgQueryDto } from './dto/webhook.dto';
import { WebhookDraftsService } from './webhook-drafts.service';

/** A webhook before it is saved: what it would send (issue #14). Both need WEBHOOKS_WRITE: they are the editor's. */
@ApiTags('webhooks')
@Controller('api/v1/organization/webhooks')
export class WebhookDraftsController {
  constructor(private readonly drafts: WebhookDraftsService) {}

  @Post('preview')
  @HttpCode(200)
  @RequirePermission('WEBHOOKS_WRITE')
  @ApiOperation({ summary: 'Render a draft webhook (the body of a create, plus an optional event) without saving or sending it' })
  @ApiOkResponse({ type: WebhookPreviewDto })
  @ApiErrors(400, 413)
  preview(@TargetOrg() orgId: number, @Query() _q: OrgQueryDto, @Body() dto: WebhookDraftDto) {
    return this.drafts.preview(orgId, dto);
  }

  @Post('test-draft')
  @HttpCode(200)
  @RequirePermission('WEBHOOKS_WRITE')
  @ApiOperation({
    summary: 'Send a draft webhook once to its URL, signed with a one-off secret, and answer what the receiver said; nothing is saved or counted',
    description: 'The same target rules (SSRF), timeout and response excerpt as deliveries. A 200 answer whatever the receiver answered: see status.',
  })
  @ApiOkResponse({ type: DraftTestDto })
  @ApiErrors(400, 413)
  test(@TargetOrg() orgId: number, @Query() _q: OrgQueryDto, @Body() dto: WebhookDraftDto) {
    return this.drafts.test(orgId, dto);
  }
}
