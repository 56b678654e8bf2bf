import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, Length, MaxLength } from 'class-validator';

/** The nested parts of a webhook definition: its auth settings, headers and data trigger. */

export class OAuth2ConfigDto {
  @ApiProperty({ example: 'https://auth.example.com/oauth2/token' })
  @IsString()
  @Length(1, 1024)
  tokenUrl: string;

  @ApiProperty()
  @IsString()
  @Length(1, 512)
  clientId: string;

  @ApiPropertyOptional({ writeOnly: true, description: 'Write-only: stored encrypted, never returned. Omit on update to keep the stored one.' })
  @IsOptional()
  @IsString()
  @Length(1, 1024)
  clientSecret?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  scope?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  audience?: string;
}

export class BasicAuthDto {
  @ApiProperty()
  @IsString()
  @Length(1, 512)
  username: string;

  @ApiPropertyOptional({ writeOnly: true, description: 'Write-only. Omit on update to keep the stored one.' })
  @IsOptional()
  @IsString()
  @Length(1, 1024)
  password?: string;
}

export class HeaderDto {
  @ApiProperty({ example: 'X-Tenant' })
  @IsString()
  @Length(1, 256)
  name: string;

  @ApiProperty({ example: '{device_custom_metadata.tenant}', description: 'Template' })
  @IsString()
  @MaxLength(4096)
  value: string;
}

export class DataTriggerDto {
  @ApiPropertyOptional({ description: 'DEVICE_DATASTREAM_UPDATE: the datastream to match' }) datastreamId?: number;
  @ApiPropertyOptional({ description: 'DEVICE_LOG_EVENT: the event code to match' }) eventCode?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Only events of this device' }) deviceId?: string;
}
