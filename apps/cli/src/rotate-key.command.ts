import { SecretCipher } from '@hookline/common';
import { PrismaClient } from '@hookline/db';

const COLUMNS = ['oauth2ClientSecretEnc', 'basicPasswordEnc', 'signingSecretEnc', 'previousSigningSecretEnc'] as const;

/**
 * Re-encrypts every write-only secret from the old at-rest key to the new one,
 * in one transaction (all or nothing). `updated_at` moves so workers reload the
 * definitions they cache. Run it with the API and workers stopped or already on
 * the new key; see docs/operations.md.
 */
export async function rotateEncryptionKey(prisma: PrismaClient, oldKey: Buffer, newKey: Buffer): Promise<{ webhooks: number; secrets: number }> {
  const from = new SecretCipher(oldKey);
  const to = new SecretCipher(newKey);
  return prisma.$transaction(
    async (tx) => {
      const rows = await tx.webhook.findMany({ select: { id: true, oauth2ClientSecretEnc: true, basicPasswordEnc: true, signingSecretEnc: true, previousSigningSecretEnc: true } });
      let secrets = 0;
      for (const row of rows) {
        const data: Record<string, string> = {};
        for (const col of COLUMNS) {
          const value = row[col];
          if (!value) continue;
          data[col] = to.encrypt(from.decrypt(value));
          secrets++;
        }
        await tx.webhook.update({ where: { id: row.id }, data });
      }
      return { webhooks: rows.length, secrets };
    },
    { timeout: 600_000 },
  );
}
