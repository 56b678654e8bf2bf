import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsEmail, IsIn, IsString, Length, MaxLength } from 'class-validator';
import { Permission } from '@hookline/db';

export const PERMISSIONS = Object.values(Permission);

/** A non-empty list of distinct permissions: what an API client or a portal link is granted. */
export const PermissionList = () => applyDecorators(IsArray(), ArrayMinSize(1), ArrayMaxSize(PERMISSIONS.length), ArrayUnique(), IsIn(PERMISSIONS, { each: true }));

export class OrganizationDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: Number }) parentId: number | null;
  @ApiProperty({ description: 'ms since epoch' }) createdAt: number;
}

export class CreateOrganizationDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name: string;
}

export class UserDto {
  @ApiProperty() id: number;
  @ApiProperty() email: string;
  @ApiProperty() name: string;
  @ApiProperty() organizationId: number;
  @ApiProperty({ description: 'ms since epoch' }) createdAt: number;
}

export class CreateUserDto {
  @ApiProperty({ example: 'ops@example.com' })
  @IsString()
  @MaxLength(320)
  @IsEmail()
  email: string;

  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name: string;
}

export class ClientDto {
  @ApiProperty({ example: 'hlc_0f3c…' }) clientId: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: PERMISSIONS, isArray: true }) permissions: Permission[];
  @ApiProperty() organizationId: number;
  @ApiProperty({ description: 'ms since epoch' }) createdAt: number;
}

export class CreatedClientDto {
  @ApiProperty() clientId: string;
  @ApiProperty({ description: 'Shown once; store it now' }) clientSecret: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: PERMISSIONS, isArray: true }) permissions: Permission[];
}

export class CreateClientDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: PERMISSIONS, isArray: true })
  @PermissionList()
  permissions: Permission[];
}
