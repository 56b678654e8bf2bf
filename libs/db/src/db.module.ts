import { Global, Module } from '@nestjs/common';
import { PrismaService } from './prisma.service';
import { AttemptsRepository } from './repositories/attempts.repository';
import { ClientsRepository } from './repositories/clients.repository';
import { DeliveryLogRepository } from './repositories/delivery-log.repository';
import { EventsRepository } from './repositories/events.repository';
import { DeliveriesRepository } from './repositories/deliveries.repository';
import { NotificationsRepository } from './repositories/notifications.repository';
import { OrganizationsRepository } from './repositories/organizations.repository';
import { UpkeepRepository } from './repositories/upkeep.repository';
import { UsersRepository } from './repositories/users.repository';
import { WebhookCountersRepository } from './repositories/webhook-counters.repository';
import { WebhooksRepository } from './repositories/webhooks.repository';
import { SqlPool } from './sql-pool';

/** Every table's repository; services use these, never PrismaService or SqlPool statements of their own. */
const REPOSITORIES = [
  AttemptsRepository,
  ClientsRepository,
  DeliveriesRepository,
  DeliveryLogRepository,
  EventsRepository,
  NotificationsRepository,
  OrganizationsRepository,
  UpkeepRepository,
  UsersRepository,
  WebhookCountersRepository,
  WebhooksRepository,
];

@Global()
@Module({ providers: [PrismaService, SqlPool, ...REPOSITORIES], exports: [PrismaService, SqlPool, ...REPOSITORIES] })
export class DbModule {}
