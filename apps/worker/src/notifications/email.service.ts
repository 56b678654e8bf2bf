import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import nodemailer, { Transporter } from 'nodemailer';
import { ConfigService } from '@hookline/config';
import { NotificationsRepository } from '@hookline/db';

export type EmailResult = 'sent' | 'skipped' | 'not-pending';

/**
 * Failure-receiver emails (SPEC §5.6). A notification's email moves
 * PENDING → SENDING → SENT with conditional UPDATEs, so each is sent once even
 * if its job runs twice; without SMTP_URL it is marked SKIPPED and logged.
 */
@Injectable()
export class EmailService implements OnModuleDestroy {
  private readonly logger = new Logger(EmailService.name);
  private readonly transport: Transporter | null;
  private readonly from: string;

  constructor(
    private readonly notifications: NotificationsRepository,
    config: ConfigService,
  ) {
    const url = config.get('smtpUrl');
    this.transport = url ? nodemailer.createTransport(url) : null;
    this.from = config.get('smtpFrom');
  }

  async send(notificationId: bigint, finalTry: boolean): Promise<EmailResult> {
    const n = await this.notifications.claimForSending(notificationId);
    if (!n) return 'not-pending';
    if (!this.transport) {
      await this.notifications.settle(n.id, 'SKIPPED', 'SMTP_URL is not set');
      this.logger.warn({ msg: 'email skipped: SMTP_URL is not set', notificationId: String(n.id), webhookId: n.webhookId, userId: n.userId });
      return 'skipped';
    }
    try {
      await this.transport.sendMail({ from: this.from, to: n.email, subject: n.subject, text: n.message });
      await this.notifications.settle(n.id, 'SENT', null);
      this.logger.log({ msg: 'email sent', notificationId: String(n.id), webhookId: n.webhookId, userId: n.userId });
      return 'sent';
    } catch (err) {
      const message = (err as Error).message.slice(0, 500);
      await this.notifications.settle(n.id, finalTry ? 'FAILED' : 'PENDING', message);
      throw err;
    }
  }

  onModuleDestroy() {
    this.transport?.close();
  }
}
