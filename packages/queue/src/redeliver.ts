import type { Job, Queue } from 'bullmq';
import { isStoreError, type DeliveryStore } from '@hookfleet/store';
import type { DeliveryJobData, DeliveryOrderedJobData } from './jobs.js';
import type { QueuedJobs } from './add-jobs.js';
import { groupRetries, type RetryJob } from './retry-jobs.js';
import { GROUP_JOB_RETRIES, groupJobId } from './fan-out.js';

/**
 * How long an operator's jobs are held (delayed) while their deliveries are reset to pending: let go right after the
 * reset, one round trip later; if Redis refuses that, they go when the hold runs out.
 */
export const HELD_FOR_RESET_MS = 10_000;

type HeldJobs = Map<Queue<DeliveryJobData>, QueuedJobs<DeliveryJobData, unknown, string>>;

/**
 * Adds the jobs held, resets their deliveries to pending, then lets the jobs go. A reset before the add left a
 * delivery pending with no attempt coming when Redis refused the add, and a job let go before the reset could find
 * its delivery still dead, skip it, and leave it the same way once the reset landed. In this order, a refusal leaves
 * each delivery as it was (a held job finds it dead and leaves it; a failed one gets the operator's attempt) or pending
 * with its job coming when the hold runs out. `alsoLetGo`: jobs of earlier requests still delayed.
 */
async function addHeldUntilReset(jobsByQueue: HeldJobs, reset: () => Promise<void>, alsoLetGo: readonly Job[] = []): Promise<void> {
  const held = await Promise.all(
    [...jobsByQueue].map(([queue, jobs]) => queue.addBulk(jobs.map((job) => ({ ...job, opts: { ...job.opts, delay: HELD_FOR_RESET_MS } })))),
  );
  await reset();
  await Promise.all([...held.flat(), ...alsoLetGo].map(letGo));
}

/** A delayed job runs now. One no longer delayed (let go by a request asked again, run, or waiting already) is left. */
async function letGo(job: Job): Promise<void> {
  try {
    await job.promote();
  } catch (error) {
    if (isStoreError(error)) throw error;
  }
}

export interface RedeliveryItem {
  deliveryId: string;
  eventId: string;
  subscriptionId: string;
  profile: string;
  eventReceivedAt: number;
  /** Attempts made so far. */
  attempts: number;
  /** The subscription is ordered: the delivery goes back into its backlog, in event order, instead of a job of its own. */
  ordered?: boolean;
  /** The subscription batches: its deliveries asked for together share one job, which sends them in batches. */
  batched?: boolean;
  /** The delivery is `failed` with a retry due: a failure of this attempt leaves it on its ladder, not dead. */
  onItsLadder?: boolean;
}

/**
 * One more attempt now, with the same delivery id (retry and recover): a final single-attempt job of its own (a
 * delivery still waiting on its ladder is skipped by its retry job once pending again; should this attempt fail, it
 * goes on with its ladder, where a dead or delivered one ends dead again). An ordered subscription's deliveries rejoin its
 * backlog in event order (one ordered job per subscription), so they do not overtake the deliveries before them. A
 * batching subscription's share one final job (its id made from theirs, so asking again while it waits adds
 * nothing), which the engine sends in batches of the subscription's size, not a POST each. The jobs are added before
 * the deliveries are reset, held until then (addHeldUntilReset).
 */
export async function attemptAgainNow(deliveriesFor: (subscriptionId: string) => Queue<DeliveryJobData>, store: DeliveryStore, items: readonly RedeliveryItem[]): Promise<void> {
  if (items.length === 0) return;
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

/** The final job of an operator's attempt, now, for deliveries alike in whether they are on their ladder. */
function operatorJobs(subscriptionId: string, items: readonly RedeliveryItem[]): RetryJob[] {
  const due = items.map((item) => ({ deliveryId: item.deliveryId, eventId: item.eventId, attempt: item.attempts + 1, at: 0 }));
  const jobs = groupRetries(subscriptionId, items[0]?.profile ?? '', due, 1, 0, true);
  return items[0]?.onItsLadder ? jobs.map((job) => ({ ...job, data: { ...job.data, keepsLadder: true } })) : jobs;
}

/**
 * Delivers events to a subscription again as first attempts in groups (replay); ids stay those of event and
 * subscription. An ordered subscription gets them through its backlog, in event order.
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
  if (events.length === 0) return;
  const eventIds = events.map((event) => event.eventId);
  const data: DeliveryJobData = ordered ? { kind: 'ordered', subscriptionId, profile, eventIds } : { kind: 'group', subscriptionId, profile, eventIds };
  const job = { name: data.kind, data, opts: { jobId: groupJobId(`${subscriptionId}:${batchKey}`, eventIds), ...GROUP_JOB_RETRIES } };
  const reset = () => store.resetToPending(events.map((event) => ({ id: event.deliveryId, eventId: event.eventId, subscriptionId, eventReceivedAt: event.eventReceivedAt })));
  await addHeldUntilReset(new Map([[queue, [job]]]), reset);
}
