import { useState } from 'preact/hooks';
import { api, withoutSecret } from '../api.js';
import { ActiveBadge, StatusCode } from '../components/badges.js';
import { EmptyState, ErrorNotice, Loading } from '../components/notices.js';
import { percent, plural, relativeTime } from '../format.js';
import { Link } from '../router.js';
import type { Endpoint, EndpointStats, EndpointWithSecret, Page, PortalSession } from '../types.js';
import { useReloadWhileTransient, useResource } from '../use-resource.js';
import { destinationSummary } from '../components/broker-destination.js';

const PAGE_SIZE = 50;
const SHOWN_EVENTS = 4;

function EndpointStatsRow({ endpointId }: { endpointId: string }) {
  const stats = useResource(() => api.get<EndpointStats>(`/v1/subscriptions/${encodeURIComponent(endpointId)}/stats`), [endpointId]);
  // A page asks for up to 50 rows' statistics at once, enough to meet the tenant's rate limit (429) or a busy API (503).
  useReloadWhileTransient(stats);
  if (stats.error) return <p class="muted small">Statistics are not available right now.</p>;
  const data = stats.data;
  return (
    <>
      <p class="stat-caption">Last 24 hours</p>
      <dl class="stat-row" aria-busy={stats.loading}>
        <div>
          <dt>Success</dt>
          <dd data-stat="success-ratio">{data ? percent(data.success_ratio) : '…'}</dd>
        </div>
        <div>
          <dt>Attempts</dt>
          <dd data-stat="attempts">{data ? `${data.attempts}${data.log_truncated ? '+' : ''}` : '…'}</dd>
        </div>
        <div>
          <dt>Last answer</dt>
          <dd data-stat="last-status">
            {data ? (
              data.last_attempt_at ? (
                <>
                  <StatusCode code={data.last_status_code} error={data.last_error} /> <span class="muted small">{relativeTime(data.last_attempt_at)}</span>
                </>
              ) : (
                <span class="muted">none yet</span>
              )
            ) : (
              '…'
            )}
          </dd>
        </div>
      </dl>
    </>
  );
}

function EndpointCard({ endpoint }: { endpoint: Endpoint }) {
  const hidden = endpoint.events.length - SHOWN_EVENTS;
  return (
    <li class="card endpoint-card" data-endpoint={endpoint.id}>
      <div class="endpoint-card-top">
        <Link to={`/endpoints/${encodeURIComponent(endpoint.id)}`} class="endpoint-url">
          {destinationSummary(endpoint)}
        </Link>
        <ActiveBadge endpoint={endpoint} />
      </div>
      {endpoint.description ? <p class="muted description">{endpoint.description}</p> : null}
      <div class="chips" aria-label="Event types">
        <span class="chip chip-profile" title="Profile">
          {endpoint.profile}
        </span>
        {endpoint.events.slice(0, SHOWN_EVENTS).map((type) => (
          <span key={type} class="chip">
            {type}
          </span>
        ))}
        {hidden > 0 ? <span class="chip chip-more">+{hidden} more</span> : null}
      </div>
      <EndpointStatsRow endpointId={endpoint.id} />
    </li>
  );
}

export function EndpointsPage({ session }: { session: PortalSession }) {
  const first = useResource(() => api.get<Page<EndpointWithSecret>>(`/v1/subscriptions?limit=${PAGE_SIZE}`), []);
  const [extra, setExtra] = useState<{ data: Endpoint[]; next: string | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<Error | null>(null);
  const endpoints = [...(first.data?.data.map(withoutSecret) ?? []), ...(extra?.data ?? [])];
  const nextCursor = extra ? extra.next : (first.data?.next_cursor ?? null);

  const loadMore = async (cursor: string) => {
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await api.get<Page<EndpointWithSecret>>(`/v1/subscriptions?limit=${PAGE_SIZE}&cursor=${encodeURIComponent(cursor)}`);
      setExtra((state) => ({ data: [...(state?.data ?? []), ...page.data.map(withoutSecret)], next: page.next_cursor }));
    } catch (error) {
      setMoreError(error as Error);
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <main class="page">
      <div class="page-head">
        <div>
          <h1>Endpoints</h1>
          <p class="muted">Where your webhooks are sent, and how they are doing.</p>
        </div>
        {session.can_create ? (
          <Link to="/endpoints/new" class="button primary">
            Add endpoint
          </Link>
        ) : null}
      </div>
      {first.loading ? <Loading label="Loading endpoints…" /> : null}
      {first.error ? <ErrorNotice error={first.error} title="The endpoints could not be loaded." /> : null}
      {first.data && endpoints.length === 0 ? (
        <EmptyState title="No endpoints yet">
          <p class="muted">An endpoint is a URL of yours that receives webhooks for the event types you pick.</p>
          {session.can_create ? (
            <Link to="/endpoints/new" class="button primary">
              Add your first endpoint
            </Link>
          ) : null}
        </EmptyState>
      ) : null}
      {endpoints.length > 0 ? (
        <>
          <p class="muted small">
            {plural(endpoints.length, 'endpoint')}
            {nextCursor ? ' so far' : ''}
          </p>
          <ul class="endpoint-list">
            {endpoints.map((endpoint) => (
              <EndpointCard key={endpoint.id} endpoint={endpoint} />
            ))}
          </ul>
        </>
      ) : null}
      {moreError ? <ErrorNotice error={moreError} /> : null}
      {nextCursor ? (
        <button type="button" class="button" disabled={loadingMore} onClick={() => loadMore(nextCursor)}>
          {loadingMore ? 'Loading…' : 'Show more endpoints'}
        </button>
      ) : null}
    </main>
  );
}
