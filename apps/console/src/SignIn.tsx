import { FormEvent, useState } from 'react';
import { messageOf, signIn } from './api';

/** Sign-in with an API client's id and secret; the token lives in the tab's memory only. */
export function SignIn({ onToken }: { onToken: (token: string) => void }) {
  const [clientId, setClientId] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onToken(await signIn(clientId.trim(), secret));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="signin">
      <h1>Hookline</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <label>
          Client id
          <input name="clientId" autoComplete="username" value={clientId} onChange={(e) => setClientId(e.target.value)} required autoFocus />
        </label>
        <label>
          Client secret
          <input name="clientSecret" type="password" autoComplete="current-password" value={secret} onChange={(e) => setSecret(e.target.value)} required />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
