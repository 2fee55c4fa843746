import type { HookfleetConfig } from '@hookfleet/core';
import type { HookfleetMetrics } from '@hookfleet/metrics';
import type { HookfleetQueues } from '@hookfleet/queue';
import type {
  BatchBacklog,
  DeliveryStore,
  EndpointHealth,
  EventStore,
  Keys,
  OrderedBacklog,
  PollLog,
  RateLimiter,
  RedisClient,
  SubscriptionIndex,
  SubscriptionStore,
} from '@hookfleet/store';
import type { DeliveryTransport } from '@hookfleet/delivery';
import type { Logger } from 'pino';
import type { EventCache } from './event-cache.js';
import type { WorkerDestinations } from './destinations.js';
import type { FailureLog } from './failure-log.js';

/** Everything a worker role needs, built once by main and passed down. */
export interface WorkerContext {
  config: HookfleetConfig;
  logger: Logger;
  /** The `deliveries failed` lines, summed per subscription and interval (failure-log.ts). */
  failureLog: FailureLog;
  redis: RedisClient;
  keys: Keys;
  metrics: HookfleetMetrics;
  queues: HookfleetQueues;
  subscriptions: SubscriptionStore;
  index: SubscriptionIndex;
  events: EventStore;
  eventCache: EventCache;
  deliveries: DeliveryStore;
  transport: DeliveryTransport;
  /** Where deliveries go, by the subscription's destination kind (HTTP through `transport`, the brokers). */
  destinations: WorkerDestinations;
  /** Per-subscription rate limits and endpoint pauses, shared by the fleet through Redis. */
  limiter: RateLimiter;
  /** Failure streaks of endpoints, for the circuit breaker. */
  health: EndpointHealth;
  /** The backlogs and turns of ordered subscriptions. */
  backlog: OrderedBacklog;
  /** The message logs of poll subscriptions. */
  pollLog: PollLog;
  /** The deliveries of batching subscriptions waiting for their batch, and its turns. */
  batches: BatchBacklog;
  /** True once the worker drains (SIGTERM): long-running jobs hand their work over instead of going on. */
  isStopping(): boolean;
}

/** What the matcher role uses (matcher.ts). */
export type MatcherContext = Pick<WorkerContext, 'config' | 'index' | 'events' | 'eventCache' | 'deliveries' | 'queues' | 'backlog' | 'metrics'>;

/** What the delivery engine is built from (delivery-steps.ts, engineFor): the engine itself takes only EngineParts. */
export type EngineContext = Pick<
  WorkerContext,
  | 'destinations'
  | 'deliveries'
  | 'subscriptions'
  | 'limiter'
  | 'queues'
  | 'metrics'
  | 'logger'
  | 'failureLog'
  | 'config'
  | 'events'
  | 'eventCache'
  | 'pollLog'
  | 'redis'
  | 'keys'
>;

/** What the steps around the engine use: load, give up, step aside, wait (delivery-steps.ts). */
export type StepsContext = Pick<WorkerContext, 'index' | 'subscriptions' | 'deliveries' | 'events' | 'eventCache' | 'metrics' | 'logger' | 'config'>;

/** What the delivery jobs use: group, retry and ordered (delivery-processor.ts, ordered-delivery.ts). */
export type DeliveryJobContext = EngineContext & StepsContext & Pick<WorkerContext, 'backlog' | 'batches' | 'redis' | 'isStopping'>;
