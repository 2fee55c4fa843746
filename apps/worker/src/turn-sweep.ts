import { refreshEvery, type Subscription } from '@hookfleet/core';
import { GROUP_JOB_RETRIES, groupJobId, type DeliveryJobData, type HookfleetQueues } from '@hookfleet/queue';
import { isStoreError, type Keys, type OrderedBacklog, type RateLimiter, type RedisClient, type SubscriptionIndex } from '@hookfleet/store';
import type { Logger } from 'pino';
import { createBacklogDiscovery, type BacklogKind } from './backlog-discovery.js';

/**
 * How often a worker looks for backlogs that no job drains. A backlog is then picked up within this (its holder
 * failed for good) or its turn's lease and this (the lease ran out), instead of when its subscription's next event
 * comes, which for a quiet one is never.
 */
export const TURN_SWEEP_INTERVAL_MS = 30_000;
/** Backlogs one round looks at, at most, taking up where the last round stopped: a round's work is bounded. */
const BACKLOGS_PER_ROUND = 2_000;
/** Backlogs read per round trip. */
const CHUNK = 500;

interface WatchedBacklog {
  kind: BacklogKind;
  subscriptionId: string;
  profile: string;
}

/** Which backlog a subscription's new deliveries join now (fan-out.ts, jobKindOf), if any. */
function backlogKindOf(subscription: Subscription): BacklogKind | undefined {
  if (subscription.ordered === true) return 'ordered';
  if (subscription.batch) return 'batch';
  // A group job of a limited subscription that would wait joins its line holder's waiting list (delivery-processor.ts).
  return subscription.rate_limit ? 'line' : undefined;
}

/**
 * One job at a time holds an ordered or batching subscription's turn and drains its backlog; a job that finds the turn
 * taken ends at once, counting on the holder (docs/delivery.md, "Ordered subscriptions", "Batches"). A holder that
 * fails for good (its attempts spent, or failed as stalled too often) left the backlog waiting for a new event of its
 * subscription, after its lease: a quiet subscription's accepted deliveries stayed pending for ever. Each round reads,
 * for the backlogs of this worker's partitions, their size and their turn's holder (two reads a backlog, pipelined),
 * and for a backlog with entries whose turn is free, or held by a job BullMQ has failed for good, adds a job that
 * drains it. Nothing is written on the delivery path. A backlog is watched from when its subscription is seen ordered
 * or batching until it is empty with its turn free and its subscription no longer so (deleted, or PATCHed), so a
 * deleted subscription's waiting deliveries still end (dead). One this process never saw so (deleted or PATCHed
 * before it started, every worker restarted around it) is found in Redis itself: each round goes on with a bounded
 * part of a SCAN pass (backlog-discovery.ts), the first from this process's start, and watches what it finds with the
 * kind its key says. A drain job added beside a live one (the matcher's job of a new event, or a `delay_seconds`
 * delay, that had not taken the turn yet) finds the turn taken or the backlog empty and ends at once.
 *
 * A rate-limited subscription's waiting list (rate-limiter.ts: small first-attempt jobs that would wait leave their
 * events to the line's holder and end) is swept the same way: a list with events whose holder registration is gone, or
 * held by a job BullMQ failed for good, is handed to a new group job without events (claimed for it only from that
 * job, or when free), which drains it through the line and the limit as a holder does (delivery-processor.ts,
 * sendWaiting). A list whose subscription was deleted or disabled, its holder delayed in the line, has the holder woken:
 * it ends the list's deliveries dead now, not when it looks again (up to 5 minutes).
 */
export function startTurnSweep(
  parts: {
    index: SubscriptionIndex;
    ordered: OrderedBacklog;
    batches: OrderedBacklog;
    limiter: Pick<RateLimiter, 'waitingLines' | 'claimWaiting'>;
    /** Where the backlogs are looked for that this worker's index does not show (backlog-discovery.ts). */
    redis: RedisClient;
    keys: Keys;
    queues: Pick<HookfleetQueues, 'deliveriesFor'>;
    /** Whether this worker consumes the subscription's partition (the workers of other partitions sweep it). */
    ownsSubscription: (subscriptionId: string) => boolean;
    logger: Logger;
  },
  intervalMs = TURN_SWEEP_INTERVAL_MS,
): () => void {
  const watched = new Map<string, WatchedBacklog>();
  const keyOf = (kind: BacklogKind, subscriptionId: string) => `${kind}\0${subscriptionId}`;
  // Workers start at different places, so that where a round covers part of the backlogs, theirs differ.
  let cursor = Math.floor(Math.random() * 1_000_000);
  const discoverSome = createBacklogDiscovery(parts.redis, parts.keys);

  /** `holder`: the job that held the turn and failed for good; null when the turn was free. */
  async function drain(entry: WatchedBacklog & { kind: 'ordered' | 'batch' }, holder: string | null): Promise<void> {
    const data: DeliveryJobData = { kind: entry.kind, subscriptionId: entry.subscriptionId, profile: entry.profile, eventIds: [], added: true };
    // Workers sweeping in the same interval add one job; a later round a new one (a finished job's id may be kept).
    const round = Math.floor(Date.now() / intervalMs);
    const jobId = groupJobId(`${entry.subscriptionId}:drain:${entry.kind}:${holder ?? ''}:${round}`, []);
    await parts.queues.deliveriesFor(entry.subscriptionId).add(entry.kind, data, { jobId, ...GROUP_JOB_RETRIES });
    const fields = { subscription_id: entry.subscriptionId, backlog: entry.kind, holder, job_id: jobId };
    // A free turn is most often a moment before a new event's job takes it (or its `delay_seconds`): not worth a line.
    if (holder === null) parts.logger.debug(fields, 'backlog with a free turn: a job added to drain it');
    else parts.logger.warn(fields, 'the job holding a backlog\'s turn failed for good: a job added to drain it');
  }

  /** `holder`: the ticket of the job that held the line and failed for good; null when nobody held it. */
  async function drainLine(entry: WatchedBacklog, holder: string | null): Promise<void> {
    const queue = parts.queues.deliveriesFor(entry.subscriptionId);
    const round = Math.floor(Date.now() / intervalMs);
    const jobId = groupJobId(`${entry.subscriptionId}:drain:line:${holder ?? ''}:${round}`, []);
    // Claimed before the job exists: a job that took the line since keeps it, and a sweeper beside this one adds none.
    // Should the add fail, the claim runs out as a dead holder's would, and a later round tries again.
    if (!(await parts.limiter.claimWaiting(entry.subscriptionId, holder, `${queue.name}:${jobId}`))) return;
    const data: DeliveryJobData = { kind: 'group', subscriptionId: entry.subscriptionId, profile: entry.profile, eventIds: [] };
    await queue.add('group', data, { jobId, ...GROUP_JOB_RETRIES });
    const fields = { subscription_id: entry.subscriptionId, backlog: entry.kind, holder, job_id: jobId };
    if (holder === null) parts.logger.debug(fields, 'rate-limit waiting list with no holder: a job added to drain it');
    else parts.logger.warn(fields, 'the job holding a rate limit\'s waiting list failed for good: a job added to drain it');
  }

  async function sweepLines(entries: readonly WatchedBacklog[]): Promise<void> {
    const lines = await parts.limiter.waitingLines(entries.map((entry) => entry.subscriptionId));
    await Promise.all(
      entries.map(async (entry, index) => {
        const { waiting, holder } = lines[index] ?? { waiting: 0, holder: null };
        const current = parts.index.get(entry.subscriptionId);
        if (waiting === 0) {
          if (holder === null && (!current || backlogKindOf(current) !== 'line')) watched.delete(keyOf('line', entry.subscriptionId));
          return;
        }
        if (holder === null) return drainLine(entry, null);
        // A ticket is `<queue name>:<job id>` (delivery-processor.ts, lineTicketOf); a holder is a group job.
        const queue = parts.queues.deliveriesFor(entry.subscriptionId);
        if (!holder.startsWith(`${queue.name}:`)) return;
        const jobId = holder.slice(queue.name.length + 1);
        const state = await queue.getJobState(jobId);
        // Only a job BullMQ failed for good: one waiting, delayed or running keeps the line, one removed lets its
        // registration run out (then the list has no holder).
        if (state === 'failed') return drainLine(entry, holder);
        if (state !== 'delayed' || (current && current.active)) return;
        try {
          await (await queue.getJob(jobId))?.promote();
        } catch (error) {
          // Promoted by another sweeper, or running already: it drains the list as it is.
          if (isStoreError(error)) throw error;
        }
      }),
    );
  }

  async function sweepChunk(kind: 'ordered' | 'batch', entries: ReadonlyArray<WatchedBacklog & { kind: 'ordered' | 'batch' }>): Promise<void> {
    const backlog = kind === 'ordered' ? parts.ordered : parts.batches;
    const turns = await backlog.turns(entries.map((entry) => entry.subscriptionId));
    await Promise.all(
      entries.map(async (entry, index) => {
        const { waiting, holder } = turns[index] ?? { waiting: 0, holder: null };
        if (waiting === 0) {
          const current = parts.index.get(entry.subscriptionId);
          if (holder === null && (!current || backlogKindOf(current) !== kind)) watched.delete(keyOf(kind, entry.subscriptionId));
          return;
        }
        if (holder === null) return drain(entry, null);
        // Only a job BullMQ failed for good: one waiting, delayed or running keeps its turn, and one removed lets its lease run out.
        if ((await parts.queues.deliveriesFor(entry.subscriptionId).getJobState(holder)) !== 'failed') return;
        // Taken back only from that job: a job that took the turn since keeps it.
        await backlog.giveTurn(entry.subscriptionId, holder);
        if ((await backlog.turnHolder(entry.subscriptionId)) === null) await drain(entry, holder);
      }),
    );
  }

  /** Watches the backlogs the discovery's next part finds, of this worker's partitions, that are not watched yet. */
  async function watchDiscovered(): Promise<void> {
    try {
      for (const { kind, subscriptionId } of await discoverSome()) {
        if (watched.has(keyOf(kind, subscriptionId)) || !parts.ownsSubscription(subscriptionId)) continue;
        // A deleted subscription's profile is known nowhere: no worker reads a job's (its subscription's is read).
        watched.set(keyOf(kind, subscriptionId), { kind, subscriptionId, profile: parts.index.get(subscriptionId)?.profile ?? '' });
      }
    } catch (error) {
      // The pass starts again next round; what is watched already is swept now.
      parts.logger.warn({ err: error }, 'looking for backlogs in Redis failed');
    }
  }

  async function sweep(): Promise<void> {
    for (const subscription of parts.index.all()) {
      const kind = backlogKindOf(subscription);
      if (kind && parts.ownsSubscription(subscription.id)) watched.set(keyOf(kind, subscription.id), { kind, subscriptionId: subscription.id, profile: subscription.profile });
    }
    await watchDiscovered();
    const all = [...watched.values()];
    if (all.length === 0) return;
    cursor %= all.length;
    const picked = [...all.slice(cursor, cursor + BACKLOGS_PER_ROUND), ...all.slice(0, Math.max(0, cursor + BACKLOGS_PER_ROUND - all.length))].slice(0, all.length);
    cursor += picked.length;
    for (let start = 0; start < picked.length; start += CHUNK) {
      const chunk = picked.slice(start, start + CHUNK);
      for (const kind of ['ordered', 'batch'] as const) {
        const ofKind = chunk.filter((entry): entry is WatchedBacklog & { kind: typeof kind } => entry.kind === kind);
        if (ofKind.length > 0) await sweepChunk(kind, ofKind);
      }
      const lines = chunk.filter((entry) => entry.kind === 'line');
      if (lines.length > 0) await sweepLines(lines);
    }
  }

  return refreshEvery(intervalMs, async () => {
    try {
      await sweep();
    } catch (error) {
      // Redis away or refusing writes: the next round tries again.
      parts.logger.warn({ err: error }, 'backlog sweep failed');
    }
  });
}
