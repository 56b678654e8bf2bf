/**
 * What the public API answers and takes, as the console uses it: the types
 * generated from its OpenAPI document (clients/typescript, `npm run
 * client:generate`), so the console cannot drift from the API.
 */
import type { components } from '../../../clients/typescript/src/schema';

type Schemas = components['schemas'];

export type FieldError = Schemas['FieldErrorDto'];
export type Webhook = Schemas['WebhookDto'];
export type Organization = Schemas['OrganizationDto'];
export type User = Schemas['UserDto'];
export type ApiClientRow = Schemas['ClientDto'];
export type CreatedClient = Schemas['CreatedClientDto'];
export type EventType = Schemas['EventTypeDto'];
export type RenderedRequest = Schemas['RenderedRequestDto'];
export type DraftTest = Schemas['DraftTestDto'];
export type WebhookStats = Schemas['WebhookStatsDto'];
export type Notification = Schemas['NotificationDto'];
export type Attempt = Schemas['NumberedAttemptDto'];
export type Delivery = Schemas['DeliveryDto'];
export type Permission = Schemas['ClientDto']['permissions'][number];

export const PERMISSIONS: Permission[] = ['WEBHOOKS_READ', 'WEBHOOKS_WRITE', 'EVENTS_PUBLISH', 'ORG_ADMIN'];

export interface Page<T> {
  items: T[];
  page: number;
  size: number;
  total: number;
}

/** A webhook as the editor holds it: the body of a create. */
export interface Draft {
  name: string;
  triggerType: string;
  url: string;
  method: string;
  contentType: string;
  bodyTemplate: string | null;
  headers: { name: string; value: string }[];
  failureLimit: number;
  authType: string;
  /** Write-only secrets: empty keeps the stored one on an update. */
  basicAuth: { username: string; password?: string } | null;
  oauth2: { tokenUrl: string; clientId: string; clientSecret?: string; scope?: string; audience?: string } | null;
  failureNotifyUserIds: number[];
  dataTrigger: { datastreamId?: number; eventCode?: string; deviceId?: string } | null;
  maxConcurrency: number | null;
  rateLimitPerMinute: number | null;
}
