import type { Job, Queue } from 'bullmq';
import { isStoreError, type DeliveryStore } from '@hookfleet/store';
import type { DeliveryJobData, DeliveryOrderedJobData } from './jobs.js';
import type { QueuedJobs } from './add-jobs.js';
import { retryEntriesOf } from './retry-jobs.js';
import { GROUP_JOB_RETRIES, groupJobId } from './fan-out.js';
import { addHeldUntilReset, HELD_FOR_RESET_MS, operatorJobs, type HeldJobs, type RedeliveryItem } from './operator-jobs.js';
import { queuedFor } from './add-jobs.js';

/**
 * An operation's chunk (recover) handed to jobs whose ids are made from the chunk, so that a chunk run again finds
 * them rather than adding others (attemptAgainNow with a chunk key, redeliver.ts).
 */

/** How long a chunk run again waits for a job of it that runs (let go, or its hold ran out) to end or step aside. */
export const RUNNING_CHUNK_JOB_WAIT_MS = HELD_FOR_RESET_MS;

/** A chunk's job, by the chunk and its part: one per ordered subscription, two per batching one (on their ladder or not). */
function chunkJobId(subscriptionId: string, chunkKey: string, part: 'ordered' | 'ladder' | 'final'): string {
  return groupJobId(`${subscriptionId}\0${chunkKey}\0${part}`, []);
}

/** The jobs of a chunk that may hold the delivery: its subscription's chunk jobs, or, for a job a delivery, its own. */
function holderIdsOf(item: RedeliveryItem, chunkKey: string): string[] {
  if (item.ordered) return [chunkJobId(item.subscriptionId, chunkKey, 'ordered')];
  if (item.batched) return [chunkJobId(item.subscriptionId, chunkKey, 'ladder'), chunkJobId(item.subscriptionId, chunkKey, 'final')];
  return [item.deliveryId];
}

function jobHolds(job: Job<DeliveryJobData>, item: RedeliveryItem): boolean {
  if (job.data.kind === 'retry') return retryEntriesOf(job.data).some((entry) => entry.deliveryId === item.deliveryId);
  return 'eventIds' in job.data && job.data.eventIds.includes(item.eventId);
}

/**
 * Where a job of the chunk stands. `held`: it was delayed (held by the run before, stepped aside, or waiting out a
 * backoff) and is held afresh in one script (BullMQ moves only a delayed job), so it reads its deliveries' states only
 * after they are reset and it is let go. `ended`: finished, or removed. `running`: let go (or its hold ran out) and not
 * ended within RUNNING_CHUNK_JOB_WAIT_MS; what it holds is left to it.
 */
async function standingOf(job: Job<DeliveryJobData>): Promise<'held' | 'running' | 'ended'> {
  const waitUntil = Date.now() + RUNNING_CHUNK_JOB_WAIT_MS;
  for (;;) {
    const state = await job.getState();
    if (state === 'completed' || state === 'failed' || state === 'unknown') return 'ended';
    if (state === 'delayed') {
      try {
        await job.changeDelay(HELD_FOR_RESET_MS);
        return 'held';
      } catch (error) {
        if (isStoreError(error)) throw error;
        continue; // No longer delayed: it went on meanwhile.
      }
    }
    if (Date.now() >= waitUntil) return 'running';
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A job of the chunk that ended, out of the way of the one that takes over what it left (a failed job is kept). */
async function removeEnded(job: Job<DeliveryJobData>): Promise<void> {
  try {
    await job.remove();
  } catch (error) {
    if (isStoreError(error)) throw error;
  }
}

/**
 * An operation's chunk (recover), first run or run again (its worker died, or Redis refused one of its writes). The
 * caller passes the chunk's deliveries not attempted since the chunk was first listed (`attempts` as then), whatever
 * their status now (`failed` or `dead` as listed, or `pending`, reset by the run before). Each goes to the chunk's job
 * that holds it: one still held (or delayed) is held afresh, its deliveries reset, and let go; one running keeps them;
 * those no job holds (the first run; or their job ended without attempting them: a `dead` one it read before its reset
 * landed) get a job of the chunk, added held until their reset, as in attemptAgainNow, those an ended job did attempt
 * meanwhile left out. A chunk run again so adds no second job beside one that may still send: a second job of the
 * deliveries not yet reset sent them twice (a batching subscription's, when the held job's hold ran out while the second
 * still waited for its answer: both read them pending), and a delivery whose operator attempt had failed again got
 * another. A delivery its run cannot give a job (its part's id taken by a job still running, which does not hold it) is
 * not reset: it stays listed as it was, never pending with no attempt coming.
 */
export async function attemptChunkAgain(
  deliveriesFor: (subscriptionId: string) => Queue<DeliveryJobData>,
  store: DeliveryStore,
  items: readonly RedeliveryItem[],
  chunkKey: string,
): Promise<void> {
  const jobsByQueue: HeldJobs = new Map();
  const letGoAfterReset: Job[] = [];
  const toReset: RedeliveryItem[] = [];
  const bySubscription = new Map<string, RedeliveryItem[]>();
  for (const item of items) bySubscription.set(item.subscriptionId, [...(bySubscription.get(item.subscriptionId) ?? []), item]);
  for (const [subscriptionId, ofSubscription] of bySubscription) {
    const queue = deliveriesFor(subscriptionId);
    const holderIds = [...new Set(ofSubscription.flatMap((item) => holderIdsOf(item, chunkKey)))];
    const standing = await Promise.all(
      holderIds.map(async (jobId) => {
        const job = await queue.getJob(jobId);
        if (!job) return null;
        const stands = await standingOf(job);
        if (stands !== 'ended') return { job, stands };
        await removeEnded(job);
        return null;
      }),
    );
    const taken = new Set<string>();
    const claimed = new Set<RedeliveryItem>();
    for (const holder of standing) {
      if (!holder) continue;
      taken.add(holder.job.id as string);
      const holds = ofSubscription.filter((item) => jobHolds(holder.job, item));
      for (const item of holds) claimed.add(item);
      if (holder.stands === 'held') {
        letGoAfterReset.push(holder.job);
        toReset.push(...holds);
      }
    }
    // Read after their jobs ended: one that an ended job attempted is no longer owed.
    const unclaimed = ofSubscription.filter((item) => !claimed.has(item));
    const states = await store.states(unclaimed.map((item) => item.deliveryId));
    const owed = unclaimed.filter((item, index) => {
      const state = states[index];
      return !state || (state.attempts === item.attempts && (state.status === 'failed' || state.status === 'dead' || state.status === 'pending'));
    });
    for (const job of chunkJobs(subscriptionId, chunkKey, owed)) {
      if (taken.has(job.job.opts.jobId)) continue;
      queuedFor(jobsByQueue, queue).push(job.job);
      toReset.push(...job.items);
    }
  }
  const reset = () =>
    store.resetToPending(toReset.map((item) => ({ id: item.deliveryId, eventId: item.eventId, subscriptionId: item.subscriptionId, eventReceivedAt: item.eventReceivedAt })));
  await addHeldUntilReset(jobsByQueue, reset, letGoAfterReset);
}

interface ChunkJob {
  job: QueuedJobs<DeliveryJobData, unknown, string>[number] & { opts: { jobId: string } };
  items: RedeliveryItem[];
}

/** The jobs of a chunk's deliveries of one subscription, as attemptAgainNow makes them, with ids made from the chunk. */
function chunkJobs(subscriptionId: string, chunkKey: string, items: readonly RedeliveryItem[]): ChunkJob[] {
  const ordered = items.filter((item) => item.ordered);
  const jobs: ChunkJob[] = [];
  if (ordered.length > 0) {
    const data: DeliveryOrderedJobData = { kind: 'ordered', subscriptionId, profile: ordered[0]?.profile ?? '', eventIds: ordered.map((item) => item.eventId) };
    jobs.push({ job: { name: 'ordered', data, opts: { jobId: chunkJobId(subscriptionId, chunkKey, 'ordered'), ...GROUP_JOB_RETRIES } }, items: ordered });
  }
  for (const onItsLadder of [true, false]) {
    const batched = items.filter((item) => !item.ordered && item.batched && (item.onItsLadder === true) === onItsLadder);
    const [job] = batched.length > 0 ? operatorJobs(subscriptionId, batched) : [];
    if (job) jobs.push({ job: { ...job, opts: { ...job.opts, jobId: chunkJobId(subscriptionId, chunkKey, onItsLadder ? 'ladder' : 'final') } }, items: batched });
  }
  for (const item of items) {
    if (item.ordered || item.batched) continue;
    const [job] = operatorJobs(subscriptionId, [item]);
    if (job) jobs.push({ job: { ...job, opts: { ...job.opts, jobId: item.deliveryId } }, items: [item] });
  }
  return jobs;
}
