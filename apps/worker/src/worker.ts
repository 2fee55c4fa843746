import type { Worker } from 'bullmq';
import type { HookfleetConfig } from '@hookfleet/core';
import { createMetrics, serveProfileCountersFromZero } from '@hookfleet/metrics';
import { profileNames } from '@hookfleet/profiles';
import {
  createQueueConnection,
  createQueues,
  createReadinessProbe,
  deliveryQueuePlace,
  retryQueuePlace,
  queueList,
  EVENTS_QUEUE,
  OPERATIONS_QUEUE,
  partitionOf,
  READINESS_TIMEOUT_MS,
  sharedQueuePlace,
  startQueueGauges,
  type DeliveryJobData,
  type MatchJobData,
  type OperationJobData,
} from '@hookfleet/queue';
import {
  connectRedis,
  DeliveryStore,
  EventStore,
  EndpointHealth,
  Keys,
  OperationStore,
  OrderedBacklog,
  BatchBacklog,
  PollLog,
  pollLogOptionsFor,
  RateLimiter,
  recordTtlSeconds,
  StoreReachability,
  StoreWriteHealth,
  SubscriptionIndex,
  SubscriptionStore,
} from '@hookfleet/store';
import { DeliveryTransport, USER_AGENT } from '@hookfleet/delivery';
import type { Logger } from 'pino';
import { createLogger, createRepeatedErrorLog } from '@hookfleet/core';
import { EventCache } from './event-cache.js';
import { LockKeepingWorker } from './lock-keeping-worker.js';
import { createMatcher } from './matcher.js';
import { createDeliveryProcessor } from './delivery-processor.js';
import { createOperationProcessor } from './operations.js';
import { startMetricsServer } from './metrics-server.js';
import { createTurnHolderWake } from './turn-wake.js';
import { createLineWake } from './line-wake.js';
import { startTurnSweep } from './turn-sweep.js';
import { startPollGauges } from './poll-gauges.js';
import { waitOutStoreErrors } from './store-waits.js';
import type { WorkerContext } from './context.js';
import { createDestinations } from './destinations.js';
import { closeWorkers, CONNECTIONS_END_GRACE_MS, RunningJobs, settledWithin, type ClosableWorker } from './worker-shutdown.js';
import { createFailureLog } from './failure-log.js';

/** A stalled job (its worker died) is taken by another worker within seconds, not minutes. */
export const LOCK_DURATION_MS = 6_000;
export const STALLED_INTERVAL_MS = 2_000;

export interface RunningWorker {
  metricsPort: number;
  context: WorkerContext;
  /** Drains: in-flight jobs finish, nothing new is taken, then every connection closes. */
  stop(): Promise<void>;
}

export interface WorkerOptions {
  /**
   * How long a delivery record lives (DeliveryStore.ttlSeconds) instead of the one computed below (48 h at least):
   * for tests, where a subscription's ladder must outlive it within seconds (apps/worker/test/listed-while-kept.test.ts).
   */
  recordTtlSeconds?: number;
  /** How often backlogs no job drains are looked for (turn-sweep.ts), instead of TURN_SWEEP_INTERVAL_MS: for tests. */
  turnSweepIntervalMs?: number;
}

export async function startWorker(config: HookfleetConfig, logger: Logger = createLogger(config.logLevel, 'worker'), options: WorkerOptions = {}): Promise<RunningWorker> {
  // A worker waits for Redis to come back rather than failing its jobs' commands (the API fails fast instead).
  const redis = connectRedis(config, { maxRetriesPerRequest: null });
  const keys = new Keys(config.prefix);
  const metrics = createMetrics();
  const queueConnection = createQueueConnection(config, { waitForRedis: true });
  const { connection } = queueConnection;
  // While Redis is away or refuses writes every job and command fails the same way: one line per interval, with a count.
  const errorLog = createRepeatedErrorLog(logger);
  // Heard, a lost connection is one line per interval in this log; unheard, ioredis prints each retry to stderr.
  redis.on('error', (error: Error) => errorLog.log('warn', 'redis connection error', error));
  const failureLog = createFailureLog(logger);
  const writeHealth = new StoreWriteHealth(redis, keys, { refused: metrics.storeWritesRefused, writable: metrics.storeWritable });
  const reachability = new StoreReachability(redis, READINESS_TIMEOUT_MS);
  // A worker's first dead delivery (or throttled, or enqueued one) of a profile counts in increase() and rate().
  serveProfileCountersFromZero(metrics, config.workerRoles, profileNames());
  const queues = createQueues(
    connection,
    config.prefix,
    (error) => errorLog.log('warn', 'queue connection error', error),
    config.partitions,
    config.retryDelayScale,
  );
  const subscriptions = new SubscriptionStore(redis, keys);
  const backlog = new OrderedBacklog(redis, keys);
  const batches = new BatchBacklog(redis, keys);
  const limiter = new RateLimiter(redis, keys);
  const index = new SubscriptionIndex(redis, keys, subscriptions, {
    onError: (error) => errorLog.log('error', 'subscription index poll failed', error),
    // A disabled or deleted ordered or batching subscription's waiting deliveries end dead now, not when its turn's
    // holder next wakes (a head's retry, a partial batch's due time).
    onEnded: createTurnHolderWake({ ordered: backlog, batches, queues, logger }),
    // A rate limit raised or removed: the jobs waiting in its line go at the new pace now, not at their old turns.
    onChanged: createLineWake({ limiter, queues, logger }),
  });
  const events = new EventStore(redis, keys, config.eventRetentionHours, config.retryDelayScale);
  // A delivery's record outlives its last possible attempt, whatever its profile's ladder and subscription's delay.
  const retentionTtl = options.recordTtlSeconds ?? recordTtlSeconds(events.payloadTtlSeconds, config.retryDelayScale);
  let stopping = false;
  const transport = new DeliveryTransport({
    timeoutMs: config.deliveryTimeoutMs,
    concurrency: config.deliveryConcurrency,
    allowPrivateTargets: config.allowPrivateTargets,
    userAgent: USER_AGENT,
  });
  const context: WorkerContext = {
    config,
    logger,
    failureLog,
    redis,
    keys,
    metrics,
    queues,
    subscriptions,
    index,
    events,
    eventCache: new EventCache(events),
    deliveries: new DeliveryStore(redis, keys, retentionTtl),
    limiter,
    health: new EndpointHealth(redis, keys),
    backlog,
    pollLog: new PollLog(redis, keys, pollLogOptionsFor(config.eventRetentionHours)),
    batches,
    isStopping: () => stopping,
    transport,
    destinations: createDestinations(config, transport),
  };
  metrics.readAtScrape({ storeReachable: () => reachability.isReachable(), slowOriginSlots: () => transport.slowOriginSlotsInUse });
  await index.start();

  const storeWaits = { writeHealth, log: errorLog, retryDelayScale: config.retryDelayScale };
  const workerOptions = { connection, lockDuration: LOCK_DURATION_MS, stalledInterval: STALLED_INTERVAL_MS, maxStalledCount: 20 };
  const workers: Worker[] = [];
  const jobs = new RunningJobs();
  if (config.workerRoles.includes('matcher')) {
    const events = sharedQueuePlace(config.prefix, EVENTS_QUEUE, config.partitions);
    const operations = sharedQueuePlace(config.prefix, OPERATIONS_QUEUE, config.partitions);
    workers.push(
      new LockKeepingWorker<MatchJobData>(events.name, jobs.track(waitOutStoreErrors(createMatcher(context), storeWaits)), {
        ...workerOptions,
        prefix: events.prefix,
        concurrency: 8,
      }),
    );
    // Recover and replay run beside matching: both read events and subscriptions and add delivery jobs.
    workers.push(
      new LockKeepingWorker<OperationJobData>(
        operations.name,
        jobs.track(waitOutStoreErrors(createOperationProcessor(context, new OperationStore(redis, keys)), storeWaits)),
        {
          ...workerOptions,
          prefix: operations.prefix,
          concurrency: 2,
        },
      ),
    );
  }
  if (config.workerRoles.includes('delivery')) {
    const processDelivery = jobs.track(waitOutStoreErrors(createDeliveryProcessor(context), storeWaits));
    // Each partition gets the full job concurrency; requests in flight stay capped per process by the transport.
    // On top, the slots one stalled endpoint may hold (its in-flight requests, until they time out), so that a
    // hanging endpoint leaves the others as many job slots as they had without it (isolation).
    const jobSlots = config.deliveryConcurrency + context.transport.perOriginConcurrency;
    for (const partition of config.workerPartitions) {
      // A partition's group jobs and its retry jobs in queues of their own, each with the full job slots
      // (packages/queue/src/queues.ts: why retry jobs wait apart).
      for (const place of [deliveryQueuePlace(config.prefix, partition, config.partitions), retryQueuePlace(config.prefix, partition, config.partitions)]) {
        workers.push(
          new LockKeepingWorker<DeliveryJobData>(place.name, processDelivery, {
            ...workerOptions,
            prefix: place.prefix,
            concurrency: jobSlots,
          }),
        );
      }
    }
  }
  for (const worker of workers) {
    worker.on('error', (error) => {
      writeHealth.noteError(error);
      errorLog.log('error', 'worker error', error, { queue: worker.name });
    });
    worker.on('failed', (job, error) => {
      errorLog.log('error', 'job failed', error, { queue: worker.name, job_id: job?.id });
    });
  }
  const stopQueueGauges = startQueueGauges(queueList(queues), metrics.queueJobs);
  const stopPollGauges = startPollGauges(index, context.pollLog, metrics);
  // A backlog whose turn's holder failed for good is drained again without waiting for a new event.
  const stopTurnSweep = config.workerRoles.includes('delivery')
    ? startTurnSweep(
        {
          index,
          ordered: backlog,
          batches,
          limiter,
          redis,
          keys,
          queues,
          ownsSubscription: (subscriptionId) => config.workerPartitions.includes(partitionOf(subscriptionId, config.partitions)),
          logger,
        },
        options.turnSweepIntervalMs,
      )
    : () => undefined;
  const stopGauges = () => {
    stopQueueGauges();
    stopPollGauges();
    stopTurnSweep();
  };
  const readiness = createReadinessProbe(
    () => reachability.ping(),
    queueList(queues),
    undefined,
    () => writeHealth.probe(),
  );
  // What the worker opened besides its metrics server, closed by stop() and by a start whose metrics port is taken,
  // so that a caller that goes on (a test, an embedding process) is not left with running workers and connections.
  const closeParts = async (metricsServer?: { close(): Promise<void> }): Promise<void> => {
    stopping = true;
    stopGauges();
    await closeWorkers(workers.map(closable), jobs, logger);
    await context.transport.close();
    await context.destinations.close();
    await metricsServer?.close();
    // What closes through Redis, last and bounded: with Redis away it would wait for a reconnect (the process then
    // exits with those connections cut; nothing accepted is lost, the jobs are in Redis).
    const redisClosed = (async () => {
      await index.stop();
      await queues.close();
      await queueConnection.close();
    })();
    if (!(await settledWithin(redisClosed, CONNECTIONS_END_GRACE_MS))) {
      logger.warn({ grace_ms: CONNECTIONS_END_GRACE_MS }, 'Redis connections did not close (is Redis away?); cutting them');
    }
    errorLog.stop();
    failureLog.stop();
    redis.disconnect();
  };
  let metricsServer: Awaited<ReturnType<typeof startMetricsServer>>;
  try {
    metricsServer = await startMetricsServer(config.metricsPort, metrics.registry, readiness);
  } catch (error) {
    await closeParts();
    throw error;
  }

  return {
    metricsPort: metricsServer.port,
    context,
    stop: () => closeParts(metricsServer),
  };
}

/** A BullMQ worker as a stop sees it (worker-shutdown.ts). */
function closable(worker: Worker): ClosableWorker {
  return {
    name: worker.name,
    close: () => worker.close(),
    disconnect() {
      // BullMQ 6 keeps a worker's connections in its queue backend; their raw clients are its escape hatch.
      const backend = (worker as unknown as { backend?: { client?: Promise<{ disconnect(): void }>; blockingClient?: Promise<{ disconnect(): void }> } })
        .backend;
      for (const client of [backend?.blockingClient, backend?.client]) void client?.then((connection) => connection.disconnect()).catch(() => undefined);
    },
  };
}
