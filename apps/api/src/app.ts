import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { HookfleetMetrics } from '@hookfleet/metrics';
import type { CompatStore, DeliveryStore, EventStore, OperationStore, StoreWriteHealth, TenantStore } from '@hookfleet/store';
import type { DeliveryTransport } from '@hookfleet/delivery';
import { queueList, type HookfleetQueues } from '@hookfleet/queue';
import { NotFound } from '@hookfleet/core';
import { authenticate, operatorFastLane } from './auth.js';
import { managementRateLimit, type TokenBuckets } from './abuse-limits.js';
import { errorHandler } from './error-handler.js';
import { jsonBody } from './json-body.js';
import { httpMetrics } from './http-metrics.js';
import type { EventService } from './event-service.js';
import type { SubscriptionService } from './subscription-service.js';
import { healthRoutes } from './routes/health.js';
import { QUEUE_ADMIN_PATH, queueAdmin } from './admin/queue-admin.js';
import { tenantRoutes } from './routes/tenants.js';
import { eventRoutes, ingestHandlers } from './routes/events.js';
import { subscriptionRoutes } from './routes/subscriptions.js';
import { deliveryRoutes } from './routes/deliveries.js';
import { eventLogRoutes } from './routes/event-log.js';
import { subscriptionOperationRoutes } from './routes/subscription-operations.js';
import { eventTypeRoutes } from './routes/event-types.js';
import { docsRoutes, hookfleetOpenApi } from './openapi/index.js';
import { compatOpenApi, compatRoutes } from './compat/index.js';
import { endpointPortal } from './portal/index.js';

export interface AppDependencies {
  adminToken: string;
  logger: Logger;
  metrics: HookfleetMetrics;
  tenants: TenantStore;
  events: EventService;
  subscriptions: SubscriptionService;
  deliveries: DeliveryStore;
  queues: HookfleetQueues;
  eventStore: EventStore;
  operations: OperationStore;
  /** Provider ids, per-tenant sequences and idempotency answers of the compat routes. */
  compatStore: CompatStore;
  /** Sends test deliveries (POST /v1/subscriptions/:id/test) through the same guard and timeout as the workers. */
  transport: DeliveryTransport;
  retentionMs: number;
  /** Per-tenant limit on the management API (abuse protection). */
  tenantApiLimit: TokenBuckets;
  isReady: () => Promise<boolean>;
  /** Counts the writes the store refuses (its 503s). */
  writeHealth?: StoreWriteHealth | undefined;
}

export function createApp(dependencies: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(httpMetrics(dependencies.metrics));
  // Publishing is the hot path: the operator's POST /v1/events[/batch] is routed here, ahead of the health, docs,
  // compat and portal routers that cannot match it (same parser and handlers; any other caller falls through to
  // the full /v1 chain below and is answered exactly as before).
  const parseJson = jsonBody();
  const ingest = ingestHandlers(dependencies.events);
  const operatorOnly = operatorFastLane(dependencies.adminToken);
  app.post('/v1/events', operatorOnly, parseJson, ingest.single);
  app.post('/v1/events/batch', operatorOnly, parseJson, ingest.batch);
  app.use(healthRoutes(dependencies.metrics.registry, dependencies.isReady));
  app.use(QUEUE_ADMIN_PATH, queueAdmin({ adminToken: dependencies.adminToken, queues: queueList(dependencies.queues) }));
  const openApiDocument = hookfleetOpenApi(...compatOpenApi());
  app.use(docsRoutes(() => openApiDocument));
  app.use(parseJson);
  app.use(compatRoutes(dependencies));
  // The endpoint portal: its pages, and portal tokens (header or cookie) on the same /v1 routes, inside their scope.
  const portal = endpointPortal(dependencies);
  app.use(portal.pages);
  const auth = authenticate(dependencies.adminToken, dependencies.tenants, portal.credentials, portal.tokens);
  app.use('/v1', auth, managementRateLimit(dependencies.tenantApiLimit), portal.guard);
  app.use(portal.routes);
  app.use(tenantRoutes(dependencies.tenants));
  app.use(eventRoutes(dependencies.events));
  app.use(subscriptionRoutes(dependencies.subscriptions, dependencies.deliveries));
  app.use(eventLogRoutes(dependencies.eventStore, dependencies.deliveries));
  app.use(deliveryRoutes(dependencies.deliveries, dependencies.subscriptions, dependencies.eventStore, dependencies.queues));
  app.use(subscriptionOperationRoutes(dependencies.subscriptions, dependencies.operations, dependencies.queues, dependencies.transport, dependencies.retentionMs));
  app.use(eventTypeRoutes());
  app.use((request, _response, next) => next(new NotFound(`no route for ${request.method} ${request.path}`)));
  app.use(errorHandler(dependencies.logger, dependencies.writeHealth));
  return app;
}
