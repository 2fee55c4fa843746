import { useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { durationMs, sentence } from '../format.js';
import type { EventType, TestResult } from '../types.js';
import { StatusCode } from './badges.js';
import { ErrorNotice } from './notices.js';

/** Sends one signed test delivery now and shows what the endpoint answered. */
export function TestPanel({ endpointId, eventTypes }: { endpointId: string; eventTypes: EventType[] }) {
  const [type, setType] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<TestResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const concrete = eventTypes.filter((entry) => !entry.type.includes('*'));

  return (
    <section class="card panel" aria-labelledby="test-title">
      <h2 id="test-title">Send a test event</h2>
      <form
        class="inline-form"
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          setError(null);
          setResult(null);
          try {
            setResult(await api.post<TestResult>(`/v1/subscriptions/${encodeURIComponent(endpointId)}/test`, type.trim() ? { type: type.trim() } : {}));
          } catch (failure) {
            setError(failure as ApiError);
          } finally {
            setBusy(false);
          }
        }}
      >
        <label for="test-type">Event type</label>
        <input
          id="test-type"
          list="test-types"
          placeholder={concrete[0]?.type ?? 'webhook.test'}
          value={type}
          onInput={(event) => setType(event.currentTarget.value)}
        />
        <datalist id="test-types">
          {concrete.map((entry) => (
            <option key={entry.type} value={entry.type}>
              {entry.description}
            </option>
          ))}
        </datalist>
        <button type="submit" class="button primary" disabled={busy}>
          {busy ? 'Sending…' : 'Send test event'}
        </button>
      </form>
      {result ? (
        <div class={`test-result ${result.ok ? 'test-ok' : 'test-bad'}`} role="status" data-testid="test-result">
          <strong>{result.ok ? 'Delivered.' : 'Not delivered.'}</strong>{' '}
          {result.status_code === null ? (
            // No answer: the reason, said once ("Could not connect to https://…: connection refused").
            <>
              {sentence(result.error ?? 'no answer')} <span class="muted">(after {durationMs(result.duration_ms)})</span>
            </>
          ) : (
            <>
              The endpoint answered <StatusCode code={result.status_code} /> in {durationMs(result.duration_ms)}
              {!result.ok && result.error && result.error !== `HTTP ${result.status_code}` ? <span class="muted"> ({result.error})</span> : null}
            </>
          )}
        </div>
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
    </section>
  );
}
