import type { Subscription } from '@hookfleet/core';
import { judge, type Judgement, type SendOutcome } from '@hookfleet/delivery';
import type { ProviderProfile } from '@hookfleet/profiles';
import { eventReceivedAtMs } from '@hookfleet/store';
import type { AttemptItem } from './engine.js';

/** What judging needs from the worker's configuration. */
export interface JudgeParts {
  retryDelayScale: number;
  retentionMs: number;
}

/**
 * The verdict on one sent attempt of `item`, for a single delivery (engine.ts) and for each member of a batch
 * (batch-attempt.ts), which passes one jitter draw for all its members.
 */
export function judgeAttempt(
  parts: JudgeParts,
  subscription: Subscription,
  profile: ProviderProfile,
  item: AttemptItem,
  outcome: Exclude<SendOutcome, { kind: 'stalled' }>,
  sentAt: Date,
  final: boolean,
  random?: () => number,
): Judgement {
  return judge({
    profile,
    subscription,
    attempt: item.attempt,
    outcome,
    at: sentAt,
    eventReceivedAt: eventReceivedAtMs(item.event),
    retryDelayScale: parts.retryDelayScale,
    retentionMs: parts.retentionMs,
    final,
    random,
  });
}
