import { useState } from 'react';
import { Client, Delivery, messageOf } from './api';

const when = (ms: number) => new Date(ms).toLocaleString();

/** Deliveries with their attempts, newest first; each can be sent again (a new delivery of the same event). */
export function DeliveryList({ api, deliveries, showWebhook, onRedelivered }: { api: Client; deliveries: Delivery[]; showWebhook?: boolean; onRedelivered: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const redeliver = async (d: Delivery) => {
    try {
      await api.redeliver(d);
      setError(null);
      onRedelivered();
    } catch (e) {
      setError(messageOf(e));
    }
  };
  if (!deliveries.length) return <p>No deliveries.</p>;
  return (
    <>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <ol className="deliveries">
        {deliveries.map((d) => (
          <li key={d.id} data-delivery-id={d.id}>
            <strong className={`delivery-status ${d.status.toLowerCase()}`}>{d.status}</strong> {d.eventType}
            {showWebhook ? ` · webhook ${d.webhookId}` : ''} · event {d.eventId} · {when(d.createdAt)}{' '}
            <button type="button" className="secondary small" onClick={() => void redeliver(d)}>
              Redeliver
            </button>
            <ul>
              {d.attempts.map((a) => (
                <li key={a.number} className="attempt">
                  Attempt {a.number}: {a.responseStatus ?? 'no answer'} in {a.durationMs} ms{a.error ? ` (${a.error})` : ''} · {when(a.startedAt)} · {a.requestMethod} {a.requestUrl}
                  {a.responseBody ? <pre>{a.responseBody}</pre> : null}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </>
  );
}
