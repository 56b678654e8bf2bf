import { useEffect, useState } from 'react';
import { Client, Page, Webhook, messageOf } from './api';

const STATUSES = ['ENABLED', 'DISABLED', 'DISABLED_DUE_TO_ERRORS'] as const;
const STATUS_LABEL: Record<Webhook['status'], string> = { ENABLED: 'Enabled', DISABLED: 'Disabled', DISABLED_DUE_TO_ERRORS: 'Disabled due to errors' };
const PAGE_SIZE = 20;

/** Consecutive failures against the failure limit: how close the webhook is to being disabled. */
function FailureBar({ webhook }: { webhook: Webhook }) {
  const share = Math.min(1, webhook.consecutiveFailures / webhook.failureLimit);
  return (
    <span className="failures" title={`${webhook.consecutiveFailures} consecutive failures of ${webhook.failureLimit} allowed`}>
      <span className="bar" aria-hidden="true">
        <span className={share >= 1 ? 'fill full' : 'fill'} style={{ width: `${share * 100}%` }} />
      </span>
      <span className="count">
        {webhook.consecutiveFailures} / {webhook.failureLimit}
      </span>
    </span>
  );
}

const when = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toLocaleString());

/** The organization's webhooks: status, failures against the limit, last triggered, attempts; filtered and paged. */
export function Webhooks({ api, onNew, onOpen }: { api: Client; onNew: () => void; onOpen: (w: Webhook) => void }) {
  const [status, setStatus] = useState('');
  const [page, setPage] = useState(0);
  const [data, setData] = useState<Page<Webhook> | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    api
      .webhooks({ page, size: PAGE_SIZE, status: status || undefined })
      .then((d) => current && (setData(d), setError(null)))
      .catch((e) => current && setError(messageOf(e)));
    return () => {
      current = false;
    };
  }, [api, page, status]);

  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  return (
    <section aria-labelledby="webhooks-title">
      <div className="toolbar">
        <h2 id="webhooks-title">Webhooks</h2>
        <button type="button" onClick={onNew}>
          New webhook
        </button>
        <label>
          Status
          <select name="status" value={status} onChange={(e) => (setStatus(e.target.value), setPage(0))}>
            <option value="">All</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {data && data.items.length === 0 && <p>No webhooks{status ? ' with this status' : ''}.</p>}
      {data && data.items.length > 0 && (
        <table className="webhooks">
          <thead>
            <tr>
              <th>Name</th>
              <th>Trigger</th>
              <th>Status</th>
              <th>Failures</th>
              <th>Last triggered</th>
              <th>Attempts</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((w) => (
              <tr key={w.id} data-webhook-id={w.id}>
                <td data-label="Name">
                  <button type="button" className="link" onClick={() => onOpen(w)}>
                    {w.name}
                  </button>
                </td>
                <td data-label="Trigger">{w.triggerType}</td>
                <td data-label="Status">
                  <span className={`badge ${w.status.toLowerCase()}`}>{STATUS_LABEL[w.status]}</span>
                </td>
                <td data-label="Failures">
                  <FailureBar webhook={w} />
                </td>
                <td data-label="Last triggered">{when(w.lastTriggeredAt)}</td>
                <td data-label="Attempts">{w.totalAttempts}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && data.total > PAGE_SIZE && (
        <nav className="pager" aria-label="Pages">
          <button type="button" onClick={() => setPage(page - 1)} disabled={page === 0}>
            Previous
          </button>
          <span>
            Page {page + 1} of {pages}
          </span>
          <button type="button" onClick={() => setPage(page + 1)} disabled={page + 1 >= pages}>
            Next
          </button>
        </nav>
      )}
    </section>
  );
}
