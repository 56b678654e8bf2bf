import { Module } from '@nestjs/common';
import { WebhookValidator } from './webhook.validator';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhookValidator],
  exports: [WebhooksService],
})
export class WebhooksModule {}
