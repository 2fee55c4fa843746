import { createServer, STATUS_CODES, type Server } from 'node:http';
import type { Express } from 'express';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { ERROR_CODES, LISTEN_ADDRESS, type ErrorCode, type HookfleetConfig } from '@hookfleet/core';
import { createMetrics, serveProfileCountersFromZero } from '@hookfleet/metrics';
import { profileNames } from '@hookfleet/profiles';
import { BatchHandOver, createQueueConnection, createQueues, createReadinessProbe, queueList, READINESS_TIMEOUT_MS, startQueueGauges } from '@hookfleet/queue';
import { connectRedis, DeliveryStore, EventStore, recordTtlSeconds, EventTypeStore, Keys, StoreReachability, StoreWriteHealth, SubscriptionIndex, SubscriptionStore, TenantStore, OperationStore, EndpointPauses, CompatStore, IdempotencyStore, PollLog, pollLogOptionsFor, SigningKeyStore } from '@hookfleet/store';
import { createApp, routeServices, type AppDependencies } from './app.js';
import { TokenBuckets } from './abuse-limits.js';
import { DeliveryTransport, destinationsFor, USER_AGENT } from '@hookfleet/delivery';
import { EventService } from './event-service.js';
import { EventSchemas } from './event-schemas.js';
import { EventTypeService } from './event-type-service.js';
import { IngestBatcher } from './ingest-batcher.js';
import { withIngestFastPath } from './ingest-fast-path.js';
import { SubscriptionService } from './subscription-service.js';
import { PollMessages } from './poll/poll-messages.js';
import { PollWaiters } from './poll/poll-waiters.js';
import { createLogger, createRepeatedErrorLog } from '@hookfleet/core';

export interface RunningApi {
  port: number;
  url: string;
  server: Server;
  app: Express;
  stop(): Promise<void>;
}

export async function startApi(config: HookfleetConfig, logger: Logger = createLogger(config.logLevel, 'api')): Promise<RunningApi> {
  if (!config.adminToken) throw new Error('HOOKFLEET_ADMIN_TOKEN is required: the operator token the API accepts');
  const redis = connectRedis(config);
  const keys = new Keys(config.prefix);
  const metrics = createMetrics();
  const queueConnection = createQueueConnection(config, { waitForRedis: false });
  const errorLog = createRepeatedErrorLog(logger);
  // Heard, a lost connection is one line per interval in this log; unheard, ioredis prints each retry to stderr.
  redis.on('error', (error: Error) => errorLog.log('warn', 'redis connection error', error));
  const writeHealth = new StoreWriteHealth(redis, keys, { refused: metrics.storeWritesRefused, writable: metrics.storeWritable });
  const reachability = new StoreReachability(redis, READINESS_TIMEOUT_MS);
  metrics.readAtScrape({ storeReachable: () => reachability.isReachable() });
  // An API process's first event of a profile counts in rate().
  serveProfileCountersFromZero(metrics, ['api'], profileNames());
  const queues = createQueues(queueConnection.connection, config.prefix, (error) => errorLog.log('warn', 'queue connection error', error), config.partitions, config.retryDelayScale);
  const tenants = new TenantStore(redis, keys);
  const eventStore = new EventStore(redis, keys, config.eventRetentionHours, config.retryDelayScale);
  const subscriptionStore = new SubscriptionStore(redis, keys);
  // The API's copy of the subscriptions, for the batching ones it hands their events at acceptance (hand-over.ts).
  const subscriptionIndex = new SubscriptionIndex(redis, keys, subscriptionStore, {
    onError: (error) => errorLog.log('warn', 'subscription index poll failed', error),
  });
  const handOver = new BatchHandOver({
    index: subscriptionIndex,
    acceptedPayloadTtlMsOf: (profile) => eventStore.payloadTtlSecondsOf(profile) * 1000,
    retryDelayScale: config.retryDelayScale,
    deliveriesFor: queues.deliveriesFor,
    // The deliveries the matcher would have counted, had it made them.
    onEnqueued: (profile, count) => metrics.deliveriesEnqueued.inc({ profile }, count),
  });
  subscriptionStore.onWrite(() => handOver.subscriptionsChanged());
  const batcher = new IngestBatcher(
    eventStore,
    queues.events,
    (error) => {
      writeHealth.noteError(error);
      errorLog.log('warn', 'accepted events left unconfirmed: the same ids sent again are enqueued again', error);
    },
    // An accepted flush is a write taken: the gauge says so without waiting for the next /readyz probe.
    () => writeHealth.noteWritable(),
    handOver,
  );
  const signingKeys = new SigningKeyStore(redis, keys);
  // The worker's record TTL: the indexes the API trims (a poll subscription's dead) are the worker's too.
  const deliveries = new DeliveryStore(redis, keys, recordTtlSeconds(eventStore.payloadTtlSeconds, config.retryDelayScale));
  const transport = new DeliveryTransport({
    timeoutMs: config.deliveryTimeoutMs,
    concurrency: 64,
    allowPrivateTargets: config.allowPrivateTargets,
    userAgent: USER_AGENT,
  });
  const testDestinations = destinationsFor(transport, { timeoutMs: config.deliveryTimeoutMs, concurrency: 64, allowPrivateTargets: config.allowPrivateTargets });
  const pollWaiters = new PollWaiters(redis, config.pollMaxWaiters);
  const pollMessages = new PollMessages({
    log: new PollLog(redis, keys, pollLogOptionsFor(config.eventRetentionHours)),
    waiters: pollWaiters,
    keys,
    deliveries,
    metrics,
    releaseEnded: config.eventRetentionHours === 0,
  });
  const readiness = createReadinessProbe(() => reachability.ping(), queueList(queues), undefined, () => writeHealth.probe());
  const eventTypeStore = new EventTypeStore(redis, keys);
  const eventSchemas = new EventSchemas(eventTypeStore);
  const events = new EventService(tenants, eventStore, batcher, metrics, eventSchemas, new TokenBuckets(config.tenantIngestRate));
  const dependencies: AppDependencies = {
    adminToken: config.adminToken,
    logger,
    metrics,
    tenants,
    signingKeys,
    events,
    subscriptions: new SubscriptionService(subscriptionStore, tenants, { allowPrivateTargets: config.allowPrivateTargets, maxSubscriptionsPerTenant: config.maxSubscriptionsPerTenant }, signingKeys),
    pollMessages,
    deliveries,
    queues,
    eventStore,
    operations: new OperationStore(redis, keys),
    endpointPauses: new EndpointPauses(redis, keys),
    compatStore: new CompatStore(redis, keys),
    idempotency: new IdempotencyStore(redis, keys),
    eventTypes: new EventTypeService(eventTypeStore, eventSchemas),
    transport,
    testDestination: testDestinations.destination,
    retentionMs: eventStore.payloadTtlSeconds * 1000,
    tenantApiLimit: new TokenBuckets(config.tenantApiRate, Math.max(config.tenantApiRate * 2, 1)),
    isReady: readiness,
    writeHealth,
    publicUrl: { publicUrl: config.publicUrl, trustProxy: config.trustProxy },
    adminUiAllowRetries: config.adminUiAllowRetries,
  };
  const services = routeServices(dependencies);
  const app = createApp(dependencies, services);
  handOver.load().catch((error: unknown) => errorLog.log('warn', 'subscription index load failed; the next ingest flush tries again', error));
  const stopGauges = startQueueGauges(queueList(queues), metrics.queueJobs);
  const server = createServer(withIngestFastPath(app, { adminToken: config.adminToken, services, metrics, logger, writeHealth }));
  // Everything the API opened besides its server, closed by stop() and by a start whose listen failed (a port in
  // use), so that a caller that goes on (a test, an embedding process) is not left with connections and timers.
  const closeParts = async (): Promise<void> => {
    stopGauges();
    await batcher.drain();
    await handOver.stop();
    await queues.close();
    await queueConnection.close();
    await transport.close();
    await testDestinations.close();
    errorLog.stop();
    redis.disconnect();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, LISTEN_ADDRESS, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await pollWaiters.close();
    await closeParts();
    throw error;
  }
  server.keepAliveTimeout = 65_000;
  // Tenants created before the tenant index existed are added to it once (tenant-store.ts); the API serves meanwhile.
  tenants.backfillIndex().then(
    (added) => {
      if (added > 0) logger.info({ added }, 'tenants created before the tenant index were added to it');
    },
    (error: Error) => errorLog.log('warn', 'tenant index backfill failed; it runs again at the next start', error),
  );
  // Requests Node itself refuses (oversized headers or URL, malformed HTTP) still get the contract's JSON shape.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const code: ErrorCode = error.code === 'HPE_HEADER_OVERFLOW' ? 'headers_too_large' : 'bad_request';
    const { status, sentence } = ERROR_CODES[code];
    const body = JSON.stringify({ error: sentence, code });
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    server,
    app,
    async stop() {
      // Long-polls answer now with what they have, so the server's close does not wait out their `wait`.
      await pollWaiters.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await closeParts();
    },
  };
}
