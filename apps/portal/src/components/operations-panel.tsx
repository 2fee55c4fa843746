import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { backoffMs } from '../backoff.js';
import { localTimeToIso, SINCE_CHOICES } from '../format.js';
import type { Operation } from '../types.js';
import { ErrorNotice } from './notices.js';

const KIND_WORDS = {
  recover: { running: 'Sending failed deliveries again', done: 'failed deliveries sent again', button: 'Recover failed deliveries' },
  replay: { running: 'Replaying events', done: 'events replayed', button: 'Replay events' },
} as const;

const NO_FAILED_POLLS = { count: 0, retryAfterMs: null };

function OperationProgress({ operation }: { operation: Operation }) {
  const words = KIND_WORDS[operation.kind];
  if (operation.status === 'failed')
    return (
      <div class="notice notice-error" role="alert">
        The {operation.kind} stopped: {operation.error ?? 'unknown error'}.
      </div>
    );
  if (operation.status === 'canceled')
    return (
      <div class="operation" role="status" data-testid="operation" data-status="canceled">
        <progress max={Math.max(operation.total, 1)} value={operation.done} />
        <span>
          Stopped: {operation.done} of {operation.total} {words.done} before it was stopped. Those already on their way still go out.
        </span>
      </div>
    );
  const done = operation.status === 'done';
  return (
    <div class="operation" role="status" data-testid="operation" data-status={operation.status}>
      <progress max={Math.max(operation.total, 1)} value={done ? Math.max(operation.total, 1) : operation.done} />
      <span>
        {done
          ? operation.total === 0
            ? `Done: nothing to ${operation.kind} in that window.`
            : `Done: ${operation.done} of ${operation.total} ${words.done}. Their attempts appear below.`
          : `${words.running}: ${operation.done} of ${operation.total || '…'}`}
      </span>
    </div>
  );
}

/** Recover (failed and dead deliveries of a window, sent again) and replay (every event of a window), with progress. */
export function OperationsPanel({ endpointId, onFinished }: { endpointId: string; onFinished: () => void }) {
  const [since, setSince] = useState<string>('1h');
  const [customSince, setCustomSince] = useState('');
  const [operation, setOperation] = useState<Operation | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  /**
   * Failed progress reads in a row, and the last one's Retry-After: a transient one (429, 503, no answer) is read
   * again, later each time and never sooner than the API asked.
   */
  const [failedPolls, setFailedPolls] = useState<{ count: number; retryAfterMs: number | null }>(NO_FAILED_POLLS);

  useEffect(() => {
    if (!operation || operation.status !== 'running') return;
    const waitMs = backoffMs(failedPolls.count, failedPolls.retryAfterMs);
    const timer = setTimeout(async () => {
      try {
        const next = await api.get<Operation>(`/v1/operations/${encodeURIComponent(operation.id)}`);
        setError(null);
        setFailedPolls(NO_FAILED_POLLS);
        setOperation(next);
        if (next.status !== 'running') onFinished();
      } catch (failure) {
        const apiError = failure instanceof ApiError ? failure : new ApiError('The progress could not be read.', 0);
        setError(apiError);
        // The operation runs on in the API whatever this read got: a transient refusal is asked again (nothing else
        // would re-run this effect, and the progress would stay frozen with both buttons disabled); any other ends
        // the wait here, so the buttons work again.
        if (apiError.transient) setFailedPolls(({ count }) => ({ count: count + 1, retryAfterMs: apiError.retryAfterMs }));
        else setOperation(null);
      }
    }, waitMs);
    return () => clearTimeout(timer);
  }, [operation, failedPolls, onFinished]);

  const start = async (kind: 'recover' | 'replay') => {
    const sinceValue = since === 'custom' ? localTimeToIso(customSince) : since;
    if (!sinceValue) {
      setError(new ApiError('Pick the time to start from.', 400));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const started = await api.post<{ operation_id: string }>(`/v1/subscriptions/${encodeURIComponent(endpointId)}/${kind}`, { since: sinceValue });
      setFailedPolls(NO_FAILED_POLLS);
      setOperation({ id: started.operation_id, kind, status: 'running', total: 0, done: 0 });
    } catch (failure) {
      setError(failure as ApiError);
    } finally {
      setBusy(false);
    }
  };

  /** Stops the running operation before its next chunk (POST /v1/operations/:id/cancel); one that ended meanwhile is read again. */
  const stop = async () => {
    if (!operation) return;
    setBusy(true);
    setError(null);
    const path = `/v1/operations/${encodeURIComponent(operation.id)}`;
    try {
      setOperation(await api.post<Operation>(`${path}/cancel`));
      onFinished();
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 409) setOperation(await api.get<Operation>(path).catch(() => operation));
      else setError(failure as ApiError);
    } finally {
      setBusy(false);
    }
  };

  const running = operation?.status === 'running';
  return (
    <section class="card panel" aria-labelledby="operations-title">
      <h2 id="operations-title">Recover and replay</h2>
      <p class="muted small">
        Recover sends the deliveries that failed again. Replay sends every event of the window again, also those that arrived while the endpoint was disabled;
        receivers can drop what they already have by its webhook-id.
      </p>
      <div class="inline-form">
        <label for="since">Since</label>
        <select id="since" value={since} onChange={(event) => setSince(event.currentTarget.value)}>
          {SINCE_CHOICES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
          <option value="custom">a time I pick…</option>
        </select>
        {since === 'custom' ? (
          <input type="datetime-local" aria-label="Since this time" value={customSince} onInput={(event) => setCustomSince(event.currentTarget.value)} />
        ) : null}
      </div>
      <div class="actions">
        <button type="button" class="button primary" disabled={busy || running} onClick={() => start('recover')}>
          {KIND_WORDS.recover.button}
        </button>
        <button type="button" class="button" disabled={busy || running} onClick={() => start('replay')}>
          {KIND_WORDS.replay.button}
        </button>
        {running ? (
          <button type="button" class="button danger" disabled={busy} onClick={stop}>
            Stop the {operation?.kind}
          </button>
        ) : null}
      </div>
      {operation ? <OperationProgress operation={operation} /> : null}
      {error ? <ErrorNotice error={error} /> : null}
    </section>
  );
}
