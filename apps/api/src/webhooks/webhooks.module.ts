import { Module } from '@nestjs/common';
import { WebhookDraftsController } from './webhook-drafts.controller';
import { WebhookDraftsService } from './webhook-drafts.service';
import { WebhookStatsController, WebhookStatsService } from './webhook-stats.controller';
import { WebhookValidator } from './webhook.validator';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({
  controllers: [WebhooksController, WebhookDraftsController, WebhookStatsController],
  providers: [WebhooksService, WebhookDraftsService, WebhookStatsService, WebhookValidator],
  exports: [WebhooksService],
})
export class WebhooksModule {}
