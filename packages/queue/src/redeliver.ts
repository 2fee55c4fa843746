import type { Job, Queue } from 'bullmq';
import { isStoreError, OPERATION_TTL_SECONDS, type DeliveryStore } from '@hookfleet/store';
import type { DeliveryJobData, DeliveryOrderedJobData } from './jobs.js';
import { GROUP_JOB_RETRIES, groupJobId } from './fan-out.js';
import { addHeldUntilReset, HELD_FOR_RESET_MS, letGo, operatorJobs, type HeldJobs, type RedeliveryItem } from './operator-jobs.js';
import { attemptChunkAgain } from './chunk-jobs.js';

export { HELD_FOR_RESET_MS, type RedeliveryItem } from './operator-jobs.js';
export { RUNNING_CHUNK_JOB_WAIT_MS } from './chunk-jobs.js';

/**
 * One more attempt now, with the same delivery id (retry and recover): a final single-attempt job of its own (a
 * delivery still waiting on its ladder is skipped by its retry job once pending again; should this attempt fail, it
 * goes on with its ladder, where a dead or delivered one ends dead again). An ordered subscription's deliveries rejoin its
 * backlog in event order (one ordered job per subscription), so they do not overtake the deliveries before them. A
 * batching subscription's share one final job (its id made from theirs, so asking again while it waits adds
 * nothing), which the engine sends in batches of the subscription's size, not a POST each. The jobs are added before
 * the deliveries are reset, held until then (addHeldUntilReset).
 *
 * `chunkKey` (an operation's chunk, operations.ts): the chunk's jobs get ids made from it, and a chunk run again finds
 * them rather than adding others (attemptChunkAgain). Without it (POST /v1/deliveries/:id/retry), as above.
 */
export async function attemptAgainNow(
  deliveriesFor: (subscriptionId: string) => Queue<DeliveryJobData>,
  store: DeliveryStore,
  items: readonly RedeliveryItem[],
  chunkKey?: string,
): Promise<void> {
  if (items.length === 0) return;
  if (chunkKey !== undefined) {
    await attemptChunkAgain(deliveriesFor, store, items, chunkKey);
    return;
  }
  const jobsByQueue: HeldJobs = new Map();
  const jobsFor = (queue: Queue<DeliveryJobData>) => {
    let jobs = jobsByQueue.get(queue);
    if (!jobs) jobsByQueue.set(queue, (jobs = []));
    return jobs;
  };
  const delayedBefore: Job[] = [];
  const toReset: RedeliveryItem[] = [];
  const orderedBySubscription = new Map<string, RedeliveryItem[]>();
  const batchedBySubscription = new Map<string, RedeliveryItem[]>();
  for (const item of items) {
    if (item.ordered) {
      toReset.push(item);
      orderedBySubscription.set(item.subscriptionId, [...(orderedBySubscription.get(item.subscriptionId) ?? []), item]);
      continue;
    }
    // The delivery's retry job (if it waits on its ladder) skips it now that it is pending again: one final attempt
    // of its own goes now, under the delivery's id, so asking twice while it waits adds nothing.
    const queue = deliveriesFor(item.subscriptionId);
    const existing = await queue.getJob(item.deliveryId);
    if (existing) {
      const state = await existing.getState();
      // Stepped aside, or held by a request Redis refused before it let the job go: it goes now, after the reset.
      if (state === 'delayed') {
        delayedBefore.push(existing);
        toReset.push(item);
        continue;
      }
      // Let go by an earlier request, after its reset: resetting again could land after its attempt's outcome.
      if (state === 'waiting' || state === 'active' || state === 'prioritized') continue;
      await existing.remove();
    }
    toReset.push(item);
    if (item.batched) {
      // Those on their ladder and the others apart: the two kinds of job judge a failure differently.
      const group = `${item.subscriptionId}\0${item.onItsLadder === true}`;
      batchedBySubscription.set(group, [...(batchedBySubscription.get(group) ?? []), item]);
      continue;
    }
    const [job] = operatorJobs(item.subscriptionId, [item]);
    if (job) jobsFor(queue).push({ ...job, opts: { ...job.opts, jobId: item.deliveryId } });
  }
  for (const batched of batchedBySubscription.values()) {
    const subscriptionId = (batched[0] as RedeliveryItem).subscriptionId;
    jobsFor(deliveriesFor(subscriptionId)).push(...operatorJobs(subscriptionId, batched));
  }
  for (const [subscriptionId, ordered] of orderedBySubscription) {
    const eventIds = ordered.map((item) => item.eventId);
    const data: DeliveryOrderedJobData = { kind: 'ordered', subscriptionId, profile: ordered[0]?.profile ?? '', eventIds };
    // A fresh job id each time: the same deliveries may be asked for again later.
    jobsFor(deliveriesFor(subscriptionId)).push({
      name: 'ordered',
      data,
      opts: { jobId: groupJobId(`${subscriptionId}:again:${Date.now()}:${Math.random()}`, eventIds), ...GROUP_JOB_RETRIES },
    });
  }
  const reset = () =>
    store.resetToPending(toReset.map((item) => ({ id: item.deliveryId, eventId: item.eventId, subscriptionId: item.subscriptionId, eventReceivedAt: item.eventReceivedAt })));
  await addHeldUntilReset(jobsByQueue, reset, delayedBefore);
}

/**
 * How long a replay chunk's hand-over is remembered once its job is added: as long as its operation can run again
 * (its record's lifetime, operation-store.ts), well past the job's own end and removal (queues.ts).
 */
const CHUNK_HANDED_OVER_MS = OPERATION_TTL_SECONDS * 1000;

/**
 * Delivers events to a subscription again as first attempts in groups (replay); ids stay those of event and
 * subscription. An ordered subscription gets them through its backlog, in event order.
 *
 * Each chunk (`batchKey`: the operation and the chunk's place in its window) is handed to one job, once. The job's id
 * is made from the chunk alone, and BullMQ's deduplication key for it, written by the script that adds the job, outlives
 * the job by CHUNK_HANDED_OVER_MS. A chunk run again (its worker died, or Redis refused a write of the reset, of the
 * let-go or of the progress after it) finds that key and adds nothing: a second job, made of the deliveries the first
 * run had not reset yet, sent those twice, once by it and once by the first job when its hold ran out (a group job's
 * first run sends what it holds without reading it again). The job still held is let go after the rest of its reset;
 * one let go, running or finished has what it holds on its way or sent.
 */
export async function redeliverAsGroup(
  queue: Queue<DeliveryJobData>,
  store: DeliveryStore,
  batchKey: string,
  subscriptionId: string,
  profile: string,
  events: ReadonlyArray<{ eventId: string; deliveryId: string; eventReceivedAt: number }>,
  ordered = false,
): Promise<void> {
  const jobId = groupJobId(`${subscriptionId}:${batchKey}`, []);
  const resetEvents = (entries: typeof events) =>
    store.resetToPending(entries.map((event) => ({ id: event.deliveryId, eventId: event.eventId, subscriptionId, eventReceivedAt: event.eventReceivedAt })));
  if (await queue.getDeduplicationJobId(jobId)) {
    await finishHandOver(queue, jobId, events, resetEvents);
    return;
  }
  if (events.length === 0) return;
  const eventIds = events.map((event) => event.eventId);
  const data: DeliveryJobData = ordered ? { kind: 'ordered', subscriptionId, profile, eventIds } : { kind: 'group', subscriptionId, profile, eventIds };
  const job = { name: data.kind, data, opts: { jobId, deduplication: { id: jobId, ttl: CHUNK_HANDED_OVER_MS }, ...GROUP_JOB_RETRIES } };
  await addHeldUntilReset(new Map([[queue, [job]]]), () => resetEvents(events));
}

/**
 * A chunk run again whose job was added before: a job still held, never started, is held afresh (BullMQ moves only a
 * delayed job, in one script, so one whose hold ran out meanwhile is left to its run), the deliveries of it that still
 * read as the run found them (`events`: not pending; their reset refused) are reset, and the job goes. Those `events`
 * the job does not hold were on their way when the chunk was first run, and are left to that.
 */
async function finishHandOver<Event extends { eventId: string }>(
  queue: Queue<DeliveryJobData>,
  jobId: string,
  events: readonly Event[],
  reset: (events: readonly Event[]) => Promise<void>,
): Promise<void> {
  const job = await queue.getJob(jobId);
  if (!job || job.attemptsStarted > 0 || !('eventIds' in job.data)) return;
  try {
    await job.changeDelay(HELD_FOR_RESET_MS);
  } catch (error) {
    if (isStoreError(error)) throw error;
    return;
  }
  // Held afresh: it cannot start before the reset. One that started and stepped aside just before is only let go.
  const held = await queue.getJob(jobId);
  if (!held) return;
  if (held.attemptsStarted === 0 && 'eventIds' in held.data) {
    const holds = new Set(held.data.eventIds);
    await reset(events.filter((event) => holds.has(event.eventId)));
  }
  await letGo(held);
}
