import { Injectable } from '@nestjs/common';
import { SecretCipher } from '@hookline/common';
import { WebhooksRepository } from '@hookline/db';
import { ExecutableWebhook, toExecutableWebhook } from '@hookline/delivery';

interface Entry {
  version: number;
  /** Signing with the current secret only. */
  current: ExecutableWebhook;
  /** Signing with both while a rotated secret overlaps, until previousExpiresAt. */
  overlapping: ExecutableWebhook | null;
  previousExpiresAt: number;
}

const MAX_ENTRIES = 50_000;

/**
 * Decrypted webhook definitions, cached per worker and keyed by `updated_at`:
 * every API change to a webhook bumps it, and the claim query returns the
 * current value with each delivery, so a stale definition is never used. Saves
 * a query and three decryptions per attempt.
 */
@Injectable()
export class WebhookDefinitions {
  private readonly entries = new Map<number, Entry>();

  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly cipher: SecretCipher,
  ) {}

  /** Loads, in one query, every webhook whose cached version is missing or older. */
  async ensure(wanted: Map<number, number>): Promise<void> {
    const stale = [...wanted].filter(([id, version]) => this.entries.get(id)?.version !== version).map(([id]) => id);
    if (!stale.length) return;
    const rows = await this.webhooks.forSending(stale);
    if (this.entries.size + rows.length > MAX_ENTRIES) this.entries.clear();
    for (const row of rows) {
      // As of the epoch: every stored secret, decrypted once; get() applies the overlap.
      const webhook = toExecutableWebhook(row, row.organization, this.cipher, new Date(0));
      const [current, previous] = webhook.signingSecrets;
      this.entries.set(row.id, {
        version: row.updatedAt.getTime(),
        current: { ...webhook, signingSecrets: [current] },
        overlapping: previous ? { ...webhook, signingSecrets: [current, previous] } : null,
        previousExpiresAt: row.previousSecretExpiresAt?.getTime() ?? 0,
      });
    }
  }

  /** The definition to send with (shared, not to be modified); a rotated secret signs too until its overlap ends. */
  get(id: number, now = Date.now()): ExecutableWebhook {
    const e = this.entries.get(id);
    if (!e) throw new Error(`webhook ${id} not loaded`);
    return e.overlapping && e.previousExpiresAt > now ? e.overlapping : e.current;
  }
}
