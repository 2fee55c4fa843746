import type { SigningKeyPair, Subscription } from '@hookfleet/core';
import { buildAndSendBatch, type Destination } from '@hookfleet/delivery';
import type { ProviderProfile } from '@hookfleet/profiles';
import { mapWithLimit } from './bounded-map.js';
import type { AttemptItem, Judged } from './engine.js';
import { judgeAttempt, type JudgeParts } from './judge-attempt.js';

/** Batches of one part in flight at once: a batch is up to 1,000 deliveries, so a few keep an endpoint busy. */
export const BATCHES_IN_FLIGHT = 4;

export interface BatchAttemptParts extends JudgeParts {
  destination: Destination;
}

/**
 * Build → send → judge for a batching subscription (docs/delivery.md, "Batches"): the part's items go out in POSTs of
 * up to `max_events`, each judged once and the verdict given to every member with its own attempt number. One jitter
 * draw per batch, so members that failed together are due together and their retry job sends them as one batch
 * again. Null entries: batches not sent (the destination stalled); their members stay as they were. Empty entries:
 * batches not started because an earlier one's answer ended the subscription (410 Gone): their members stay pending,
 * for the caller to end (what it has not sent goes nowhere: docs/delivery.md, "Disabling").
 */
export async function attemptBatches(
  parts: BatchAttemptParts,
  subscription: Subscription,
  profile: ProviderProfile,
  items: readonly AttemptItem[],
  maxEvents: number,
  final: boolean,
  signingKeys?: readonly SigningKeyPair[],
): Promise<Array<Judged[] | null>> {
  const batches: AttemptItem[][] = [];
  for (let start = 0; start < items.length; start += maxEvents) batches.push(items.slice(start, start + maxEvents));
  let stalled = false;
  let gone = false;
  return mapWithLimit(batches, BATCHES_IN_FLIGHT, async (members): Promise<Judged[] | null> => {
    if (stalled) return null;
    if (gone) return [];
    const { outcome, sentAt, batchId } = await buildAndSendBatch(parts.destination, profile, subscription, members, signingKeys);
    if (outcome.kind === 'stalled') {
      stalled = true;
      return null;
    }
    const draw = Math.random();
    const judged = members.map((item) => ({
      item,
      outcome,
      sentAt,
      batchId,
      judgement: judgeAttempt(parts, subscription, profile, item, outcome, sentAt, final, () => draw),
    }));
    // One answer for every member: a 410 on this batch is a 410 for all of them, and no later batch is started.
    if (judged[0]?.judgement.verdict.kind === 'gone') gone = true;
    return judged;
  });
}
