import { Module } from '@nestjs/common';
import { ConfigModule } from '@hookline/config';
import { CryptoModule, MetricsService } from '@hookline/common';
import { DbModule } from '@hookline/db';
import { DeliveryModule } from '@hookline/delivery';
import { QueueModule, RedisModule } from '@hookline/queue';
import { AttemptRecorder } from './delivery/attempt-recorder';
import { AttemptSettler } from './delivery/attempt-settler';
import { ClaimBatcher } from './delivery/claim.batcher';
import { WebhookDefinitions } from './delivery/webhook-definitions';
import { WebhookDisabler } from './delivery/webhook-disabler';
import { DeliveryProcessor } from './delivery/delivery.processor';
import { DeliveryGate } from './delivery/delivery-gate';
import { DeliveryService } from './delivery/delivery.service';
import { LeaseKeeper } from './delivery/lease-keeper';
import { DeliveryMetrics } from './metrics/delivery-metrics';
import { MetricsServer } from './metrics/metrics.server';
import { EmailProcessor } from './notifications/email.processor';
import { EmailService } from './notifications/email.service';
import { RetentionService } from './retention/retention.service';
import { SweeperService } from './sweeper/sweeper.service';
import { UpkeepScheduler } from './upkeep/upkeep.scheduler';
import { WorkerLifecycle } from './worker.lifecycle';

/**
 * The dispatch worker: a Nest application context, no HTTP API. BullMQ
 * processors stay thin; the services hold the logic.
 */
@Module({
  imports: [ConfigModule, DbModule, RedisModule.forRole('worker'), QueueModule.forRole('worker'), CryptoModule, DeliveryModule],
  providers: [
    WorkerLifecycle,
    MetricsService,
    DeliveryMetrics,
    MetricsServer,
    DeliveryService,
    DeliveryGate,
    ClaimBatcher,
    LeaseKeeper,
    WebhookDefinitions,
    AttemptRecorder,
    AttemptSettler,
    WebhookDisabler,
    DeliveryProcessor,
    EmailService,
    EmailProcessor,
    SweeperService,
    RetentionService,
    UpkeepScheduler,
  ],
})
export class WorkerModule {}
