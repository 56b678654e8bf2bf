import { ApiParam } from '@nestjs/swagger';
import { DELIVERY_NOT_FOUND, NotFound, ValidationFailed, WEBHOOK_NOT_FOUND } from '@hookline/common';

/** `{id}` of a webhook: not an integer → 400; beyond int4 cannot exist → 404. */
export function parseWebhookId(raw: string): number {
  if (!/^\d+$/.test(raw)) throw ValidationFailed.field('id', 'id must be a positive integer');
  const id = Number(raw);
  if (id < 1 || id > 2_147_483_647) throw new NotFound(WEBHOOK_NOT_FOUND);
  return id;
}

/** `{deliveryId}`: not an integer → 400; beyond bigint cannot exist → 404. */
export function parseDeliveryId(raw: string): bigint {
  if (!/^\d{1,18}$/.test(raw)) {
    if (/^\d+$/.test(raw)) throw new NotFound(DELIVERY_NOT_FOUND);
    throw ValidationFailed.field('deliveryId', 'deliveryId must be a positive integer');
  }
  return BigInt(raw);
}

/** `{id}` and `{deliveryId}` in OpenAPI: integers, though Express hands them over as text. */
export const WebhookIdParam = () => ApiParam({ name: 'id', type: 'integer', description: 'The webhook id' });
export const DeliveryIdParam = () => ApiParam({ name: 'deliveryId', type: 'integer', format: 'int64', description: 'The delivery id' });
