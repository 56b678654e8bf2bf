import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient } from '../../../../generated/prisma/client';
import { PrismaService } from '../prisma.service';

const COLUMNS = ['oauth2ClientSecretEnc', 'basicPasswordEnc', 'signingSecretEnc', 'previousSigningSecretEnc'] as const;

/** The write-only secrets of every webhook, as stored (encrypted at rest). */
@Injectable()
export class WebhookSecretsRepository {
  // A PrismaClient, so the CLI can build one without Nest.
  constructor(@Inject(PrismaService) private readonly prisma: PrismaClient) {}

  /**
   * Replaces every stored secret with `recrypt(secret)`, in one transaction (all
   * or nothing). `updated_at` moves, so workers reload the definitions they cache.
   */
  async recryptAll(recrypt: (encrypted: string) => string): Promise<{ webhooks: number; secrets: number }> {
    return this.prisma.$transaction(
      async (tx) => {
        const rows = await tx.webhook.findMany({ select: { id: true, oauth2ClientSecretEnc: true, basicPasswordEnc: true, signingSecretEnc: true, previousSigningSecretEnc: true } });
        let secrets = 0;
        for (const row of rows) {
          const data: Record<string, string> = {};
          for (const col of COLUMNS) {
            const value = row[col];
            if (!value) continue;
            data[col] = recrypt(value);
            secrets++;
          }
          await tx.webhook.update({ where: { id: row.id }, data });
        }
        return { webhooks: rows.length, secrets };
      },
      { timeout: 600_000 },
    );
  }
}
