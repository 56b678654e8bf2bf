import { FormEvent, useCallback, useEffect, useState } from 'react';
import { ApiClientRow, Client, PERMISSIONS, Permission, User, messageOf } from './api';

/** The organization's users (failure receivers) and API clients: add, remove, revoke; a new client's secret shown once. */
export function OrgSettings({ api }: { api: Client }) {
  const [users, setUsers] = useState<User[]>([]);
  const [clients, setClients] = useState<ApiClientRow[]>([]);
  const [user, setUser] = useState({ email: '', name: '' });
  const [newClient, setNewClient] = useState<{ name: string; permissions: Permission[] }>({ name: '', permissions: ['WEBHOOKS_READ'] });
  const [secret, setSecret] = useState<{ clientId: string; clientSecret: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const failed = (e: unknown) => setError(messageOf(e));
  const load = useCallback(() => Promise.all([api.users().then((p) => setUsers(p.items)), api.clients().then((p) => setClients(p.items))]).catch(failed), [api]);
  useEffect(() => void load(), [load]);
  const act = (action: () => Promise<unknown>) => void action().then(() => (setError(null), load()), failed);

  const addUser = (e: FormEvent) => (e.preventDefault(), act(async () => (await api.addUser(user), setUser({ email: '', name: '' }))));
  const addClient = (e: FormEvent) => (e.preventDefault(), act(async () => setSecret(await api.addClient(newClient))));
  const toggle = (p: Permission) => setNewClient((c) => ({ ...c, permissions: c.permissions.includes(p) ? c.permissions.filter((x) => x !== p) : [...c.permissions, p] }));

  return (
    <section aria-labelledby="org-title">
      <h2 id="org-title">Users and API clients</h2>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <h3>Users</h3>
      <ul className="plain" aria-label="Users">
        {users.map((u) => (
          <li key={u.id}>
            {u.name} &lt;{u.email}&gt; (#{u.id}){' '}
            <button type="button" className="secondary small" onClick={() => act(() => api.removeUser(u.id))}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <form className="row" onSubmit={addUser} aria-label="Add a user">
        <label>
          Email
          <input name="email" type="email" value={user.email} onChange={(e) => setUser({ ...user, email: e.target.value })} required />
        </label>
        <label>
          Name
          <input name="userName" value={user.name} onChange={(e) => setUser({ ...user, name: e.target.value })} required />
        </label>
        <button type="submit">Add user</button>
      </form>
      <h3>API clients</h3>
      <ul className="plain" aria-label="API clients">
        {clients.map((c) => (
          <li key={c.clientId}>
            {c.name} · <code>{c.clientId}</code> · {c.permissions.join(', ')}{' '}
            <button type="button" className="secondary small" onClick={() => act(() => api.revokeClient(c.clientId))}>
              Revoke
            </button>
          </li>
        ))}
      </ul>
      {secret && (
        <div className="secret" aria-label="New client secret">
          <p>The new client's secret, shown this once:</p>
          <code>{secret.clientId}</code> <code>{secret.clientSecret}</code>
        </div>
      )}
      <form className="row" onSubmit={addClient} aria-label="Create an API client">
        <label>
          Name
          <input name="clientName" value={newClient.name} onChange={(e) => setNewClient({ ...newClient, name: e.target.value })} required />
        </label>
        <fieldset>
          <legend>Permissions</legend>
          {PERMISSIONS.map((p) => (
            <label key={p} className="check">
              <input type="checkbox" name={p} checked={newClient.permissions.includes(p)} onChange={() => toggle(p)} /> {p}
            </label>
          ))}
        </fieldset>
        <button type="submit">Create client</button>
      </form>
    </section>
  );
}
