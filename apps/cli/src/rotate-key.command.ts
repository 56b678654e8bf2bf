import { SecretCipher } from '@hookline/common';
import { PrismaClient, WebhookSecretsRepository } from '@hookline/db';

/**
 * Re-encrypts every write-only secret from the old at-rest key to the new one,
 * all or nothing. Run it with the API and workers stopped or already on the new
 * key; see docs/operations.md.
 */
export async function rotateEncryptionKey(prisma: PrismaClient, oldKey: Buffer, newKey: Buffer): Promise<{ webhooks: number; secrets: number }> {
  const from = new SecretCipher(oldKey);
  const to = new SecretCipher(newKey);
  return new WebhookSecretsRepository(prisma).recryptAll((value) => to.encrypt(from.decrypt(value)));
}
