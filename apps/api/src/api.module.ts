import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ConfigModule } from '@hookline/config';
import { CryptoModule } from '@hookline/common';
import { DbModule } from '@hookline/db';
import { DeliveryModule } from '@hookline/delivery';
import { QueueModule, RedisModule } from '@hookline/queue';
import { DeliveriesModule } from './deliveries/deliveries.module';
import { EventTypesModule } from './event-types/event-types.module';
import { EventsModule } from './events/events.module';
import { IngestFaults } from './events/ingest-faults';
import { ApiMetricsModule } from './metrics/metrics.module';
import { MetricsController } from './metrics/metrics.controller';
import { ApiMetricsListener } from './metrics/metrics.listener';
import { NotificationsModule } from './notifications/notifications.module';
import { AuthGuard } from './auth/auth.guard';
import { AuthModule } from './auth/auth.module';
import { RateLimitGuard } from './auth/rate-limit.guard';
import { ApiErrorFilter } from './common/api-error.filter';
import { RequestLogMiddleware } from './common/request-log.middleware';
import { HealthModule } from './health/health.module';
import { OrgScopeGuard } from './organizations/org-scope.guard';
import { OrganizationsModule } from './organizations/organizations.module';
import { PortalLinksModule } from './portal/portal-links.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({
  imports: [
    ConfigModule,
    DbModule,
    RedisModule.forRole('api'),
    QueueModule.forRole('api'),
    CryptoModule,
    DeliveryModule,
    AuthModule,
    OrganizationsModule,
    WebhooksModule,
    DeliveriesModule,
    NotificationsModule,
    EventTypesModule,
    PortalLinksModule,
    HealthModule,
    ApiMetricsModule,
  ],
  controllers: [MetricsController],
  providers: [
    ApiMetricsListener,
    // Guards run in this order: who is calling, within budget, on which organization.
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_GUARD, useClass: OrgScopeGuard },
    { provide: APP_FILTER, useClass: ApiErrorFilter },
  ],
})
export class ApiModule implements NestModule {
  /** The API; `ingestFaults` are for tests only (see IngestFaults). */
  static register(ingestFaults?: IngestFaults): DynamicModule {
    return { module: ApiModule, imports: [EventsModule.register(ingestFaults)] };
  }

  configure(consumer: MiddlewareConsumer) {
    consumer.apply(RequestLogMiddleware).forRoutes('*path');
  }
}
