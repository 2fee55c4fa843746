import type { DeliveryStatus, Subscription } from '@hookfleet/core';
import { cappedRetryAfterMs, payloadKeepMs, retryDelay, retryLadderMs, type BookkeepingEffect, type ProviderProfile } from '@hookfleet/profiles';
import type { DestinationOutcome } from './destination.js';
import type { AttemptOutcomeLabel } from './classify.js';

/** A request the profile could not build (a stored secret it cannot sign with): it fails the same way every time. */
export interface Unbuildable {
  kind: 'unbuildable';
  error: string;
}

/** What the send step reports: the destination's outcome, or a request that was never built. */
export type SendOutcome = DestinationOutcome | Unbuildable;

/**
 * What happens to a delivery after an attempt. `retry` at `at` (epoch ms: the attempt's end plus `delayMs`); `dead`: no further attempt; `gone`: the
 * endpoint said the subscription is over (the profile's bookkeeping removes or disables it), so the delivery ends
 * dead and the subscription with it.
 */
export type Verdict = { kind: 'delivered' } | { kind: 'retry'; at: number; delayMs: number } | { kind: 'dead' } | { kind: 'gone' };

export interface JudgeInput {
  profile: Pick<ProviderProfile, 'isSuccess' | 'retryDelaysMs' | 'onAttempt'>;
  /** Its own `retry`, when set, replaces the profile's ladder (retryLadderMs). */
  subscription: Pick<Subscription, 'delay_seconds' | 'retry'>;
  /** This attempt's number: 1 for the first. */
  attempt: number;
  outcome: SendOutcome;
  /** When the request left (its signature's time); the next attempt's delay counts from its end (at + duration). */
  at: Date;
  /** When the delivery's event was accepted: its payload is kept for payloadKeepMs from then. */
  eventReceivedAt: number;
  retryDelayScale: number;
  /** HOOKFLEET_EVENT_RETENTION_HOURS in milliseconds. */
  retentionMs: number;
  /** An operator's one more attempt (retry, recover): a failure ends the delivery dead instead of climbing the ladder. */
  final?: boolean | undefined;
  /** Jitter's source; tests inject one. */
  random?: (() => number) | undefined;
}

export interface Judgement {
  verdict: Verdict;
  /** The metric's outcome label. */
  label: AttemptOutcomeLabel;
  /** The break the endpoint asked for (Retry-After), capped like its retry (retryDelay); 0 when none. Every worker holds off that long. */
  pauseMs: number;
  /** The profile's bookkeeping for this attempt. */
  bookkeeping: BookkeepingEffect | undefined;
  /** The attempt log's error text; null on success. */
  error: string | null;
}

/** The metric outcome of one attempt: the profile judges a reply, timeouts and errors speak for themselves. */
export function outcomeLabel(outcome: SendOutcome, isSuccess: (code: number) => boolean): AttemptOutcomeLabel {
  if (outcome.kind === 'timeout') return 'timeout';
  if (outcome.kind !== 'answered' || outcome.code === null) return 'error';
  return isSuccess(outcome.code) ? 'success' : 'failure';
}

/** Milliseconds from `now` until the delivery's event payload expires. */
export function payloadLeftMs(
  input: Pick<JudgeInput, 'profile' | 'subscription' | 'eventReceivedAt' | 'retryDelayScale' | 'retentionMs'>,
  now: number,
): number {
  const need = { ladderMs: retryLadderMs(input.profile, input.subscription), delayMs: input.subscription.delay_seconds * 1000, scale: input.retryDelayScale };
  return input.eventReceivedAt + payloadKeepMs(input.retentionMs, [need]) - now;
}

/** The delivery record's status for a verdict. */
export function statusOf(verdict: Verdict): DeliveryStatus {
  if (verdict.kind === 'delivered') return 'delivered';
  return verdict.kind === 'retry' ? 'failed' : 'dead';
}

/**
 * The judge step (docs/delivery.md): one attempt's outcome → delivered, retry at a time, dead, or gone. Pure: the
 * retry delay is the one rule (retryDelay: the ladder × RETRY_DELAY_SCALE with jitter, Retry-After only later and
 * capped, never past the payload's expiry).
 */
export function judge(input: JudgeInput): Judgement {
  const { profile, attempt, outcome, at } = input;
  if (outcome.kind === 'unbuildable') {
    return {
      verdict: { kind: 'dead' },
      label: 'error',
      pauseMs: 0,
      bookkeeping: undefined,
      error: `request not built (permanent, not retried): ${outcome.error}`,
    };
  }
  const label = outcomeLabel(outcome, profile.isSuccess);
  const ok = label === 'success';
  // The next attempt's delay, Retry-After and the payload's expiry all count from the answer (the attempt's end).
  const answeredAt = Math.round(at.getTime() + outcome.durationMs);
  // Only a failure needs the payload's lifetime (a success, most attempts, skips the ladder arithmetic).
  const payloadLeft = ok ? Number.POSITIVE_INFINITY : payloadLeftMs(input, answeredAt);
  // A success needs no ladder (most attempts): its own lookup only on a failure.
  const ladderMs = ok ? profile.retryDelaysMs : retryLadderMs(profile, input.subscription);
  const next = ok
    ? null
    : retryDelay({
        ladderMs,
        attemptsMade: attempt,
        scale: input.retryDelayScale,
        retryAfterMs: outcome.pauseAskedMs,
        payloadLeftMs: payloadLeft,
        ...(input.random ? { random: input.random } : {}),
      });
  // The pause an endpoint asked for obeys the same cap as its retry (a hostile value must not hold it for years); an
  // endpoint's Retry-After keeps its own clock: RETRY_DELAY_SCALE shrinks the ladder, not it.
  const pauseMs =
    outcome.pauseAskedMs === null ? 0 : next ? next.honouredRetryAfterMs : cappedRetryAfterMs(outcome.pauseAskedMs, ladderMs.at(-1) ?? 0, payloadLeft);
  const lastAttempt = next === null || attempt >= ladderMs.length + 1 || input.final === true;
  const bookkeeping = profile.onAttempt?.({ ok, statusCode: outcome.code, dead: !ok && lastAttempt, at });
  const error = ok ? null : (outcome.error ?? `HTTP ${outcome.code ?? ''}`.trim());
  let verdict: Verdict;
  if (ok) verdict = { kind: 'delivered' };
  else if (bookkeeping?.remove || bookkeeping?.disable) verdict = { kind: 'gone' };
  else if (lastAttempt || next === null) verdict = { kind: 'dead' };
  // A request that hung for its whole timeout waits its delay after that, not from when it left.
  else verdict = { kind: 'retry', at: answeredAt + next.delayMs, delayMs: next.delayMs };
  return { verdict, label, pauseMs, bookkeeping, error };
}
