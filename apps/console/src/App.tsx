import { useEffect, useMemo, useState } from 'react';
import { Organization, Webhook, client } from './api';
import { SignIn } from './SignIn';
import { Deliveries } from './Deliveries';
import { Notifications } from './Notifications';
import { WebhookDeliveries } from './WebhookDeliveries';
import { WebhookEditor } from './WebhookEditor';
import { Webhooks } from './Webhooks';

type View = { kind: 'list' } | { kind: 'new' } | { kind: 'webhook'; webhook: Webhook } | { kind: 'deliveries' } | { kind: 'notifications' };

/**
 * A portal link carries its token in the URL fragment (never sent to a server):
 * taken once, then removed from the address bar and the history.
 */
function tokenFromPortalLink(): string | null {
  const match = /^#token=([\w.-]+)$/.exec(window.location.hash);
  if (!match) return null;
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
  return match[1];
}

export function App() {
  const [token, setToken] = useState<string | null>(tokenFromPortalLink);
  const api = useMemo(() => (token ? client(token) : null), [token]);
  const [org, setOrg] = useState<Organization | null>(null);
  const [expired, setExpired] = useState(false);
  const [view, setView] = useState<View>({ kind: 'list' });
  const list = () => setView({ kind: 'list' });

  useEffect(() => {
    if (!api) return;
    api.organization().then(setOrg, () => (setToken(null), setExpired(true)));
  }, [api]);

  if (!api) {
    return (
      <>
        {expired && <p className="notice">The session ended; sign in again.</p>}
        <SignIn onToken={(t) => (setExpired(false), setToken(t))} />
      </>
    );
  }
  return (
    <>
      <header>
        <span className="brand">Hookline</span>
        <nav className="tabs" aria-label="Sections">
          <button type="button" className="tab" aria-current={view.kind !== 'deliveries' && view.kind !== 'notifications'} onClick={list}>
            Webhooks
          </button>
          <button type="button" className="tab" aria-current={view.kind === 'deliveries'} onClick={() => setView({ kind: 'deliveries' })}>
            Deliveries
          </button>
          <button type="button" className="tab" aria-current={view.kind === 'notifications'} onClick={() => setView({ kind: 'notifications' })}>
            Notifications
          </button>
        </nav>
        <span className="org" aria-label="Organization">
          {org ? `${org.name} (#${org.id})` : ''}
        </span>
        <button type="button" onClick={() => (setToken(null), setOrg(null))}>
          Sign out
        </button>
      </header>
      <main>
        {org && view.kind === 'list' && <Webhooks api={api} onNew={() => setView({ kind: 'new' })} onOpen={(webhook) => setView({ kind: 'webhook', webhook })} />}
        {org && view.kind === 'new' && <WebhookEditor api={api} onSaved={list} onCancel={list} />}
        {org && view.kind === 'webhook' && <WebhookDeliveries api={api} webhook={view.webhook} onBack={list} />}
        {org && view.kind === 'deliveries' && <Deliveries api={api} />}
        {org && view.kind === 'notifications' && <Notifications api={api} />}
      </main>
    </>
  );
}
