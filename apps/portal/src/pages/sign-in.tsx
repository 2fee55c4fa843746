import { useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { ErrorNotice } from '../components/notices.js';
import { signIn, type SessionState } from '../session.js';

const REASONS = {
  link: {
    title: 'This portal link has expired or is not valid',
    body: 'Portal links work for a short time only. Ask the service that sent you here for a new link.',
  },
  ended: { title: 'Your portal session has ended', body: 'Open a new portal link to go on.' },
  none: { title: 'Open the endpoint portal', body: 'Use the portal link you were given. Tenants and operators can also sign in with their key.' },
} as const;

export function SignIn({ reason, onSignedIn }: { reason: 'link' | 'none' | 'ended'; onSignedIn: (state: SessionState) => void }) {
  const [key, setKey] = useState('');
  const [tenant, setTenant] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const words = REASONS[reason];
  return (
    <main class="narrow">
      <section class="card sign-in" aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">{words.title}</h1>
        <p class="muted">{words.body}</p>
        <details class="sign-in-key">
          <summary>Sign in with an API key</summary>
          <form
            onSubmit={async (event) => {
              event.preventDefault();
              setBusy(true);
              setError(null);
              try {
                onSignedIn(await signIn(key, tenant));
              } catch (failure) {
                setError(
                  failure instanceof ApiError
                    ? failure.status === 401
                      ? new ApiError('That key was not accepted.', 401)
                      : failure
                    : new ApiError('Sign-in failed.', 0),
                );
              } finally {
                setBusy(false);
              }
            }}
          >
            <label for="sign-in-key">Tenant API key or operator token</label>
            <input id="sign-in-key" type="password" autocomplete="off" required value={key} onInput={(event) => setKey(event.currentTarget.value)} />
            <label for="sign-in-tenant">Tenant id (operators only)</label>
            <input
              id="sign-in-tenant"
              type="text"
              autocomplete="off"
              placeholder="ten_…"
              value={tenant}
              onInput={(event) => setTenant(event.currentTarget.value)}
            />
            {error ? <ErrorNotice error={error} /> : null}
            <button type="submit" class="button primary" disabled={busy}>
              {busy ? 'Signing in…' : 'Open the portal'}
            </button>
          </form>
        </details>
      </section>
    </main>
  );
}
