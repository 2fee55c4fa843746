import type { PollBacklog, PollMessage } from '@hookfleet/core';
import { HookfleetApiError, HookfleetConnectionError, HookfleetTimeoutError } from './errors.js';
import { isRetryable, retryDelayMs } from './retry-policy.js';
import type { RequestFunction } from './transport.js';
import { pauseAfterEmptyPageMs } from './poll-pace.js';

export type { PollBacklog, PollMessage };

/** One answer of GET /v1/subscriptions/:id/messages. */
export interface PollPage {
  data: PollMessage[];
  /** Opaque: hand it back as `after` to acknowledge this page and read on. */
  next: string;
}

export interface MessageQuery {
  /** A `next` from an earlier answer: every message up to it is acknowledged (delivered). */
  after?: string;
  /** 1–500. @defaultValue 100 */
  limit?: number;
  /** Seconds (0–30) to wait for a message when none is there. @defaultValue 0 */
  wait?: number;
}

export interface PollerOptions {
  /** Where to start: a cursor saved earlier. @defaultValue after what was acknowledged last */
  after?: string;
  /**
   * Messages a fetch asks for (1–500). A page is signed when it is fetched (docs/api.md, "Pull mode"), so with slow
   * work per message keep a page's work within the verifiers' 5 minutes. @defaultValue 100
   */
  limit?: number;
  /**
   * Seconds (0–30) a fetch asks the API to hold an empty answer open (long-poll). The client's `timeoutMs` counts from
   * the end of it, as for `messages()`, so a short timeout does not shorten the wait. @defaultValue 20
   */
  waitSeconds?: number;
  /**
   * Ends the iteration quietly: a fetch under way (a long-poll included) is cut off, no message is yielded after the
   * abort, and nothing is acknowledged that the loop had not come back past.
   */
  signal?: AbortSignal;
}

/** The API's longest long-poll (MAX_POLL_WAIT_SECONDS in apps/api/src/routes/poll-messages.ts): a longer one is a 400. */
const MAX_WAIT_SECONDS = 30;

/**
 * The poller's backoff once the client's own retries are spent: a loop meant to run for days rides out an API restart
 * or a Redis failover (429, 502, 503, 504, a timeout, no connection) instead of ending on it; without a Retry-After it
 * waits 1 s, 2 s, … up to 30 s between fetches.
 */
const OUTAGE_BACKOFF = { limit: Number.POSITIVE_INFINITY, baseDelayMs: 1000, maxDelayMs: 30_000 };

/** A 500 that outlasted the client's retries is a fault to report, not an outage to wait out for ever. */
const INTERNAL_ERROR = 500;

/** How long to wait before fetching again after `error`, or null when asking again cannot help (400, 401, 404 …). */
function outagePauseMs(error: unknown, failedTries: number): number | null {
  const failure =
    error instanceof HookfleetApiError
      ? { statusCode: error.status, retryAfterMs: error.retryAfterMs }
      : error instanceof HookfleetConnectionError
        ? { errorCode: error.errorCode }
        : error instanceof HookfleetTimeoutError
          ? { errorCode: 'ETIMEDOUT' }
          : null;
  if (failure === null || !isRetryable({ idempotent: true, ...failure })) return null;
  if ('statusCode' in failure && failure.statusCode === INTERNAL_ERROR) return null;
  // The API said when: sooner would only be turned away again.
  if ('retryAfterMs' in failure && failure.retryAfterMs !== undefined && failure.retryAfterMs > 0) return failure.retryAfterMs;
  return retryDelayMs({ failedTries, idempotent: true, ...failure, retry: OUTAGE_BACKOFF });
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done);
  });
}

/**
 * A poll subscription's messages as an async iterator: it long-polls, yields each message in order, and when the
 * loop comes back for more after a page's last message, its next fetch acknowledges that page. A loop that stops
 * part-way (break, throw) leaves the page unacknowledged, so its messages come again (at least once; drop them by
 * `id`). `cursor` is what to save to resume after a restart. An API that is away or busy (OUTAGE_BACKOFF) is waited
 * for; an answer that asking again cannot change (a 400, 401, 404) ends the loop with its error.
 */
export class MessagePoller implements AsyncIterable<PollMessage> {
  private position: string | undefined;

  constructor(private readonly request: RequestFunction, private readonly subscriptionId: string, private readonly options: PollerOptions = {}) {
    this.position = options.after;
  }

  /** The cursor of the last page the loop finished: everything before it is handled. */
  get cursor(): string | undefined {
    return this.position;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<PollMessage> {
    const wait = Math.max(0, Math.min(this.options.waitSeconds ?? 20, MAX_WAIT_SECONDS));
    const { signal } = this.options;
    let failedTries = 0;
    while (!signal?.aborted) {
      let page: PollPage;
      const fetchedAt = Date.now();
      try {
        page = await fetchMessages(this.request, this.subscriptionId, { ...(this.position !== undefined ? { after: this.position } : {}), limit: this.options.limit ?? 100, wait }, signal);
        failedTries = 0;
      } catch (error) {
        if (signal?.aborted) return;
        failedTries += 1;
        const pauseMs = outagePauseMs(error, failedTries);
        if (pauseMs === null) throw error;
        // The same cursor again: nothing was yielded from the failed fetch, so nothing is skipped or acknowledged.
        await pause(pauseMs, signal);
        continue;
      }
      for (const message of page.data) {
        // A page that arrived as the abort came, or an abort part-way through a page: it ends like a break.
        if (signal?.aborted) return;
        yield message;
      }
      // Reached only when the loop asked for the message after the page's last: the page is handled.
      this.position = page.next;
      if (page.data.length === 0) await pause(pauseAfterEmptyPageMs(Date.now() - fetchedAt), signal);
    }
  }
}

/**
 * One fetch of GET /v1/subscriptions/:id/messages. The API holds it open up to `wait` seconds when there is nothing
 * yet, so the client's timeout counts from the end of the wait (heldOpenSeconds).
 */
export function fetchMessages(request: RequestFunction, subscriptionId: string, query: MessageQuery = {}, signal?: AbortSignal): Promise<PollPage> {
  return request<PollPage>('GET', `/v1/subscriptions/${encodeURIComponent(subscriptionId)}/messages`, undefined, { query: { ...query }, signal, heldOpenSeconds: query.wait });
}
