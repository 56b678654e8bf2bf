import { useCallback, useEffect, useState } from 'react';
import { Client, Delivery, Webhook, WebhookStats, messageOf } from './api';
import { DeliveryList } from './DeliveryList';
import { StatsCharts } from './StatsCharts';

/** One webhook: its delivery log; re-enable when the system disabled it; a new signing secret, shown once. */
export function WebhookDeliveries({ api, webhook: initial, onBack, onEdit }: { api: Client; webhook: Webhook; onBack: () => void; onEdit: (w: Webhook) => void }) {
  const [webhook, setWebhook] = useState(initial);
  const [deliveries, setDeliveries] = useState<Delivery[] | null>(null);
  const [stats, setStats] = useState<WebhookStats | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const failed = (e: unknown) => setError(messageOf(e));
  const load = useCallback(
    () => Promise.all([api.deliveries(webhook.id).then((p) => setDeliveries(p.items)), api.stats(webhook.id).then(setStats)]).catch(failed),
    [api, webhook.id],
  );
  useEffect(() => void load(), [load]);

  const act = (action: () => Promise<void>) => () => void action().then(() => setError(null), failed);
  const copy = act(async () => (await navigator.clipboard.writeText(secret!), setCopied(true)));

  return (
    <section aria-labelledby="deliveries-title">
      <div className="toolbar">
        <h2 id="deliveries-title">{webhook.name}</h2>
        <div className="actions">
          {webhook.status === 'DISABLED_DUE_TO_ERRORS' && (
            <button type="button" onClick={act(async () => setWebhook(await api.enable(webhook.id)))}>
              Re-enable
            </button>
          )}
          <button type="button" className="secondary" onClick={() => onEdit(webhook)}>
            Edit
          </button>
          <button type="button" className="secondary" onClick={act(async () => (setSecret((await api.rotateSecret(webhook.id)).signingSecret), setCopied(false)))}>
            Rotate secret
          </button>
          <button type="button" className="secondary" onClick={() => void load()}>
            Refresh
          </button>
          <button type="button" className="secondary" onClick={onBack}>
            Back to webhooks
          </button>
        </div>
      </div>
      <p>
        Status: <span className={`badge ${webhook.status.toLowerCase()}`}>{webhook.status.replace(/_/g, ' ').toLowerCase()}</span> · {webhook.url}
      </p>
      {secret && (
        <div className="secret" aria-label="New signing secret">
          <p>The new signing secret, shown this once (the previous one keeps signing for 24 hours):</p>
          <code>{secret}</code>{' '}
          <button type="button" className="small" onClick={copy}>
            {copied ? 'Copied' : 'Copy'}
          </button>
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {stats && <StatsCharts stats={stats} />}
      {deliveries && <DeliveryList api={api} deliveries={deliveries} onRedelivered={() => void load()} />}
    </section>
  );
}
