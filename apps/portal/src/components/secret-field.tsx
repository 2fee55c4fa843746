import { useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { absoluteTime, relativeTime } from '../format.js';
import type { EndpointWithSecret } from '../types.js';
import { ErrorNotice } from './notices.js';

/**
 * The signing secret, fetched only when someone asks to see it (it is never part of the page before that), and
 * rotated in place: the old secret keeps signing beside the new one for 24 h.
 */
export function SecretField({ endpointId, previousSecretExpiresAt }: { endpointId: string; previousSecretExpiresAt: string | null }) {
  const [secret, setSecret] = useState<string | null>(null);
  const [busy, setBusy] = useState<'reveal' | 'rotate' | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [rotatedOldUntil, setRotatedOldUntil] = useState<string | null>(previousSecretExpiresAt);
  const [error, setError] = useState<ApiError | null>(null);
  const path = `/v1/subscriptions/${encodeURIComponent(endpointId)}`;

  const run = async (kind: 'reveal' | 'rotate') => {
    setBusy(kind);
    setError(null);
    try {
      const endpoint = kind === 'reveal' ? await api.get<Pick<EndpointWithSecret, 'secret' | 'previous_secret_expires_at'>>(`${path}/secret`) : await api.post<EndpointWithSecret>(`${path}/rotate-secret`);
      setSecret(endpoint.secret ?? '');
      if (kind === 'rotate') setRotatedOldUntil(endpoint.previous_secret_expires_at);
      setConfirming(false);
    } catch (failure) {
      setError(failure as ApiError);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div class="secret" data-testid="secret">
      <div class="secret-value">
        {secret === null ? (
          <code class="secret-hidden" aria-label="Signing secret, hidden">
            ••••••••••••••••••••
          </code>
        ) : secret === '' ? (
          <span class="muted">This profile does not sign its deliveries.</span>
        ) : (
          <code class="secret-shown" data-testid="secret-value">
            {secret}
          </code>
        )}
        {secret === null ? (
          <button type="button" class="button small" disabled={busy !== null} onClick={() => run('reveal')}>
            {busy === 'reveal' ? 'Revealing…' : 'Reveal'}
          </button>
        ) : (
          <button type="button" class="button small ghost" onClick={() => setSecret(null)}>
            Hide
          </button>
        )}
        {!confirming ? (
          <button type="button" class="button small" disabled={busy !== null} onClick={() => setConfirming(true)}>
            Rotate secret
          </button>
        ) : null}
      </div>
      {confirming ? (
        <div class="confirm" role="group" aria-label="Rotate the signing secret">
          <p>A new secret signs every delivery from now on; the current one keeps signing beside it for 24 hours, so you can switch without losing any.</p>
          <button type="button" class="button primary small" disabled={busy !== null} onClick={() => run('rotate')}>
            {busy === 'rotate' ? 'Rotating…' : 'Rotate now'}
          </button>
          <button type="button" class="button ghost small" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      ) : null}
      {rotatedOldUntil ? (
        <p class="muted small">
          The previous secret keeps signing until {absoluteTime(rotatedOldUntil)} ({relativeTime(rotatedOldUntil)}).
        </p>
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
    </div>
  );
}
