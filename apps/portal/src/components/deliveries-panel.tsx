import { useState } from 'preact/hooks';
import { ApiError, api } from '../api.js';
import { absoluteTime, durationMs, plural, relativeTime, truncate } from '../format.js';
import type { Attempt, Delivery, DeliveryStatus, Page } from '../types.js';
import { useResource } from '../use-resource.js';
import { DeliveryBadge, StatusCode } from './badges.js';
import { EmptyState, ErrorNotice, Loading } from './notices.js';

const BODY_PREVIEW = 300;
const STATUS_FILTERS: Array<{ value: '' | DeliveryStatus; label: string }> = [
  { value: '', label: 'All' },
  { value: 'delivered', label: 'Delivered' },
  { value: 'pending', label: 'Pending' },
  { value: 'failed', label: 'Failed, retrying' },
  { value: 'dead', label: 'Failed' },
];

/** A response body exactly as received: always text, never markup. */
function ResponseBody({ body }: { body: string }) {
  const [full, setFull] = useState(false);
  const shown = full ? { text: body, truncated: false } : truncate(body, BODY_PREVIEW);
  return (
    <div class="response-body">
      <pre>{shown.text}</pre>
      {shown.truncated || full ? (
        <button type="button" class="link-button" onClick={() => setFull(!full)}>
          {full ? 'Show less' : `Show all ${body.length} characters`}
        </button>
      ) : null}
    </div>
  );
}

/** How many of a batch's other events an attempt names before "and N more". */
const SHOWN_BATCH_MEMBERS = 5;

/**
 * The events of each batch, by batch id, as the endpoint's attempt log has them (docs/delivery.md, "Batches": one
 * entry per member per attempt): a batch sent again keeps its id and its members.
 */
function batchMembers(attempts: Attempt[]): Map<string, string[]> {
  const members = new Map<string, Set<string>>();
  for (const attempt of attempts) {
    if (!attempt.batch_id) continue;
    members.set(attempt.batch_id, (members.get(attempt.batch_id) ?? new Set()).add(attempt.event_id));
  }
  return new Map([...members].map(([batchId, events]) => [batchId, [...events]]));
}

/** The other events that went out in the same request as this one. */
function BatchMembers({ eventId, members }: { eventId: string; members: string[] }) {
  const others = members.filter((member) => member !== eventId);
  if (others.length === 0) return null;
  const shown = others.slice(0, SHOWN_BATCH_MEMBERS);
  return (
    <span class="muted small" data-field="batch-members">
      with {plural(others.length, 'other event')}: {shown.join(', ')}
      {others.length > shown.length ? ` and ${others.length - shown.length} more` : ''}
    </span>
  );
}

function AttemptList({ attempts, batches }: { attempts: Attempt[]; batches: Map<string, string[]> }) {
  if (attempts.length === 0) return <p class="muted small">No attempt recorded yet (or older than the attempt log keeps).</p>;
  return (
    <ol class="attempts" reversed>
      {attempts.map((attempt) => (
        <li key={`${attempt.attempt}-${attempt.at}`} class="attempt" data-ok={attempt.ok}>
          <div class="attempt-head">
            <span class="attempt-number">Attempt {attempt.attempt}</span>
            <StatusCode code={attempt.status_code} error={attempt.error} />
            <span class="muted">{durationMs(attempt.duration_ms)}</span>
            {attempt.batch_id ? (
              <>
                <span class="chip" title="sent in one request with the other events of this batch">
                  {attempt.batch_id}
                </span>
                <BatchMembers eventId={attempt.event_id} members={batches.get(attempt.batch_id) ?? []} />
              </>
            ) : null}
            <span class="muted" title={absoluteTime(attempt.at)}>
              {relativeTime(attempt.at)}
            </span>
            {!attempt.ok && attempt.error && attempt.status_code !== null && attempt.error !== `HTTP ${attempt.status_code}` ? (
              <span class="muted">{attempt.error}</span>
            ) : null}
          </div>
          {attempt.response_body ? <ResponseBody body={attempt.response_body} /> : <p class="muted small">Empty response body.</p>}
        </li>
      ))}
    </ol>
  );
}

function DeliveryRow({ delivery, attempts, batches, onRetried }: { delivery: Delivery; attempts: Attempt[]; batches: Map<string, string[]>; onRetried: () => void }) {
  const [retrying, setRetrying] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const last = attempts[0];
  const retry = async () => {
    setRetrying(true);
    setError(null);
    try {
      await api.post(`/v1/deliveries/${encodeURIComponent(delivery.id)}/retry`);
      onRetried();
    } catch (failure) {
      setError(failure as ApiError);
    } finally {
      setRetrying(false);
    }
  };
  return (
    <li class="delivery" data-delivery={delivery.id} data-status={delivery.status}>
      <details>
        <summary>
          <DeliveryBadge status={delivery.status} />
          {/* Which event this is, so a receiver can find the one that failed: its type, its id and when it came. */}
          <span class="delivery-event" title={`delivery ${delivery.id}`}>
            <strong class="event-type" data-field="event-type">
              {delivery.event_type ?? 'event no longer kept'}
            </strong>
            <span class="event-line">
              <span data-field="event-id">{delivery.event_id}</span> ·{' '}
              <time data-field="event-time" dateTime={delivery.event_received_at} title={absoluteTime(delivery.event_received_at)}>
                {relativeTime(delivery.event_received_at)}
              </time>
            </span>
          </span>
          <span class="delivery-meta">
            {plural(delivery.attempts, 'attempt')}
            {last ? (
              <>
                {' '}
                · last <StatusCode code={last.status_code} error={last.error} />
              </>
            ) : null}
          </span>
          <span class="delivery-meta" title={absoluteTime(delivery.next_attempt_at)}>
            {delivery.next_attempt_at && (delivery.status === 'pending' || delivery.status === 'failed')
              ? `next ${relativeTime(delivery.next_attempt_at)}`
              : ''}
          </span>
        </summary>
        <AttemptList attempts={attempts} batches={batches} />
      </details>
      {/* Beside the summary, not in it: a button nested in the row's disclosure (itself a button) is one that screen
          readers may not offer as a control, and the summary's name would end "… Retry now". */}
      {delivery.status === 'failed' || delivery.status === 'dead' ? (
        <button type="button" class="button small delivery-retry" disabled={retrying} onClick={retry} aria-label={`${retrying ? 'Retrying' : 'Retry now'}: ${delivery.event_id}`}>
          {retrying ? 'Retrying…' : 'Retry now'}
        </button>
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
    </li>
  );
}

/** Deliveries a page shows: the API's default page is larger, and a row with its attempts is tall. */
const PAGE_SIZE = 25;

function deliveriesPath(endpointId: string, status: '' | DeliveryStatus, cursor: string | undefined): string {
  const query = new URLSearchParams({ subscription: endpointId, limit: String(PAGE_SIZE) });
  if (status) query.set('status', status);
  if (cursor) query.set('cursor', cursor);
  return `/v1/deliveries?${query}`;
}

/**
 * Newest, Newer and Older between the pages of the list. A cursor names a position in the list (page-cursor.ts in
 * the store), so a page opened by Older stays the same page while newer deliveries arrive and the panel refreshes.
 */
interface PagerProps {
  /** 1 for the newest page. */
  page: number;
  /** The cursor of the page after this one; null at the end, or while the page asked for has not arrived yet. */
  nextCursor: string | null;
  onNewest: () => void;
  onNewer: () => void;
  onOlder: (cursor: string) => void;
}

function DeliveryPager({ page, nextCursor, onNewest, onNewer, onOlder }: PagerProps) {
  if (page === 1 && !nextCursor) return null;
  return (
    <nav class="pager" aria-label="Delivery pages">
      <button type="button" class="button small" disabled={page === 1} onClick={onNewest}>
        Newest
      </button>
      <button type="button" class="button small" disabled={page === 1} onClick={onNewer}>
        Newer
      </button>
      <span class="muted small" data-field="delivery-page">
        Page {page}
      </span>
      <button type="button" class="button small" disabled={!nextCursor} onClick={() => nextCursor && onOlder(nextCursor)}>
        Older
      </button>
    </nav>
  );
}

/** The endpoint's deliveries, newest first, a page at a time, each with its attempts. */
export function DeliveriesPanel({ endpointId, refreshKey, onChanged }: { endpointId: string; refreshKey: number; onChanged: () => void }) {
  const [status, setStatus] = useState<'' | DeliveryStatus>('');
  // The cursors of the pages opened with Older, oldest last; empty on the newest page. A new filter starts over.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const id = encodeURIComponent(endpointId);
  const deliveries = useResource(
    async () => ({ cursor, status, page: await api.get<Page<Delivery>>(deliveriesPath(endpointId, status, cursor)) }),
    [endpointId, status, cursor, refreshKey],
  );
  const shown = deliveries.data?.page;
  // The panel keeps showing the page it had until the next one arrives: Older waits for the page it asked for.
  const settled = deliveries.data?.cursor === cursor && deliveries.data?.status === status;
  const attempts = useResource(() => api.get<{ data: Attempt[] }>(`/v1/subscriptions/${id}/attempts`), [id, refreshKey]);
  const byDelivery = new Map<string, Attempt[]>();
  for (const attempt of attempts.data?.data ?? []) byDelivery.set(attempt.delivery_id, [...(byDelivery.get(attempt.delivery_id) ?? []), attempt]);
  const batches = batchMembers(attempts.data?.data ?? []);
  const older = (next: string) => setCursors((opened) => (opened.at(-1) === next ? opened : [...opened, next]));
  const filter = (next: '' | DeliveryStatus) => {
    setStatus(next);
    setCursors([]);
  };

  return (
    <section class="card panel" aria-labelledby="deliveries-title" aria-busy={!settled}>
      <div class="panel-head">
        <h2 id="deliveries-title">{cursors.length === 0 ? 'Recent deliveries' : 'Older deliveries'}</h2>
        <label class="filter">
          <span>Show</span>
          <select value={status} onChange={(event) => filter(event.currentTarget.value as '' | DeliveryStatus)}>
            {STATUS_FILTERS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {deliveries.loading ? <Loading label="Loading deliveries…" /> : null}
      {deliveries.error ? <ErrorNotice error={deliveries.error} title="The deliveries could not be loaded." /> : null}
      {shown && shown.data.length === 0 ? (
        cursors.length > 0 ? (
          <EmptyState title={status ? 'No older deliveries with this status' : 'No older deliveries'} />
        ) : (
          <EmptyState title={status ? 'No deliveries with this status' : 'No deliveries yet'}>
            <p class="muted small">Deliveries appear here as events are sent to this endpoint. Send a test event to try it.</p>
          </EmptyState>
        )
      ) : null}
      {shown && shown.data.length > 0 ? (
        <ul class="deliveries">
          {shown.data.map((delivery) => (
            <DeliveryRow key={delivery.id} delivery={delivery} attempts={byDelivery.get(delivery.id) ?? []} batches={batches} onRetried={onChanged} />
          ))}
        </ul>
      ) : null}
      <DeliveryPager
        page={cursors.length + 1}
        nextCursor={settled ? (shown?.next_cursor ?? null) : null}
        onNewest={() => setCursors([])}
        onNewer={() => setCursors((opened) => opened.slice(0, -1))}
        onOlder={older}
      />
    </section>
  );
}
