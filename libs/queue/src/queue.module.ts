import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigService } from '@hookline/config';
import { bullConnection } from './bull.connection';
import { DeliveryQueue } from './delivery.queue';
import { FairOrder } from './fair-order';
import { DEFAULT_JOB_OPTIONS, QUEUES, QUEUE_PREFIX } from './queues';
import { RedisRole } from './redis.provider';

/** BullMQ queues with the role's connection settings, and the producers. */
@Global()
@Module({})
export class QueueModule {
  static forRole(role: RedisRole): DynamicModule {
    return {
      module: QueueModule,
      imports: [
        BullModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            connection: bullConnection(config.get('redisUrl'), role),
            prefix: QUEUE_PREFIX,
            defaultJobOptions: DEFAULT_JOB_OPTIONS,
          }),
        }),
        BullModule.registerQueue({ name: QUEUES.delivery }, { name: QUEUES.email }),
      ],
      providers: [DeliveryQueue, FairOrder],
      exports: [BullModule, DeliveryQueue, FairOrder],
    };
  }
}
