import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Permission } from '@hookline/db';
import { PERMISSIONS, PermissionList } from '../organizations/dto/organization.dto';
export const PORTAL_TTL = { min: 60, max: 86_400, default: 3600 };

export class CreatePortalLinkDto {
  @ApiPropertyOptional({ type: 'integer', minimum: PORTAL_TTL.min, maximum: PORTAL_TTL.max, default: PORTAL_TTL.default, description: 'How long the link signs in for' })
  @IsOptional()
  @IsInt()
  @Min(PORTAL_TTL.min)
  @Max(PORTAL_TTL.max)
  ttlSeconds?: number;

  @ApiProperty({ enum: PERMISSIONS, isArray: true, example: ['WEBHOOKS_READ', 'WEBHOOKS_WRITE'], description: "What the link's session may do: some of the caller's own permissions" })
  @PermissionList()
  permissions: Permission[];
}

export class PortalLinkDto {
  @ApiProperty({
    example: 'https://hooks.example.com/console/#token=eyJ…',
    description: 'Opens the console signed in to the organization. The token is in the fragment, which browsers never send to a server. Absolute with HOOKLINE_PUBLIC_URL, else relative to this API',
  })
  url: string;
  @ApiProperty({ example: 'hlp_…', description: "The link's client: DELETE /api/v1/organization/clients/{clientId} revokes the link at once" })
  clientId: string;
  @ApiProperty({ type: 'integer' }) organizationId: number;
  @ApiProperty({ enum: PERMISSIONS, isArray: true }) permissions: Permission[];
  @ApiProperty({ description: 'ms since epoch: when the token stops working' }) expiresAt: number;
}
