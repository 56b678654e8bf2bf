import { Module } from '@nestjs/common';
import { WebhookDraftsController } from './webhook-drafts.controller';
import { WebhookDraftsService } from './webhook-drafts.service';
import { WebhookValidator } from './webhook.validator';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({
  controllers: [WebhooksController, WebhookDraftsController],
  providers: [WebhooksService, WebhookDraftsService, WebhookValidator],
  exports: [WebhooksService],
})
export class WebhooksModule {}
