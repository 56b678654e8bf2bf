import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** `orgId` is read by OrgScopeGuard; declared here so it is documented and not rejected as unknown. */
export class OrgQueryDto {
  @ApiPropertyOptional({ type: 'integer', description: 'Organization to act on (default: the token organization); must be it or a descendant' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  orgId?: number;
}

export class PageQueryDto extends OrgQueryDto {
  @ApiPropertyOptional({ type: 'integer', default: 0, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  page = 0;

  @ApiPropertyOptional({ type: 'integer', default: 100, minimum: 1, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  size = 100;
}
