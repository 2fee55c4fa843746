/** Queue names under the BullMQ prefix. */
export const EVENTS_QUEUE = 'events';
export const DELIVERIES_QUEUE = 'deliveries';

/** The custom backoff type that reads the delivery's profile ladder. */
export const PROFILE_BACKOFF = 'profile';

/** One job per ingest flush: the events it carries are matched together. */
export interface MatchJobData {
  eventIds: string[];
}

/** First attempts of one subscription's deliveries from one matcher job (DESIGN.md, "first attempts go in groups"). */
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
}

export type DeliveryJobData = DeliveryGroupJobData | DeliveryRetryJobData;
