import { destinationType, type StoredEvent, type Subscription } from '@hookfleet/core';
import { findProfile, lastAttemptWithinMs, retryLadderMs } from '@hookfleet/profiles';
import type { SubscriptionIndex } from '@hookfleet/store';
import type { Queue } from 'bullmq';
import { addJobsByQueue, queuedFor, type JobsByQueue } from './add-jobs.js';
import { GROUP_JOB_RETRIES, groupJobId } from './fan-out.js';
import type { DeliveryBatchJobData, DeliveryJobData } from './jobs.js';

// Batch hand-over at acceptance: the API gives a batching subscription's events straight to its batch job, with no
// matcher pass and no delivery record written beforehand (the two costs of a batch member: bench/README.md, the
// twenty-eighth round). The payload's `+` line (EventStore.accept) says which subscriptions an event was handed to.

/**
 * Whether the API hands a subscription its matching events at acceptance. Only where the matcher would have nothing
 * to do beyond creating the records and the batch job: an ordered subscription keeps a backlog in event order, a
 * delay delays the job, poll and broker destinations are not batched, and a payload the subscription's ladder can
 * outlive needs the matcher's longer TTL (payloadsToKeepLonger in apps/worker/src/matcher.ts).
 */
export function handsOverAtAcceptance(subscription: Subscription, acceptedPayloadTtlMs: number, retryDelayScale: number): boolean {
  if (!subscription.batch || subscription.ordered === true || subscription.delay_seconds !== 0) return false;
  if (destinationType(subscription) !== 'http') return false;
  const profile = findProfile(subscription.profile);
  if (!profile) return false;
  return lastAttemptWithinMs({ ladderMs: retryLadderMs(profile, subscription), delayMs: 0, scale: retryDelayScale }) <= acceptedPayloadTtlMs;
}

export interface HandOverPlan {
  /** Per event (same index as the flush's events), the ids of the subscriptions it is handed over to. */
  subscriptionIdsByEvent: string[][];
  /** Per subscription handed at least one event, its events' ids in arrival order. */
  eventIdsBySubscription: Map<string, { subscription: Subscription; eventIds: string[] }>;
  /**
   * Events handed over to every subscription they match, by a copy caught up after the event arrived: the matcher
   * has nothing to do for them, so they are left out of its job (and a flush of only such events adds none).
   */
  handedOverWhole: Set<string>;
}

/**
 * Which subscriptions each event of a flush is handed over to. `match` gives every active subscription an event
 * matches, `handsOver` says which of them hand over; `caughtUp`: the copy matched against caught up after the
 * events arrived, so an event it hands over whole needs no matcher.
 */
export function planHandOver(
  events: readonly StoredEvent[],
  match: (event: StoredEvent) => readonly Subscription[],
  handsOver: (subscription: Subscription, event: StoredEvent) => boolean,
  caughtUp: boolean,
): HandOverPlan {
  const eventIdsBySubscription = new Map<string, { subscription: Subscription; eventIds: string[] }>();
  const handedOverWhole = new Set<string>();
  const subscriptionIdsByEvent = events.map((event) => {
    const matched = match(event);
    const ids: string[] = [];
    for (const subscription of matched) {
      if (!handsOver(subscription, event)) continue;
      let entry = eventIdsBySubscription.get(subscription.id);
      if (!entry) eventIdsBySubscription.set(subscription.id, (entry = { subscription, eventIds: [] }));
      entry.eventIds.push(event.id);
      ids.push(subscription.id);
    }
    if (caughtUp && ids.length > 0 && ids.length === matched.length) handedOverWhole.add(event.id);
    return ids;
  });
  return { subscriptionIdsByEvent, eventIdsBySubscription, handedOverWhole };
}

export interface HandOverJob {
  name: 'batch';
  data: DeliveryBatchJobData;
  opts: { jobId: string } & typeof GROUP_JOB_RETRIES;
}

/**
 * One batch job per subscription for the events the store accepted (a duplicate was handed over when it was first
 * accepted). Its id is the one the matcher would give the same group (fan-out.ts): a flush stored and enqueued again
 * after a crash adds an identical set once.
 */
export function handOverJobs(plan: HandOverPlan, accepted: (eventId: string) => boolean): HandOverJob[] {
  const jobs: HandOverJob[] = [];
  for (const { subscription, eventIds: planned } of plan.eventIdsBySubscription.values()) {
    const eventIds = planned.filter(accepted);
    if (eventIds.length === 0) continue;
    jobs.push({
      name: 'batch',
      data: { kind: 'batch', subscriptionId: subscription.id, profile: subscription.profile, eventIds, unrecorded: true },
      opts: { jobId: groupJobId(subscription.id, eventIds), ...GROUP_JOB_RETRIES },
    });
  }
  return jobs;
}

/** What a flush's hand-over needs: the API's copy of the subscriptions, the payloads' TTLs, and the delivery queues. */
export interface BatchHandOverParts {
  index: Pick<SubscriptionIndex, 'start' | 'stop' | 'refresh' | 'match'>;
  /** The TTL an event of this profile is accepted with (EventStore.payloadTtlSecondsOf), in ms. */
  acceptedPayloadTtlMsOf: (profile: string) => number;
  retryDelayScale: number;
  deliveriesFor: (subscriptionId: string) => Queue<DeliveryJobData>;
  /** Hears the deliveries handed over, per profile (the count the matcher would have made). */
  onEnqueued?: (profile: string, count: number) => void;
}

/** The API's side of the hand-over for one ingest flush: plan before the accept, enqueue the jobs after it. */
export class BatchHandOver {
  private loaded: Promise<void> | undefined;
  /** This process wrote a subscription since the copy last caught up (subscriptionsChanged). */
  private stale = false;

  constructor(private readonly parts: BatchHandOverParts) {}

  /**
   * Loads the index and has it follow the changes. The API starts while Redis is away (its readiness says so), so
   * nothing waits for this at start: a load that failed is tried again by the next flush, which fails meanwhile as
   * its accept would.
   */
  load(): Promise<void> {
    this.loaded ??= this.parts.index.start().catch((error: unknown) => {
      this.loaded = undefined;
      throw error;
    });
    return this.loaded;
  }

  /**
   * A subscription was written by this process: the next flush catches up before it matches, so what this API has
   * just created or changed counts from its next event (another API's writes count once the copy polls them).
   */
  subscriptionsChanged(): void {
    this.stale = true;
  }

  /** Stops the copy's polls; a load still waiting for Redis is not waited for (it starts no poll once stopped). */
  async stop(): Promise<void> {
    await this.parts.index.stop();
  }

  /**
   * Matches the flush against the subscriptions that hand over. What the copy does not know yet (created, or made
   * batching, by another API a moment ago) is left to the matcher, which is correct; what it knows may have changed
   * since its last poll (deleted, disabled, its events narrowed), so a flush that would hand anything over catches up
   * first and matches again. A fleet without batching subscriptions pays no round trip a flush.
   */
  async plan(events: readonly StoredEvent[]): Promise<HandOverPlan> {
    const { index, acceptedPayloadTtlMsOf, retryDelayScale } = this.parts;
    await this.load();
    if (this.stale) {
      this.stale = false;
      await index.refresh();
    }
    const handsOver = (subscription: Subscription, event: StoredEvent) => handsOverAtAcceptance(subscription, acceptedPayloadTtlMsOf(event.profile), retryDelayScale);
    const beforeCatchingUp = planHandOver(events, (event) => index.match(event), handsOver, false);
    if (beforeCatchingUp.eventIdsBySubscription.size === 0) return beforeCatchingUp;
    await index.refresh();
    return planHandOver(events, (event) => index.match(event), handsOver, true);
  }

  /** Adds the accepted events' batch jobs, one add per queue; returns the subscriptions that got any. */
  async enqueue(plan: HandOverPlan, accepted: (eventId: string) => boolean): Promise<string[]> {
    const jobs = handOverJobs(plan, accepted);
    const jobsByQueue: JobsByQueue = new Map();
    for (const job of jobs) queuedFor(jobsByQueue, this.parts.deliveriesFor(job.data.subscriptionId)).push(job);
    await addJobsByQueue(jobsByQueue);
    for (const job of jobs) this.parts.onEnqueued?.(job.data.profile, job.data.eventIds.length);
    return jobs.map((job) => job.data.subscriptionId);
  }
}
