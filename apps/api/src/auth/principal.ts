import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Request } from 'express';
import { Permission } from '@hookline/db';

/** Who is calling: the API client behind the bearer token. */
export interface Principal {
  clientId: string;
  organizationId: number;
  permissions: Permission[];
}

export interface AuthedRequest extends Request {
  principal?: Principal;
  /** The organization the call acts on: `orgId`, or the token's own. Set by OrgScopeGuard. */
  targetOrgId?: number;
}

export const IS_PUBLIC = 'hookline:public';
export const REQUIRED_PERMISSION = 'hookline:permission';

/** Marks a public operation in the OpenAPI document; setupOpenApi (app.factory.ts) turns it into `security: []`. */
export const OPENAPI_PUBLIC = 'x-hookline-public';

/** No bearer token needed (token endpoint, health, docs). */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension(OPENAPI_PUBLIC, true));

/** The permission a route needs (SPEC §2); missing → 403. */
export const RequirePermission = (permission: Permission) => SetMetadata(REQUIRED_PERMISSION, permission);

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<AuthedRequest>().principal!;
});

/** The organization id the call acts on, already checked against the token's tree. */
export const TargetOrg = createParamDecorator((_: unknown, ctx: ExecutionContext): number => {
  return ctx.switchToHttp().getRequest<AuthedRequest>().targetOrgId!;
});
