import { Module } from '@nestjs/common';
import { OrgAccessService } from './org-access.service';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsService } from './organizations.service';

@Module({
  controllers: [OrganizationsController],
  providers: [OrganizationsService, OrgAccessService],
  exports: [OrganizationsService, OrgAccessService],
})
export class OrganizationsModule {}
