import type { Job, Queue } from 'bullmq';
import { isStoreError, OPERATION_TTL_SECONDS, type DeliveryStore } from '@hookfleet/store';
import type { DeliveryJobData, DeliveryOrderedJobData } from './jobs.js';
import type { QueuedJobs } from './add-jobs.js';
import { groupRetries, retryEntriesOf, type RetryJob } from './retry-jobs.js';
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
async function attemptChunkAgain(
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

function queuedFor(jobsByQueue: HeldJobs, queue: Queue<DeliveryJobData>): QueuedJobs<DeliveryJobData, unknown, string> {
  let jobs = jobsByQueue.get(queue);
  if (!jobs) jobsByQueue.set(queue, (jobs = []));
  return jobs;
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

/** The final job of an operator's attempt, now, for deliveries alike in whether they are on their ladder. */
function operatorJobs(subscriptionId: string, items: readonly RedeliveryItem[]): RetryJob[] {
  const due = items.map((item) => ({ deliveryId: item.deliveryId, eventId: item.eventId, attempt: item.attempts + 1, at: 0 }));
  const jobs = groupRetries(subscriptionId, items[0]?.profile ?? '', due, 1, 0, true);
  return items[0]?.onItsLadder ? jobs.map((job) => ({ ...job, data: { ...job.data, keepsLadder: true } })) : jobs;
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
