import { FormEvent, useCallback, useEffect, useState } from 'react';
import { Client, Delivery, messageOf } from './api';
import { DeliveryList } from './DeliveryList';

const STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];

/** The organization's whole delivery log, narrowed by status, event type, event id and creation time. */
export function Deliveries({ api }: { api: Client }) {
  const [filter, setFilter] = useState({ status: '', eventType: '', eventId: '', from: '', to: '' });
  const [applied, setApplied] = useState(filter);
  const [deliveries, setDeliveries] = useState<Delivery[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    // datetime-local is the browser's local time; the API takes ms since epoch.
    const q = Object.fromEntries(
      Object.entries(applied)
        .filter(([, v]) => v)
        .map(([k, v]) => [k, k === 'from' || k === 'to' ? String(new Date(v).getTime()) : v]),
    );
    api.searchDeliveries(q).then(
      (p) => (setDeliveries(p.items), setError(null)),
      (e) => setError(messageOf(e)),
    );
  }, [api, applied]);
  useEffect(load, [load]);

  const submit = (e: FormEvent) => (e.preventDefault(), setApplied({ ...filter, eventId: filter.eventId.trim() }));
  return (
    <section aria-labelledby="org-deliveries-title">
      <h2 id="org-deliveries-title">Deliveries</h2>
      <form className="row filters" onSubmit={submit} aria-label="Filter deliveries">
        <label>
          Status
          <select name="status" value={filter.status} onChange={(e) => setFilter({ ...filter, status: e.target.value })}>
            <option value="">All</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Event type
          <input name="eventType" placeholder="device.low_battery" value={filter.eventType} onChange={(e) => setFilter({ ...filter, eventType: e.target.value })} />
        </label>
        <label>
          Event id
          <input name="eventId" value={filter.eventId} onChange={(e) => setFilter({ ...filter, eventId: e.target.value })} />
        </label>
        <label>
          From
          <input name="from" type="datetime-local" value={filter.from} onChange={(e) => setFilter({ ...filter, from: e.target.value })} />
        </label>
        <label>
          Until
          <input name="to" type="datetime-local" value={filter.to} onChange={(e) => setFilter({ ...filter, to: e.target.value })} />
        </label>
        <button type="submit">Filter</button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {deliveries && <DeliveryList api={api} deliveries={deliveries} showWebhook onRedelivered={load} />}
    </section>
  );
}
