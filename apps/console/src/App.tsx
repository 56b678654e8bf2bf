import { useEffect, useMemo, useState } from 'react';
import { Organization, Webhook, client } from './api';
import { Deliveries } from './Deliveries';
import { Notifications } from './Notifications';
import { OrgSettings } from './OrgSettings';
import { OrgSwitcher } from './OrgSwitcher';
import { SignIn } from './SignIn';
import { WebhookDeliveries } from './WebhookDeliveries';
import { WebhookEditor } from './WebhookEditor';
import { Webhooks } from './Webhooks';

type View = { kind: 'list' } | { kind: 'new' } | { kind: 'edit'; webhook: Webhook } | { kind: 'webhook'; webhook: Webhook } | { kind: 'deliveries' } | { kind: 'notifications' } | { kind: 'organization' };
const TABS: [View['kind'], string][] = [
  ['list', 'Webhooks'],
  ['deliveries', 'Deliveries'],
  ['notifications', 'Notifications'],
  ['organization', 'Users and clients'],
];

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
  const [home, setHome] = useState<Organization | null>(null);
  const [org, setOrg] = useState<Organization | null>(null);
  const [expired, setExpired] = useState(false);
  const [view, setView] = useState<View>({ kind: 'list' });
  // The token's own organization needs no orgId; one below it is named in every call.
  const api = useMemo(() => (token ? client(token, org && home && org.id !== home.id ? org.id : undefined) : null), [token, org, home]);

  useEffect(() => {
    if (!token) return;
    client(token)
      .organization()
      .then(
        (o) => (setHome(o), setOrg(o)),
        () => (setToken(null), setExpired(true)),
      );
  }, [token]);

  const signOut = () => (setToken(null), setHome(null), setOrg(null), setView({ kind: 'list' }));
  if (!token || !api) {
    return (
      <>
        {expired && <p className="notice">The session ended; sign in again.</p>}
        <SignIn onToken={(t) => (setExpired(false), setToken(t))} />
      </>
    );
  }
  const list = () => setView({ kind: 'list' });
  const tab = view.kind === 'new' || view.kind === 'edit' || view.kind === 'webhook' ? 'list' : view.kind;
  return (
    <>
      <header>
        <span className="brand">Hookline</span>
        <nav className="tabs" aria-label="Sections">
          {TABS.map(([kind, label]) => (
            <button key={kind} type="button" className="tab" aria-current={tab === kind} onClick={() => setView({ kind } as View)}>
              {label}
            </button>
          ))}
        </nav>
        {home && org && <OrgSwitcher token={token} home={home} current={org} onSwitch={(o) => (setOrg(o), list())} />}
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      {org && (
        <main key={org.id}>
          {view.kind === 'list' && <Webhooks api={api} onNew={() => setView({ kind: 'new' })} onOpen={(webhook) => setView({ kind: 'webhook', webhook })} />}
          {view.kind === 'new' && <WebhookEditor api={api} onSaved={list} onCancel={list} />}
          {view.kind === 'edit' && <WebhookEditor key={view.webhook.id} api={api} existing={view.webhook} onSaved={list} onCancel={list} />}
          {view.kind === 'webhook' && <WebhookDeliveries api={api} webhook={view.webhook} onBack={list} onEdit={(webhook) => setView({ kind: 'edit', webhook })} />}
          {view.kind === 'deliveries' && <Deliveries api={api} />}
          {view.kind === 'notifications' && <Notifications api={api} />}
          {view.kind === 'organization' && <OrgSettings api={api} />}
        </main>
      )}
    </>
  );
}
