import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@hookline/config';
import { EventsRepository, NotificationsRepository, WebhooksRepository } from '@hookline/db';

const BATCH = 5000;

/** Prunes the delivery log past HOOKLINE_RETENTION_DAYS (SPEC §5.7), in batches, never touching pending work. */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);
  private readonly days: number;

  constructor(
    private readonly events: EventsRepository,
    private readonly webhooks: WebhooksRepository,
    private readonly notifications: NotificationsRepository,
    config: ConfigService,
  ) {
    this.days = config.get('retentionDays');
  }

  async prune(now = new Date()): Promise<{ events: number; webhooks: number }> {
    const cutoff = new Date(now.getTime() - this.days * 86400_000);
    let events = 0;
    for (;;) {
      const n = await this.events.pruneBefore(cutoff, BATCH);
      events += n;
      if (n < BATCH) break;
    }
    const webhooks = await this.webhooks.pruneDeleted(cutoff);
    await this.notifications.pruneBefore(cutoff);
    if (events || webhooks) this.logger.log({ msg: 'retention pruned', events, webhooks, olderThan: cutoff.toISOString() });
    return { events, webhooks };
  }
}
