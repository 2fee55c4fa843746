import type { PollBacklog, PollMessage } from '@hookfleet/core';
import type { RequestFunction } from './transport.js';

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
  /** Messages a fetch asks for (1–500). @defaultValue 100 */
  limit?: number;
  /** Seconds a fetch waits for new messages (long-poll); kept below the client's own timeout. @defaultValue 20 */
  waitSeconds?: number;
  /**
   * Ends the iteration quietly: a fetch under way (a long-poll included) is cut off, no message is yielded after the
   * abort, and nothing is acknowledged that the loop had not come back past.
   */
  signal?: AbortSignal;
}

/** Seconds the long-poll leaves to the client's timeout for the answer to travel. */
const TIMEOUT_MARGIN_SECONDS = 5;

/**
 * The pause after an empty page when the fetch itself did not wait (`waitSeconds: 0`, or a client timeout too short to
 * long-poll): without it the loop would ask again at once, as fast as the API answers, for as long as nothing comes.
 */
export const EMPTY_PAGE_PAUSE_MS = 1000;

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
 * `id`). `cursor` is what to save to resume after a restart.
 */
export class MessagePoller implements AsyncIterable<PollMessage> {
  private position: string | undefined;

  constructor(private readonly request: RequestFunction, private readonly subscriptionId: string, private readonly options: PollerOptions & { timeoutMs: number }) {
    this.position = options.after;
  }

  /** The cursor of the last page the loop finished: everything before it is handled. */
  get cursor(): string | undefined {
    return this.position;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<PollMessage> {
    const wait = Math.max(0, Math.min(this.options.waitSeconds ?? 20, this.options.timeoutMs / 1000 - TIMEOUT_MARGIN_SECONDS, 30));
    const { signal } = this.options;
    while (!signal?.aborted) {
      let page: PollPage;
      try {
        page = await fetchMessages(this.request, this.subscriptionId, { ...(this.position !== undefined ? { after: this.position } : {}), limit: this.options.limit ?? 100, wait }, signal);
      } catch (error) {
        if (signal?.aborted) return;
        throw error;
      }
      for (const message of page.data) {
        // A page that arrived as the abort came, or an abort part-way through a page: it ends like a break.
        if (signal?.aborted) return;
        yield message;
      }
      // Reached only when the loop asked for the message after the page's last: the page is handled.
      this.position = page.next;
      if (page.data.length === 0 && wait === 0) await pause(EMPTY_PAGE_PAUSE_MS, signal);
    }
  }
}

/** One fetch of GET /v1/subscriptions/:id/messages. */
export function fetchMessages(request: RequestFunction, subscriptionId: string, query: MessageQuery = {}, signal?: AbortSignal): Promise<PollPage> {
  return request<PollPage>('GET', `/v1/subscriptions/${encodeURIComponent(subscriptionId)}/messages`, undefined, { query: { ...query }, signal });
}
