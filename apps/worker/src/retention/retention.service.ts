import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@hookline/config';
import { PrismaService } from '@hookline/db';

const BATCH = 5000;

/** Prunes the delivery log past HOOKLINE_RETENTION_DAYS (SPEC §5.7), in batches, never touching pending work. */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);
  private readonly days: number;

  constructor(
    private readonly prisma: PrismaService,
    config: ConfigService,
  ) {
    this.days = config.get('retentionDays');
  }

  async prune(now = new Date()): Promise<{ events: number; webhooks: number }> {
    const cutoff = new Date(now.getTime() - this.days * 86400_000);
    let events = 0;
    for (;;) {
      // Deliveries and attempts go with their event (ON DELETE CASCADE).
      const n = await this.prisma.$executeRaw`
        DELETE FROM event WHERE id IN (
          SELECT e.id FROM event e
          WHERE e.created_at < ${cutoff}
            AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.event_row_id = e.id AND d.status = 'PENDING')
          LIMIT ${BATCH})`;
      events += n;
      if (n < BATCH) break;
    }
    const webhooks = await this.prisma.$executeRaw`
      DELETE FROM webhook w WHERE w.deleted_at < ${cutoff}
        AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.webhook_id = w.id AND d.status = 'PENDING')`;
    await this.prisma.$executeRaw`DELETE FROM notification WHERE created_at < ${cutoff}`;
    if (events || webhooks) this.logger.log({ msg: 'retention pruned', events, webhooks, olderThan: cutoff.toISOString() });
    return { events, webhooks };
  }
}
