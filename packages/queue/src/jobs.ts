/** Queue names under the BullMQ prefix. */
export const EVENTS_QUEUE = 'events';
export const DELIVERIES_QUEUE = 'deliveries';
export const OPERATIONS_QUEUE = 'operations';

/** The custom backoff type that reads the delivery's profile ladder. */
export const PROFILE_BACKOFF = 'profile';

/** One job per ingest flush: the events it carries are matched together. */
export interface MatchJobData {
  eventIds: string[];
}

/** First attempts of one subscription's deliveries from one matcher job (docs/architecture.md, "First attempts go in groups"). */
export interface DeliveryGroupJobData {
  kind: 'group';
  subscriptionId: string;
  profile: string;
  eventIds: string[];
}

/** The later attempts of one delivery that failed; its job id is the delivery id. */
export interface DeliveryRetryJobData {
  kind: 'retry';
  subscriptionId: string;
  profile: string;
  eventId: string;
  deliveryId: string;
  /** The attempt number this job's first run makes (2 after a failed first attempt). */
  firstAttempt: number;
  /** One operator-requested attempt (retry, recover): a failure ends the delivery dead instead of climbing the ladder. */
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

export type DeliveryJobData = DeliveryGroupJobData | DeliveryRetryJobData | DeliveryOrderedJobData;

/** A background operation (recover, replay) whose progress lives in the operation store. */
export interface OperationJobData {
  operationId: string;
  kind: 'recover' | 'replay';
  subscriptionId: string;
  since: number;
  until: number;
  types?: string[] | undefined;
}
