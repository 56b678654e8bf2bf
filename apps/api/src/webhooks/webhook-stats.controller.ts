import { Controller, Get, Injectable, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AttemptsRepository } from '@hookline/db';
import { RequirePermission, TargetOrg } from '../auth/principal';
import { ApiErrors } from '../common/api-errors.decorator';
import { WebhookIdParam, parseWebhookId } from '../common/path-params';
import { WebhookStatsDto, WebhookStatsQueryDto } from './dto/webhook-stats.dto';
import { WebhooksService } from './webhooks.service';

/** A webhook's recent attempts in figures (issue #14.6), computed in PostgreSQL from the attempt log. */
@Injectable()
export class WebhookStatsService {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly attempts: AttemptsRepository,
  ) {}

  async stats(organizationId: number, webhookId: number, hours: number): Promise<WebhookStatsDto> {
    await this.webhooks.find(organizationId, webhookId); // 404 unless the organization has it
    const to = new Date();
    const from = new Date(to.getTime() - hours * 3600_000);
    const rows = await this.attempts.statsByMinute(organizationId, webhookId, from);
    const total = rows.find((r) => r.minute === null);
    const rate = (succeeded: number, attempts: number) => (attempts ? succeeded / attempts : null);
    return {
      webhookId,
      from: from.getTime(),
      to: to.getTime(),
      attempts: total?.attempts ?? 0,
      succeeded: total?.succeeded ?? 0,
      successRate: total ? rate(total.succeeded, total.attempts) : null,
      p50Ms: total?.p50Ms ?? null,
      p95Ms: total?.p95Ms ?? null,
      minutes: rows
        .filter((r) => r.minute !== null)
        .map((r) => ({ minute: r.minute!, attempts: r.attempts, succeeded: r.succeeded, successRate: rate(r.succeeded, r.attempts)!, p50Ms: r.p50Ms!, p95Ms: r.p95Ms! })),
    };
  }
}

@ApiTags('webhooks')
@Controller('api/v1/organization/webhooks')
export class WebhookStatsController {
  constructor(private readonly stats: WebhookStatsService) {}

  @Get(':id/stats')
  @WebhookIdParam()
  @RequirePermission('WEBHOOKS_READ')
  @ApiOperation({ summary: "A webhook's attempts over the last hours: per minute and in total, success rate and duration p50/p95" })
  @ApiOkResponse({ type: WebhookStatsDto })
  @ApiErrors(400, 404)
  get(@TargetOrg() orgId: number, @Param('id') id: string, @Query() q: WebhookStatsQueryDto) {
    return this.stats.stats(orgId, parseWebhookId(id), q.hours);
  }
}
