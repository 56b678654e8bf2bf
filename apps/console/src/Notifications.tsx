import { useEffect, useState } from 'react';
import { Client, Notification, messageOf } from './api';

/** Who was told when the system disabled a webhook, and whether the email went out. */
export function Notifications({ api }: { api: Client }) {
  const [items, setItems] = useState<Notification[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => void api.notifications().then((p) => setItems(p.items), (e) => setError(messageOf(e))), [api]);
  return (
    <section aria-labelledby="notifications-title">
      <h2 id="notifications-title">Notifications</h2>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {items?.length === 0 && <p>No webhook has been disabled by the system.</p>}
      {items && items.length > 0 && (
        <table className="webhooks notifications">
          <thead>
            <tr>
              <th>Webhook</th>
              <th>To</th>
              <th>Subject</th>
              <th>Email</th>
              <th>Disabled at</th>
            </tr>
          </thead>
          <tbody>
            {items.map((n) => (
              <tr key={n.id}>
                <td data-label="Webhook">{n.webhookId}</td>
                <td data-label="To">{n.email}</td>
                <td data-label="Subject">{n.subject}</td>
                <td data-label="Email">{n.emailStatus}</td>
                <td data-label="Disabled at">{new Date(n.disabledAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
