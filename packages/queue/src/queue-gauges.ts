import { refreshEvery } from '@hookfleet/core';
import type { Queue } from 'bullmq';
import type { Gauge } from 'prom-client';

const STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/**
 * Refreshes hookfleet_queue_jobs from BullMQ's counters (O(1) per state, no job lists scanned) on a timer
 * (refreshEvery), so that however often and by however many scrapers a process is read, Redis sees one call per interval.
 */
export function startQueueGauges(queues: readonly Queue[], gauge: Gauge<'queue' | 'state'>, intervalMs = 5000): () => void {
  return refreshEvery(intervalMs, async () => {
    for (const queue of queues) {
      const counts = await queue.getJobCounts(...STATES, 'prioritized', 'waiting-children');
      gauge.set({ queue: queue.name, state: 'waiting' }, (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts['waiting-children'] ?? 0));
      for (const state of ['active', 'delayed', 'failed'] as const) gauge.set({ queue: queue.name, state }, counts[state] ?? 0);
    }
  });
}
