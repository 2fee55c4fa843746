import { request } from '../api.js';
import { absoluteTime } from '../format.js';
import type { SignatureScheme, SigningKeySet } from '../types.js';
import { useResource } from '../use-resource.js';
import { ErrorNotice, Loading } from './notices.js';

/** The signature scheme of an endpoint, chosen in its form: HMAC with its secret, or ed25519 with public keys. */
export function SignatureSchemeField({ value, onChange, errors }: { value: SignatureScheme; onChange: (scheme: SignatureScheme) => void; errors: string[] }) {
  return (
    <div class="field">
      <label for="signature">Signature scheme</label>
      <select id="signature" value={value} onChange={(event) => onChange(event.currentTarget.value as SignatureScheme)} aria-describedby="signature-error">
        <option value="v1">v1: HMAC-SHA256 with the signing secret</option>
        <option value="v1a">v1a: ed25519, verified with public keys</option>
      </select>
      <p class="hint">
        v1a needs no shared secret: your receiver checks each delivery with the public keys shown on the endpoint page (Standard Webhooks profiles only).
      </p>
      {errors.length > 0 ? (
        <p id="signature-error" class="field-error" role="alert">
          {errors.join(' ')}
        </p>
      ) : null}
    </div>
  );
}

/** The tenant's published public keys (its JWKS document), for endpoints signed v1a: what a receiver trusts. */
export function SigningKeysPanel({ tenant }: { tenant: string }) {
  const path = `/v1/tenants/${encodeURIComponent(tenant)}/signing-keys`;
  // Receivers may cache the document; the portal shows it as it is now (a rotation shows at once).
  const keys = useResource(() => request<SigningKeySet>('GET', path, undefined, { 'cache-control': 'no-cache' }), [path]);
  return (
    <section class="card panel" aria-labelledby="signing-keys-title" data-testid="signing-keys">
      <h2 id="signing-keys-title">Public signing keys</h2>
      <p class="hint">
        Deliveries are signed v1a; <code>webhook-key-id</code> names the key. The keys as JWKS:{' '}
        <a href={`/.well-known/hookfleet/${encodeURIComponent(tenant)}/jwks.json`}>jwks.json</a>
      </p>
      {keys.loading ? <Loading label="Loading the keys…" /> : null}
      {keys.error ? <ErrorNotice error={keys.error} title="The public keys could not be loaded." /> : null}
      <ul class="signing-keys">
        {(keys.data?.keys ?? []).map((key) => (
          <li key={key.kid}>
            <code class="kid">{key.kid}</code> <span class={`badge ${key.status === 'current' ? 'badge-ok' : 'badge-warn'}`}>{key.status}</span>
            {key.expires_at ? <span class="hint"> until {absoluteTime(key.expires_at)}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
