import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { PortalLinksController } from './portal-links.controller';
import { PortalLinksService } from './portal-links.service';

@Module({ imports: [AuthModule], controllers: [PortalLinksController], providers: [PortalLinksService] })
export class PortalLinksModule {}
