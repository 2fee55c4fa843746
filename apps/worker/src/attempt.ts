import type { StoredEvent, Subscription, AttemptRecord, DeliveryStatus } from '@hookfleet/core';
import { cappedRetryAfterMs, maxAttempts, payloadKeepMs, retryDelay, type BookkeepingEffect, type ProviderProfile } from '@hookfleet/profiles';
import { asksForPause, classifyAttempt, parseRetryAfterMs, type AttemptOutcomeLabel, type DeliveryTransport, type SendResult } from '@hookfleet/delivery';

export interface AttemptInput {
  deliveryId: string;
  event: StoredEvent;
  subscription: Subscription;
  profile: ProviderProfile;
  attempt: number;
  retryDelayScale: number;
  /** HOOKFLEET_EVENT_RETENTION_HOURS in milliseconds: with the ladder, how long the event's payload is kept. */
  retentionMs: number;
  /** Jitter's source; tests inject one. */
  random?: () => number;
}

/** Milliseconds from `now` until this delivery's event payload expires (payloadKeepMs from its acceptance). */
export function payloadLeftMs(input: Pick<AttemptInput, 'event' | 'subscription' | 'profile' | 'retryDelayScale' | 'retentionMs'>, now: number): number {
  const need = { ladderMs: input.profile.retryDelaysMs, delayMs: input.subscription.delay_seconds * 1000, scale: input.retryDelayScale };
  return Date.parse(input.event.received_at) + payloadKeepMs(input.retentionMs, [need]) - now;
}

/** The typed outcome of one attempt, which recording, scheduling, metrics and logs consume. */
export interface AttemptDecision {
  verdict: 'delivered' | 'retry' | 'dead';
  status: DeliveryStatus;
  outcome: AttemptOutcomeLabel;
  statusCode: number | null;
  durationMs: number;
  retryDelayMs: number | null;
  /** The endpoint's own Retry-After on a 429 or 503, capped (retryDelay): it pauses the endpoint and bounds the next delay from below. */
  retryAfterMs: number | null;
  record: AttemptRecord;
  bookkeeping: BookkeepingEffect | undefined;
}

/**
 * A request that cannot be built (a stored secret its profile cannot sign with, from before secrets were checked where
 * they enter) fails the same way on every attempt: the delivery ends dead at once, with the reason in its attempt
 * log, and the rest of its group goes on.
 */
function permanentFailure(input: AttemptInput, at: Date, error: unknown): AttemptDecision {
  const reason = `request not built (permanent, not retried): ${error instanceof Error ? error.message : String(error)}`;
  const record: AttemptRecord = {
    delivery_id: input.deliveryId,
    event_id: input.event.id,
    attempt: input.attempt,
    status_code: null,
    ok: false,
    error: reason,
    duration_ms: 0,
    at: at.toISOString(),
    response_body: null,
  };
  return { verdict: 'dead', status: 'dead', outcome: 'error', statusCode: null, durationMs: 0, retryDelayMs: null, retryAfterMs: null, record, bookkeeping: undefined };
}

/** Build → send → judge: one attempt of one delivery. */
/** Null when the delivery was not sent because its endpoint stalled: it stays pending, nothing is recorded. */
export async function attemptDelivery(input: AttemptInput, transport: DeliveryTransport): Promise<AttemptDecision | null> {
  const { deliveryId, event, subscription, profile, attempt } = input;
  let sentAt: Date | undefined;
  let unbuildable: unknown;
  let result: SendResult;
  try {
    // Built when the endpoint has a free slot: a waiting delivery holds no body, its timestamp is when it leaves.
    result = await transport.send(subscription.url, () => {
      sentAt = new Date();
      try {
        const request = profile.buildRequest({ deliveryId, event, subscription, attempt, now: sentAt });
        // The same delivery id on every attempt lets receivers drop duplicates.
        return { body: request.body, headers: { ...request.headers, 'webhook-id': deliveryId } };
      } catch (error) {
        unbuildable = error;
        throw error;
      }
    });
  } catch (error) {
    if (unbuildable === undefined) throw error;
    return permanentFailure(input, sentAt ?? new Date(), unbuildable);
  }
  if (result.kind === 'stalled') return null;
  const now = sentAt ?? new Date();
  const outcome = classifyAttempt(result, profile.isSuccess);
  const ok = outcome === 'success';
  const askedRetryAfterMs = asksForPause(result.statusCode) ? parseRetryAfterMs(result.headers['retry-after'], now.getTime()) : null;
  const next = ok
    ? null
    : retryDelay({
        ladderMs: profile.retryDelaysMs,
        attemptsMade: attempt,
        scale: input.retryDelayScale,
        retryAfterMs: askedRetryAfterMs,
        payloadLeftMs: payloadLeftMs(input, now.getTime()),
        ...(input.random ? { random: input.random } : {}),
      });
  const retryDelayMs = next?.delayMs ?? null;
  // The pause an endpoint asked for obeys the same cap as its retry (a hostile value must not hold it for years).
  const retryAfterMs =
    askedRetryAfterMs === null ? null : next ? next.honouredRetryAfterMs : cappedRetryAfterMs(askedRetryAfterMs, (profile.retryDelaysMs.at(-1) ?? 0) * input.retryDelayScale, payloadLeftMs(input, now.getTime()));
  const verdict = ok ? 'delivered' : retryDelayMs === null || attempt >= maxAttempts(profile) ? 'dead' : 'retry';
  const status: DeliveryStatus = verdict === 'delivered' ? 'delivered' : verdict === 'dead' ? 'dead' : 'failed';
  const record: AttemptRecord = {
    delivery_id: deliveryId,
    event_id: event.id,
    attempt,
    status_code: result.statusCode,
    ok,
    error: ok ? null : (result.error ?? `HTTP ${result.statusCode ?? ''}`.trim()),
    duration_ms: Math.round(result.durationMs * 100) / 100,
    at: now.toISOString(),
    response_body: result.responseBody || null,
  };
  const bookkeeping = profile.onAttempt?.({ ok, statusCode: result.statusCode, dead: verdict === 'dead', at: now });
  // A subscription its profile removes or disables (a status that ends it, a disable rule) gets no further attempt.
  if (verdict === 'retry' && (bookkeeping?.remove || bookkeeping?.disable)) {
    return { verdict: 'dead', status: 'dead', outcome, statusCode: result.statusCode, durationMs: result.durationMs, retryDelayMs: null, retryAfterMs, record, bookkeeping };
  }
  return { verdict, status, outcome, statusCode: result.statusCode, durationMs: result.durationMs, retryDelayMs: verdict === 'retry' ? retryDelayMs : null, retryAfterMs, record, bookkeeping };
}
