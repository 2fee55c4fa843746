import { DelayedError, type Job } from 'bullmq';
import { compileEventFilter, deliveryIdFor, type StoredEvent } from '@hookfleet/core';
import { findProfile } from '@hookfleet/profiles';
import { attemptAgainNow, redeliverAsGroup, type OperationJobData, type RedeliveryItem } from '@hookfleet/queue';
import { eventReceivedAtMs, type OperationStore } from '@hookfleet/store';
import type { WorkerContext } from './context.js';
import { moveToDelayedUnrenewed } from './step-aside.js';

const CHUNK = 200;

/** An event a replay matched: no payload, so a window of a million events fits in a worker's memory. */
interface Matched {
  id: string;
  receivedAt: number;
  /** Handed over to the subscription at acceptance: without a record it is on its way in its batch job. */
  handedOver?: boolean;
}

/**
 * Where a replay got to, in its job's progress (kept by BullMQ when the job runs again, after its worker died or
 * an attempt failed): the last event whose delivery is enqueued. A rerun goes on after it; sending the whole
 * window again would give every receiver a second copy of everything the first run already sent.
 */
interface ReplayProgress {
  lastEventId: string;
  lastReceivedAt: number;
}

const isReplayProgress = (progress: unknown): progress is ReplayProgress =>
  typeof progress === 'object' &&
  progress !== null &&
  typeof (progress as ReplayProgress).lastEventId === 'string' &&
  typeof (progress as ReplayProgress).lastReceivedAt === 'number';

/** The index in `matched` (in the window's order: received time, then id) that a run with `progress` resumes at. */
function resumeIndex(matched: readonly Matched[], progress: unknown): number {
  if (!isReplayProgress(progress)) return 0;
  const last = matched.findIndex((event) => event.id === progress.lastEventId);
  if (last >= 0) return last + 1;
  // The last event sent has left the retention since, and with it every event received before it.
  const next = matched.findIndex((event) => event.receivedAt > progress.lastReceivedAt);
  return next < 0 ? matched.length : next;
}

/**
 * Where a recover got to, in its job's progress, written before each chunk is handed over: the chunk's number (its
 * jobs' ids are made from it, redeliver.ts), its last listed delivery id (a run again goes on after it), the deliveries it
 * owed with the attempts each had (one attempted since, its operator attempt that failed again among them, is not sent
 * again), and what was counted done before it and its size.
 */
interface RecoverProgress {
  chunk: number;
  through: string;
  owed: Array<[string, number]>;
  doneBefore: number;
  size: number;
}

const isRecoverProgress = (progress: unknown): progress is RecoverProgress =>
  typeof progress === 'object' &&
  progress !== null &&
  typeof (progress as RecoverProgress).chunk === 'number' &&
  typeof (progress as RecoverProgress).through === 'string' &&
  Array.isArray((progress as RecoverProgress).owed) &&
  typeof (progress as RecoverProgress).doneBefore === 'number' &&
  typeof (progress as RecoverProgress).size === 'number';

/** How a run ended: every chunk enqueued, or stopped between two because the operation no longer runs (canceled). */
type RunEnd = 'finished' | 'stopped';

/**
 * Recover (failed and dead deliveries again) and replay (retained events matched again), with progress. Each reads the
 * operation's status before every chunk (and every page of its count) and stops once it is no longer `running`
 * (POST /v1/operations/:id/cancel): a chunk already enqueued goes out, nothing after it does. A replay run again
 * after its worker died reads it too, so a cancel made meanwhile holds. A worker told to stop hands the job back at
 * the same places (`mayGoOn`).
 */
export function createOperationProcessor(context: WorkerContext, operations: OperationStore) {
  // Canceled (or ended by another run of the same job). A record gone (lost with a failed-over Redis) stops nothing.
  const noLongerRunning = async (operationId: string): Promise<boolean> => {
    const status = await operations.status(operationId);
    return status !== null && status !== 'running';
  };

  /**
   * Before each chunk (and each page of a count): whether the run goes on. A canceled operation stops here. A worker
   * told to stop (SIGTERM, a rolling restart) hands the job back to the queue, as an ordered job does
   * (ordered-delivery.ts), rather than run chunk after chunk into its drain deadline: another worker goes on from where
   * this one got (a replay from its progress, a recover with what is still owed).
   */
  async function mayGoOn(job: Job<OperationJobData>, token: string | undefined): Promise<boolean> {
    if (await noLongerRunning(job.data.operationId)) return false;
    if (!context.isStopping()) return true;
    await moveToDelayedUnrenewed(job, Date.now(), token);
    throw new DelayedError();
  }

  async function recover(job: Job<OperationJobData>, token: string | undefined): Promise<RunEnd> {
    const { data } = job;
    const subscription = await context.subscriptions.get(data.subscriptionId);
    if (!subscription) throw new Error(`subscription ${data.subscriptionId} is gone`);
    // A delivery whose event the subscription's filter no longer takes is not sent again.
    const filterTakes = subscription.filter ? compileEventFilter(subscription.filter) : () => true;
    const listed = new Set<string>();
    for (const status of ['failed', 'dead'] as const) {
      for (
        let cursor: string | undefined, page;
        (page = await context.deliveries.list({ subscriptionId: subscription.id, status, since: data.since, until: data.until, limit: 500, cursor }));
      ) {
        if (!(await mayGoOn(job, token))) return 'stopped';
        for (const delivery of page.data) listed.add(delivery.id);
        if (!page.next_cursor) break;
        cursor = page.next_cursor;
      }
    }
    // In the order of their ids, which no status change moves (the indexes' scores may): a run again goes on after
    // the last id its chunk in hand over listed, the chunks before it left behind.
    const all = [...listed].sort();
    // A run after an earlier one (its worker stopped or died, the store refused a write) hands its chunk in hand over
    // again, then goes on after it: what the earlier runs handed over and counted is neither sent nor counted again.
    const progress = isRecoverProgress(job.progress) ? job.progress : undefined;
    const rest = progress ? all.filter((id) => id > progress.through) : all;
    const counted = (await operations.get(data.operationId))?.done ?? 0;
    // The chunk in hand is counted once: before it, or with it where its count landed before the run ended.
    let done = progress ? Math.min(Math.max(counted, progress.doneBefore), progress.doneBefore + progress.size) : counted;
    await operations.update(data.operationId, { total: (progress ? progress.doneBefore + progress.size : done) + rest.length, done });
    let index = 0;

    /** The chunk's deliveries as attemptAgainNow takes them; `attemptsThen`: the attempts each had when first handed over. */
    const itemsOf = async (ids: readonly string[], attemptsThen?: ReadonlyMap<string, number>): Promise<RedeliveryItem[]> => {
      const records = await Promise.all(ids.map((id) => context.deliveries.get(id)));
      const events = await context.eventCache.getMany(records.flatMap((record) => (record ? [record.event_id] : [])));
      return records.flatMap((record) => {
        const event = record ? events.get(record.event_id) : undefined;
        if (!record || !event || !filterTakes(event)) return [];
        const then = attemptsThen?.get(record.id);
        // Listed failed or dead, but since then delivered or on its way again (another recover of the same window,
        // a retry, its ladder): sending it once more would give its receiver a copy it already has. Run again, the
        // chunk takes those not attempted since it was handed over, pending too (the run before reset them).
        const stillOwed =
          then === undefined ? record.status === 'failed' || record.status === 'dead' : record.attempts === then && record.status !== 'delivered';
        if (!stillOwed) return [];
        return [
          {
            deliveryId: record.id,
            eventId: record.event_id,
            subscriptionId: subscription.id,
            profile: subscription.profile,
            eventReceivedAt: eventReceivedAtMs(event),
            attempts: record.attempts,
            ordered: subscription.ordered === true,
            batched: subscription.batch != null,
            onItsLadder: record.status === 'failed',
          },
        ];
      });
    };
    const handOver = async (chunk: number, items: readonly RedeliveryItem[], doneWith: number) => {
      await attemptAgainNow(context.queues.deliveriesFor, context.deliveries, items, `${data.operationId}:recover:${chunk}`);
      done = doneWith;
      await operations.update(data.operationId, { done });
    };

    if (progress) {
      if (!(await mayGoOn(job, token))) return 'stopped';
      const attemptsThen = new Map(progress.owed);
      await handOver(progress.chunk, await itemsOf([...attemptsThen.keys()], attemptsThen), progress.doneBefore + progress.size);
      index = progress.chunk + 1;
    }
    for (let offset = 0; offset < rest.length; offset += CHUNK, index += 1) {
      if (!(await mayGoOn(job, token))) return 'stopped';
      const chunk = rest.slice(offset, offset + CHUNK);
      const items = await itemsOf(chunk);
      // Before the hand-over: a run after this one finds the chunk's jobs by its number and knows what it owed.
      await job.updateProgress({
        chunk: index,
        through: chunk[chunk.length - 1] as string,
        owed: items.map((item) => [item.deliveryId, item.attempts]),
        doneBefore: done,
        size: chunk.length,
      } satisfies RecoverProgress);
      await handOver(index, items, done + chunk.length);
    }
    return 'finished';
  }

  async function replay(job: Job<OperationJobData>, token: string | undefined): Promise<RunEnd> {
    const { data } = job;
    const subscription = await context.subscriptions.get(data.subscriptionId);
    const profile = subscription ? findProfile(subscription.profile) : undefined;
    if (!subscription || !profile) throw new Error(`subscription ${data.subscriptionId} is gone`);
    const patterns = new Set(subscription.events);
    const filterTakes = subscription.filter ? compileEventFilter(subscription.filter) : () => true;
    const takes = (event: StoredEvent) =>
      event.profile === subscription.profile &&
      (!data.types || data.types.includes(event.type)) &&
      profile.subscriptionPatternsFor(event.type).some((pattern) => patterns.has(pattern)) &&
      (!profile.acceptsEvent || profile.acceptsEvent(subscription, event)) &&
      filterTakes(event);
    // Pass one finds what matches, so that progress has a total; pass two delivers it.
    const matched: Matched[] = [];
    for (let offset = 0; ; offset += 1000) {
      if (!(await mayGoOn(job, token))) return 'stopped';
      const ids = await context.events.idsInWindow(subscription.tenant, data.since, data.until, offset, 1000);
      if (ids.length === 0) break;
      const loaded = await context.events.getManyWithHandOver(ids);
      for (const entry of loaded) {
        if (!entry || !takes(entry.event)) continue;
        const handedOver = entry.handedOver.includes(subscription.id);
        matched.push({ id: entry.event.id, receivedAt: eventReceivedAtMs(entry.event), ...(handedOver ? { handedOver } : {}) });
      }
      if (ids.length < 1000) break;
    }
    const start = resumeIndex(matched, job.progress);
    let done = start;
    await operations.update(data.operationId, { total: matched.length, done });
    for (let offset = start; offset < matched.length; offset += CHUNK) {
      if (!(await mayGoOn(job, token))) return 'stopped';
      const chunk = matched.slice(offset, offset + CHUNK);
      const deliveryIds = chunk.map((event) => deliveryIdFor(event.id, subscription.id));
      const states = await context.deliveries.states(deliveryIds);
      // Deliveries already pending or climbing their ladder are on their way: sending them twice helps nobody. So is
      // a batch member handed over at acceptance whose batch has not been settled yet (no record: docs/delivery.md).
      const toSend = chunk.flatMap((event, index) => {
        const status = states[index]?.status ?? (event.handedOver ? 'pending' : undefined);
        return status === 'pending' || status === 'failed'
          ? []
          : [{ eventId: event.id, deliveryId: deliveryIds[index] as string, eventReceivedAt: event.receivedAt }];
      });
      await redeliverAsGroup(
        context.queues.deliveriesFor(subscription.id),
        context.deliveries,
        `${data.operationId}:${offset}`,
        subscription.id,
        subscription.profile,
        toSend,
        subscription.ordered === true,
      );
      const last = chunk[chunk.length - 1] as Matched;
      await job.updateProgress({ lastEventId: last.id, lastReceivedAt: last.receivedAt } satisfies ReplayProgress);
      done += chunk.length;
      await operations.update(data.operationId, { done });
    }
    return 'finished';
  }

  /** The one line a canceled operation leaves, with how far it got. */
  async function logCanceled(operationId: string): Promise<void> {
    const operation = await operations.get(operationId);
    if (operation?.status !== 'canceled') return;
    const { id, kind, tenant, subscription_id, done, total } = operation;
    context.logger.info({ operation_id: id, kind, tenant, subscription_id, done, total }, 'operation canceled');
  }

  return async function processOperation(job: Job<OperationJobData>, token?: string): Promise<void> {
    const { operationId } = job.data;
    let end: RunEnd;
    try {
      // Canceled while it waited in the queue, or before its worker died: nothing more is counted or sent.
      if (await noLongerRunning(operationId)) end = 'stopped';
      else end = job.data.kind === 'recover' ? await recover(job, token) : await replay(job, token);
    } catch (error) {
      // Handed back by a stopping worker: another run goes on with it.
      if (error instanceof DelayedError) throw error;
      const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      // A cancel that came first keeps the operation `canceled`.
      if (final && !(await operations.end(operationId, 'failed', error instanceof Error ? error.message : String(error))).ended) await logCanceled(operationId);
      throw error;
    }
    // A cancel that came after the last chunk, before this, wins: the operation reads `canceled` with all of it done.
    if (end === 'stopped' || !(await operations.end(operationId, 'done')).ended) await logCanceled(operationId);
  };
}
