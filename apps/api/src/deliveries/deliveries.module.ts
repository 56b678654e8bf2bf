import { Module } from '@nestjs/common';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { DeliveriesController } from './deliveries.controller';
import { DeliveriesService } from './deliveries.service';

@Module({ imports: [WebhooksModule], controllers: [DeliveriesController], providers: [DeliveriesService] })
export class DeliveriesModule {}
