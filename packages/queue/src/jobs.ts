/** Queue names under the BullMQ prefix. */
export const EVENTS_QUEUE = 'events';
export const DELIVERIES_QUEUE = 'deliveries';
/** Retry jobs, apart from the group jobs of first attempts (queues.ts: why). */
export const RETRIES_QUEUE = 'retries';
export const OPERATIONS_QUEUE = 'operations';

/** One job per ingest flush: the events it carries are matched together. */
export interface MatchJobData {
  eventIds: string[];
  /**
   * The subscriptions the API already handed these events to at acceptance (hand-over.ts): the matcher skips them.
   * A subscription the API's index did not know yet is not here, and is matched as any other.
   */
  handedOver?: string[];
}

/** First attempts of one subscription's deliveries from one matcher job (docs/architecture.md, "First attempts go in groups"). */
export interface DeliveryGroupJobData {
  kind: 'group';
  subscriptionId: string;
  profile: string;
  eventIds: string[];
}

/** One delivery's next attempt in a retry job. */
export interface RetryEntry {
  deliveryId: string;
  eventId: string;
  /** The attempt number this job makes for it (2 after a failed first attempt). */
  attempt: number;
}

/**
 * The later attempts of a subscription's failed deliveries that fall due together (docs/delivery.md, "Retries"):
 * one delayed job for all of them, each delivery with its own attempt number. A failure in it schedules that
 * delivery's next attempt in a new retry job; the job itself fails only for reasons of its own.
 */
export interface DeliveryRetryJobData {
  kind: 'retry';
  subscriptionId: string;
  profile: string;
  deliveries: RetryEntry[];
  /** One operator-requested attempt (retry, recover): a failure ends the delivery dead instead of climbing the ladder. */
  final?: boolean;
  /**
   * With `final`: its deliveries were still on their ladder (failed, a retry due) when the operator asked, so a failure
   * schedules their next step as any failure does; ending them dead would drop the retries they still had.
   */
  keepsLadder?: boolean;
}

/** A retry job added before retries were grouped (one delivery, its attempts counted by BullMQ); read as one entry. */
export interface LegacyDeliveryRetryJobData {
  kind: 'retry';
  subscriptionId: string;
  profile: string;
  eventId: string;
  deliveryId: string;
  firstAttempt: number;
  final?: boolean;
}

/**
 * Deliveries of an ordered subscription: the job adds them to the subscription's backlog in event order, then
 * sends the backlog's head one at a time if no other job holds the subscription's turn (docs/delivery.md, "Ordered
 * subscriptions"). Its retries happen in place: the job waits, delayed, and comes back to the same head.
 */
export interface DeliveryOrderedJobData {
  kind: 'ordered';
  subscriptionId: string;
  profile: string;
  eventIds: string[];
  /** Set once the events are in the backlog, so a job that comes back from a delay does not add them again. */
  added?: boolean;
}

/**
 * Deliveries of a batching subscription: on its first run the job sends the full batches they make at once, adds the
 * rest to the subscription's batch backlog, then, holding the subscription's turn, cuts batches from it as they fill
 * or their first member has waited `max_wait_ms` (docs/delivery.md, "Batches"). The same shape as an ordered job's.
 */
export interface DeliveryBatchJobData extends Omit<DeliveryOrderedJobData, 'kind'> {
  kind: 'batch';
  /**
   * Added by the API at acceptance (hand-over.ts): its deliveries have no records yet. The first run's full batches
   * get theirs written whole when they are settled; everything else (the remainder, a re-run, a subscription gone)
   * has its records created first, as the matcher would have, and goes the usual way.
   */
  unrecorded?: boolean;
}

export type DeliveryJobData = DeliveryGroupJobData | DeliveryRetryJobData | LegacyDeliveryRetryJobData | DeliveryOrderedJobData | DeliveryBatchJobData;

/** A background operation (recover, replay) whose progress lives in the operation store. */
export interface OperationJobData {
  operationId: string;
  kind: 'recover' | 'replay';
  subscriptionId: string;
  since: number;
  until: number;
  types?: string[] | undefined;
}
