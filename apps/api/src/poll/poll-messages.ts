import { NotFound, ValidationFailed, type AttemptRecord, type PollBacklog, type PollMessage, type SigningKeyPair, type Subscription } from '@hookfleet/core';
import type { HookfleetMetrics } from '@hookfleet/metrics';
import { findProfile } from '@hookfleet/profiles';
import type { AttemptResult, DeliveryStore, Keys, PollEntry, PollLog } from '@hookfleet/store';
import type { PollWaiters } from './poll-waiters.js';
import { CURSOR_NOT_GIVEN_OUT, decodePollCursor, encodePollCursor } from './poll-cursor.js';

export interface PollFetch {
  /** The `after` cursor as given: everything up to it is acknowledged; null reads on from the acknowledged cursor. */
  after: string | null;
  limit: number;
  waitMs: number;
  /** Aborted when the caller went away: a long-poll stops waiting. */
  signal?: AbortSignal | undefined;
  /** The tenant's key pairs, read only when a page of a `v1a` subscription is signed. */
  signingKeys?: (() => Promise<readonly SigningKeyPair[]>) | undefined;
}

export interface PollPage {
  data: PollMessage[];
  next: string;
}

export interface PollMessagesParts {
  log: PollLog;
  waiters: PollWaiters;
  keys: Keys;
  deliveries: Pick<DeliveryStore, 'states' | 'settle' | 'releaseEndedEvents' | 'markDead'>;
  metrics: HookfleetMetrics;
  /** Retention 0: an event goes once its last delivery ended, a fetched one included. */
  releaseEnded: boolean;
}

/**
 * GET /v1/subscriptions/:id/messages (docs/api.md, "Pull mode"): acknowledges what the caller's cursor passed — each
 * delivery in it becomes delivered, with its attempt, metrics and bookkeeping like an HTTP success — then answers the
 * messages after it, waiting up to `waitMs` for some when there are none.
 */
export class PollMessages {
  constructor(private readonly parts: PollMessagesParts) {}

  async fetch(subscription: Subscription, request: PollFetch): Promise<PollPage> {
    assertPoll(subscription);
    const { log, waiters, keys } = this.parts;
    const after = request.after === null ? null : decodePollCursor(request.after, subscription.id);
    if (request.after !== null && after === null) throw badCursor();
    if (after !== null) await this.acknowledge(subscription, after);
    const read = () => log.read(subscription.id, after, request.limit);
    let entries = await read();
    if (entries.length === 0 && request.waitMs > 0) entries = await waiters.waitFor(keys.pollChannel(subscription.id), request.waitMs, read, request.signal);
    const next = entries.at(-1)?.position ?? after ?? (await log.acknowledged(subscription.id));
    return { data: await signedAtFetch(subscription, entries, request.signingKeys), next: encodePollCursor(next, subscription.id) };
  }

  async backlog(subscription: Subscription, now = Date.now()): Promise<PollBacklog> {
    assertPoll(subscription);
    const [backlog] = await this.parts.log.backlogs([subscription.id]);
    const oldest = backlog?.oldestAppendedAt ?? null;
    return {
      messages: backlog?.messages ?? 0,
      oldest_waiting_since: oldest === null ? null : new Date(oldest).toISOString(),
      oldest_waiting_seconds: oldest === null ? 0 : Math.max(0, Math.round((now - oldest) / 1000)),
    };
  }

  /**
   * A poll subscription's log goes, deleted or moved to another destination, and the deliveries waiting in it end
   * `dead` with the attempts they had, as a deleted HTTP subscription's pending deliveries do when their jobs next
   * run: nobody could fetch them any more (replay sends them to the new destination).
   */
  async dropLog(subscription: Subscription): Promise<void> {
    if (subscription.destination?.type !== 'poll') return;
    const ids = await this.parts.log.drop(subscription.id);
    const states = await this.parts.deliveries.states(ids);
    const open = ids.flatMap((id, index) => {
      const state = states[index];
      return state?.status === 'pending' ? [{ id, subscriptionId: subscription.id, attempts: state.attempts }] : [];
    });
    await this.parts.deliveries.markDead(open);
  }

  /** The settle step of a poll delivery: once a fetch passed it, it is delivered (one attempt, at the fetch). */
  private async acknowledge(subscription: Subscription, position: string): Promise<void> {
    const passed = await this.parts.log.acknowledge(subscription.id, position);
    if (passed === null) throw badCursor();
    if (passed.length === 0) return;
    const states = await this.parts.deliveries.states(passed.map((entry) => entry.message.id));
    const now = Date.now();
    const results = passed.map((entry, index) => deliveredResult(subscription.id, entry, (states[index]?.attempts ?? 0) + 1, now));
    await this.parts.deliveries.settle(results, { subscriptionId: subscription.id, now });
    if (this.parts.releaseEnded) await this.parts.deliveries.releaseEndedEvents(results);
    const { metrics } = this.parts;
    metrics.deliveryAttempts.inc({ profile: subscription.profile, outcome: 'success', status_class: 'none', destination: 'poll' }, results.length);
    const lag = metrics.deliveryLag.labels({ profile: subscription.profile });
    for (const entry of passed) lag.observe((now - entry.eventReceivedAt) / 1000);
  }
}

/**
 * The page's messages signed again at this fetch, as an HTTP retry is signed again at its send: the fetch is the
 * delivery, and Standard Webhooks verifiers (the SDK's verifyWebhook among them) refuse a `webhook-timestamp` more
 * than 5 minutes old, while a message may wait in the log for the whole retention. Only the timestamp and the
 * signatures change (the subscription's secrets or the tenant's keys as they are now); the body, id and the other
 * headers are the hand-over's. A profile that cannot sign a body apart from building it (no `signBody`), or a
 * signature that cannot be made now (a `v1a` tenant without a live key), keeps the hand-over's signature.
 */
async function signedAtFetch(subscription: Subscription, entries: readonly PollEntry[], signingKeys: PollFetch['signingKeys']): Promise<PollMessage[]> {
  const messages = entries.map((entry) => entry.message);
  const profile = findProfile(subscription.profile);
  const signBody = profile?.signBody?.bind(profile);
  if (messages.length === 0 || !signBody) return messages;
  const keys = subscription.signature === 'v1a' && signingKeys ? await signingKeys() : undefined;
  const now = new Date();
  return messages.map((message) => {
    try {
      const signature = signBody({ id: message.id, subscription, now, body: message.body, signingKeys: keys });
      return { ...message, headers: { ...message.headers, ...signature } };
    } catch {
      return message;
    }
  });
}

/** An `after` that is not a cursor this subscription's answers gave out. */
function badCursor(): ValidationFailed {
  return new ValidationFailed('bad cursor', [{ path: 'after', message: CURSOR_NOT_GIVEN_OUT }]);
}

function assertPoll(subscription: Subscription): void {
  if (subscription.destination?.type !== 'poll') throw new NotFound(`subscription ${subscription.id} is not a poll subscription`);
}

function deliveredResult(subscriptionId: string, entry: PollEntry, attempt: number, now: number): AttemptResult {
  const record: AttemptRecord = {
    delivery_id: entry.message.id,
    event_id: entry.message.event_id,
    attempt,
    status_code: null,
    ok: true,
    error: null,
    duration_ms: 0,
    at: new Date(now).toISOString(),
    response_body: null,
  };
  return { deliveryId: entry.message.id, subscriptionId, status: 'delivered', attempts: attempt, nextAttemptAt: null, record, eventReceivedAt: entry.eventReceivedAt };
}
