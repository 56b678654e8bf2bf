import { useCallback, useEffect, useState } from 'react';
import { ApiError, Client, Delivery, Webhook } from './api';

const when = (ms: number) => new Date(ms).toLocaleString();

/** One webhook's delivery log, newest first, each delivery with its attempts; re-enable when the system disabled it. */
export function WebhookDeliveries({ api, webhook: initial, onBack }: { api: Client; webhook: Webhook; onBack: () => void }) {
  const [webhook, setWebhook] = useState(initial);
  const [deliveries, setDeliveries] = useState<Delivery[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => api.deliveries(webhook.id).then((p) => setDeliveries(p.items), (e) => setError(e instanceof ApiError ? e.message : 'Hookline did not answer')), [api, webhook.id]);
  useEffect(() => void load(), [load]);

  const enable = async () => {
    try {
      setWebhook(await api.enable(webhook.id));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Hookline did not answer');
    }
  };

  return (
    <section aria-labelledby="deliveries-title">
      <div className="toolbar">
        <h2 id="deliveries-title">{webhook.name}</h2>
        <div className="actions">
          {webhook.status === 'DISABLED_DUE_TO_ERRORS' && (
            <button type="button" onClick={enable}>
              Re-enable
            </button>
          )}
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
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {deliveries?.length === 0 && <p>No deliveries yet.</p>}
      <ol className="deliveries">
        {deliveries?.map((d) => (
          <li key={d.id} data-delivery-id={d.id}>
            <strong className={`delivery-status ${d.status.toLowerCase()}`}>{d.status}</strong> {d.eventType} · event {d.eventId} · {when(d.createdAt)}
            <ul>
              {d.attempts.map((a) => (
                <li key={a.number} className="attempt">
                  Attempt {a.number}: {a.responseStatus ?? 'no answer'} in {a.durationMs} ms{a.error ? ` (${a.error})` : ''}
                  {a.responseBody ? <pre>{a.responseBody}</pre> : null}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </section>
  );
}
