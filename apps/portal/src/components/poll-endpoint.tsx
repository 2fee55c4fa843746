import { api } from '../api.js';
import type { PollBacklog } from '../types.js';
import { relativeTime } from '../format.js';
import { useResource } from '../use-resource.js';
import { ErrorNotice, Loading } from './notices.js';


/** Whether an endpoint is fetched by its subscriber (pull mode) rather than sent to. */
export function isPollEndpoint(endpoint: object): boolean {
  return (endpoint as { destination?: { type?: string } }).destination?.type === 'poll';
}

/** What names an endpoint where its URL would: a poll endpoint has none. */
export function endpointAddress(endpoint: { url: string }): string {
  return isPollEndpoint(endpoint) ? 'Pull endpoint (fetched by its subscriber)' : endpoint.url;
}

/** The `url` an edit sends: none for a poll endpoint left without one (it stays a pull endpoint); a URL typed in makes it HTTP. */
export function urlChange(endpoint: object | null | undefined, url: string): { url?: string } {
  return endpoint && isPollEndpoint(endpoint) && url === '' ? {} : { url };
}

/**
 * A poll endpoint's backlog (docs/api.md, "Pull mode"): messages waiting for the subscriber to fetch them and how long
 * the oldest has waited, refreshed with the page. A growing age means the subscriber stopped fetching.
 */
export function PollBacklogPanel({ endpointId, refreshKey }: { endpointId: string; refreshKey: number }) {
  const backlog = useResource(() => api.get<PollBacklog>(`/v1/subscriptions/${encodeURIComponent(endpointId)}/backlog`), [endpointId, refreshKey]);
  return (
    <section class="card panel" aria-labelledby="poll-backlog-title">
      <h2 id="poll-backlog-title">Waiting to be fetched</h2>
      <p class="muted small">This endpoint has no URL: its subscriber fetches its messages (GET /v1/subscriptions/{endpointId}/messages).</p>
      {backlog.error ? <ErrorNotice error={backlog.error} title="The backlog could not be loaded." /> : null}
      {!backlog.data ? (
        // A failed read says so above; a spinner beside it would never end.
        backlog.error ? null : <Loading label="Loading the backlog…" />
      ) : (
        <dl class="stat-row">
          <div>
            <dt>Backlog</dt>
            <dd data-stat="poll-backlog">{backlog.data.messages}</dd>
          </div>
          <div>
            <dt>Oldest waiting since</dt>
            <dd data-stat="poll-lag">{backlog.data.oldest_waiting_since ? relativeTime(backlog.data.oldest_waiting_since) : 'none waiting'}</dd>
          </div>
        </dl>
      )}
    </section>
  );
}
