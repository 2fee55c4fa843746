import { useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { navigate } from '../router.js';
import { ErrorNotice } from './notices.js';

/** Deleting asks twice, in the page (no browser dialog). */
export function DeleteEndpoint({ endpointId }: { endpointId: string }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.delete(`/v1/subscriptions/${encodeURIComponent(endpointId)}`);
      navigate('/');
    } catch (failure) {
      setError(failure as ApiError);
      setBusy(false);
    }
  };
  return (
    <section class="card panel danger-zone" aria-labelledby="delete-title">
      <h2 id="delete-title">Delete this endpoint</h2>
      <p class="muted small">It stops receiving webhooks at once; its delivery history goes with it.</p>
      {!confirming ? (
        <button type="button" class="button danger" onClick={() => setConfirming(true)}>
          Delete endpoint
        </button>
      ) : (
        <div class="actions">
          <button type="button" class="button danger" disabled={busy} onClick={remove}>
            {busy ? 'Deleting…' : 'Yes, delete it'}
          </button>
          <button type="button" class="button ghost" onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </div>
      )}
      {error ? <ErrorNotice error={error} /> : null}
    </section>
  );
}
