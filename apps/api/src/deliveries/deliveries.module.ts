import { Module } from '@nestjs/common';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { DeliveriesController } from './deliveries.controller';
import { DeliveriesService } from './deliveries.service';
import { OrganizationDeliveriesController } from './organization-deliveries.controller';

@Module({ imports: [WebhooksModule], controllers: [DeliveriesController, OrganizationDeliveriesController], providers: [DeliveriesService] })
export class DeliveriesModule {}
