import { refreshEvery } from '@hookfleet/core';
import type { HookfleetMetrics } from '@hookfleet/metrics';
import type { PollLog, SubscriptionIndex } from '@hookfleet/store';

/** Backlogs read per round trip. */
const CHUNK = 500;

/**
 * The pull subscribers' lag (docs/operations.md, "Pull mode"): messages handed over and not yet fetched, and the
 * age of the oldest, over every poll subscription the worker knows of — two series, not one per subscription (the
 * portal shows each endpoint's). Every worker reports the same fleet-wide figures: read them with max().
 */
export function startPollGauges(
  index: SubscriptionIndex,
  pollLog: PollLog,
  metrics: Pick<HookfleetMetrics, 'pollBacklog' | 'pollOldestUnfetched'>,
  intervalMs = 5000,
): () => void {
  return refreshEvery(intervalMs, async () => {
    const ids = [...index.all()].filter((subscription) => subscription.destination?.type === 'poll').map((subscription) => subscription.id);
    let messages = 0;
    let oldest = Number.POSITIVE_INFINITY;
    for (let start = 0; start < ids.length; start += CHUNK) {
      for (const backlog of await pollLog.backlogs(ids.slice(start, start + CHUNK))) {
        messages += backlog.messages;
        if (backlog.oldestAppendedAt !== null) oldest = Math.min(oldest, backlog.oldestAppendedAt);
      }
    }
    metrics.pollBacklog.set(messages);
    metrics.pollOldestUnfetched.set(Number.isFinite(oldest) ? Math.max(0, (Date.now() - oldest) / 1000) : 0);
  });
}
