import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { NotificationsRepository } from '@hookline/db';
import { RequirePermission, TargetOrg } from '../auth/principal';
import { ApiErrors } from '../common/api-errors.decorator';
import { PageQueryDto } from '../common/pagination.dto';

class NotificationDto {
  @ApiProperty() id: number;
  @ApiProperty() webhookId: number;
  @ApiProperty() userId: number;
  @ApiProperty() email: string;
  @ApiProperty() subject: string;
  @ApiProperty() message: string;
  @ApiProperty({ enum: ['PENDING', 'SENDING', 'SENT', 'SKIPPED', 'FAILED'] }) emailStatus: string;
  @ApiProperty({ description: 'ms since epoch: when the webhook was disabled' }) disabledAt: number;
  @ApiProperty({ description: 'ms since epoch' }) createdAt: number;
}

class NotificationPageDto {
  @ApiProperty({ type: [NotificationDto] }) items: NotificationDto[];
  @ApiProperty() page: number;
  @ApiProperty() size: number;
  @ApiProperty() total: number;
}

/** Failure-receiver notifications (SPEC §5.6): one per receiver each time the system disables a webhook. */
@ApiTags('notifications')
@Controller('api/v1/organization/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsRepository) {}

  @Get()
  @RequirePermission('WEBHOOKS_READ')
  @ApiOperation({ summary: 'Notifications sent to failure receivers, newest first' })
  @ApiOkResponse({ type: NotificationPageDto })
  @ApiErrors(400)
  async list(@TargetOrg() organizationId: number, @Query() q: PageQueryDto) {
    const { rows, total } = await this.notifications.list(organizationId, q.page, q.size);
    return {
      items: rows.map((n) => ({
        id: Number(n.id),
        webhookId: n.webhookId,
        userId: n.userId,
        email: n.email,
        subject: n.subject,
        message: n.message,
        emailStatus: n.emailStatus,
        disabledAt: n.disabledAt.getTime(),
        createdAt: n.createdAt.getTime(),
      })),
      page: q.page,
      size: q.size,
      total,
    };
  }
}
