import { useCallback, useState } from 'preact/hooks';
import { ApiError, api, apiAskedToWait, withoutSecret } from '../api.js';
import { AttemptsChart } from '../components/attempts-chart.js';
import { DeliveryOptionsSummary } from '../components/delivery-options.js';
import { ActiveBadge, StatusCode } from '../components/badges.js';
import { DeliveriesPanel } from '../components/deliveries-panel.js';
import { ErrorNotice, Loading, Notice } from '../components/notices.js';
import { OperationsPanel } from '../components/operations-panel.js';
import { isPollEndpoint, PollBacklogPanel } from '../components/poll-endpoint.js';
import { SecretField } from '../components/secret-field.js';
import { SigningKeysPanel } from '../components/signature-scheme.js';
import { TestPanel } from '../components/test-panel.js';
import { percent, relativeTime } from '../format.js';
import { Link } from '../router.js';
import type { Endpoint, EndpointStats, EndpointWithSecret, EventType, PortalSession } from '../types.js';
import { useInterval, useResource } from '../use-resource.js';
import { loadEventCatalogue } from '../event-catalogue.js';
import { destinationSummary } from '../components/broker-destination.js';

const REFRESH_MS = 4000;

/** A read that failed before any answer says so, instead of a spinner that never ends; the page's refresh reads it again. */
function StatsPanel({ stats, error }: { stats: EndpointStats | undefined; error: ApiError | undefined }) {
  return (
    <section class="card panel" aria-labelledby="stats-title">
      <h2 id="stats-title">Last 24 hours</h2>
      {!stats && error ? <ErrorNotice error={error} title="The statistics could not be loaded." /> : null}
      {!stats ? (
        error ? null : (
          <Loading label="Loading statistics…" />
        )
      ) : (
        <>
          <dl class="stat-row">
            <div>
              <dt>Success</dt>
              <dd data-stat="success-ratio">{percent(stats.success_ratio)}</dd>
            </div>
            <div>
              <dt>Attempts</dt>
              <dd data-stat="attempts">{stats.attempts}</dd>
            </div>
            <div>
              <dt>Last answer</dt>
              <dd>
                {stats.last_attempt_at ? (
                  <>
                    <StatusCode code={stats.last_status_code} error={stats.last_error} /> <span class="muted small">{relativeTime(stats.last_attempt_at)}</span>
                  </>
                ) : (
                  <span class="muted">none yet</span>
                )}
              </dd>
            </div>
          </dl>
          <AttemptsChart hourly={stats.hourly} />
          {stats.log_truncated ? <p class="muted small">Counted from the last {stats.log_limit} attempts.</p> : null}
        </>
      )}
    </section>
  );
}

function EndpointHeader({ endpoint, onChanged }: { endpoint: Endpoint; onChanged: (endpoint: Endpoint) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const toggle = async () => {
    setBusy(true);
    setError(null);
    try {
      onChanged(withoutSecret(await api.patch<EndpointWithSecret>(`/v1/subscriptions/${encodeURIComponent(endpoint.id)}`, { active: !endpoint.active })));
    } catch (failure) {
      setError(failure as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="endpoint-head">
      <p class="crumbs">
        <Link to="/">Endpoints</Link> / <span class="muted">{endpoint.id}</span>
      </p>
      <div class="page-head">
        <div class="endpoint-title">
          <h1 class="endpoint-url-title">{destinationSummary(endpoint)}</h1>
          <div class="chips">
            <ActiveBadge endpoint={endpoint} />
            <span class="chip chip-profile">{endpoint.profile}</span>
            {endpoint.events.map((type) => (
              <span key={type} class="chip">
                {type}
              </span>
            ))}
          </div>
          {endpoint.description ? <p class="muted description">{endpoint.description}</p> : null}
        </div>
        <div class="actions">
          <Link to={`/endpoints/${encodeURIComponent(endpoint.id)}/edit`} class="button">
            Edit
          </Link>
          <button type="button" class={`button ${endpoint.active ? 'danger' : 'primary'}`} disabled={busy} onClick={toggle}>
            {busy ? 'Saving…' : endpoint.active ? 'Disable' : 'Enable'}
          </button>
        </div>
      </div>
      {!endpoint.active ? <Notice kind="warning">This endpoint receives nothing while it is disabled. Enable it, then replay what it missed.</Notice> : null}
      {error ? <ErrorNotice error={error} /> : null}
    </div>
  );
}

export function EndpointPage({ endpointId, justCreated }: { session: PortalSession; endpointId: string; justCreated: boolean }) {
  const id = encodeURIComponent(endpointId);
  const endpoint = useResource(() => api.get<EndpointWithSecret>(`/v1/subscriptions/${id}`).then(withoutSecret), [id]);
  const [refreshKey, setRefreshKey] = useState(0);
  const refresh = useCallback(() => setRefreshKey((value) => value + 1), []);
  const stats = useResource(() => api.get<EndpointStats>(`/v1/subscriptions/${id}/stats`), [id, refreshKey]);
  const profile = endpoint.data?.profile;
  const eventTypes = useResource(
    () => (profile ? loadEventCatalogue(profile) : Promise.resolve({ data: [] as EventType[] })),
    [profile],
  );
  // A 429 or 503's Retry-After holds the refresh too: reading again sooner would only meet the same refusal.
  useInterval(() => {
    if (!apiAskedToWait()) refresh();
  }, REFRESH_MS);

  if (endpoint.loading)
    return (
      <main class="page">
        <Loading label="Loading the endpoint…" />
      </main>
    );
  if (endpoint.error || !endpoint.data) {
    return (
      <main class="page">
        <ErrorNotice error={endpoint.error ?? new ApiError('Not found.', 404)} title="This endpoint could not be shown." />
        <p>
          <Link to="/">Back to the endpoints</Link>
        </p>
      </main>
    );
  }
  const current = endpoint.data;
  return (
    <main class="page">
      <EndpointHeader endpoint={current} onChanged={endpoint.set} />
      {justCreated ? <Notice kind="success">Endpoint created. Its signing secret stays hidden until you reveal it.</Notice> : null}
      <div class="grid">
        <div class="grid-main">
          {isPollEndpoint(current) ? <PollBacklogPanel endpointId={current.id} refreshKey={refreshKey} /> : null}
          <StatsPanel stats={stats.data} error={stats.error} />
          {/* Keyed by the endpoint: the pages it opened and its filter belong to one endpoint's list. */}
          <DeliveriesPanel key={current.id} endpointId={current.id} refreshKey={refreshKey} onChanged={refresh} />
        </div>
        <aside class="grid-side">
          {/* Nothing is sent to a poll endpoint, so there is no answer to test: its backlog panel says how it is fetched. */}
          {isPollEndpoint(current) ? null : <TestPanel endpointId={current.id} eventTypes={eventTypes.data?.data ?? []} />}
          <DeliveryOptionsSummary endpoint={current} />
          <OperationsPanel endpointId={current.id} onFinished={refresh} />
          <section class="card panel" aria-labelledby="secret-title">
            <h2 id="secret-title">Signing secret</h2>
            <SecretField endpointId={current.id} previousSecretExpiresAt={current.previous_secret_expires_at} />
          </section>
          {current.signature === 'v1a' ? <SigningKeysPanel tenant={current.tenant} /> : null}
        </aside>
      </div>
    </main>
  );
}
