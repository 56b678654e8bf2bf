import { Module } from '@nestjs/common';
import { ConfigModule } from '@hookline/config';
import { CryptoModule } from '@hookline/common';
import { DbModule } from '@hookline/db';
import { RedisModule } from '@hookline/queue';
import { WorkerLifecycle } from './worker.lifecycle';

/**
 * The dispatch worker: a Nest application context, no HTTP server. It holds the
 * PostgreSQL and Redis connections the BullMQ processors (fan-out, delivery,
 * sweeper, retention) run on.
 */
@Module({
  imports: [ConfigModule, DbModule, RedisModule.forRole('worker'), CryptoModule],
  providers: [WorkerLifecycle],
})
export class WorkerModule {}
