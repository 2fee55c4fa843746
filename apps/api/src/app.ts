import express, { type Express, type Request } from 'express';
import type { Logger } from 'pino';
import type { HookfleetMetrics } from '@hookfleet/metrics';
import type { CompatStore, IdempotencyStore, DeliveryStore, EndpointPauses, EventStore, OperationStore, SigningKeyStore, StoreWriteHealth, TenantStore } from '@hookfleet/store';
import type { DeliveryTransport, Destination } from '@hookfleet/delivery';
import { queueList, type HookfleetQueues, type ReadinessProbe } from '@hookfleet/queue';
import { NotFound } from '@hookfleet/core';
import type { TokenBuckets } from './abuse-limits.js';
import { errorHandler } from './error-handler.js';
import { jsonBody } from './json-body.js';
import { httpMetrics } from './http-metrics.js';
import type { EventService } from './event-service.js';
import type { EventTypeService } from './event-type-service.js';
import type { SubscriptionService } from './subscription-service.js';
import type { PollMessages } from './poll/poll-messages.js';
import { QUEUE_ADMIN_PATH, queueAdmin } from './admin/queue-admin.js';
import { DOCS_ASSETS_PATH, docsAssets, hookfleetOpenApi } from './openapi/index.js';
import { compatOpenApi, compatRoutes } from './compat/index.js';
import { PortalTokens, portalPages, portalSecurityHeaders, PORTAL_PATH } from './portal/index.js';
import { nativeRoutes } from './routes/native-routes.js';
import { mountRoutes, unknownManagementPaths } from './routes/mount.js';
import type { RouteServices } from './routes/route-table.js';
import { publicBaseUrl, type PublicUrlSettings } from './public-url.js';
import { securityHeaders } from './security-headers.js';

export interface AppDependencies {
  adminToken: string;
  logger: Logger;
  metrics: HookfleetMetrics;
  tenants: TenantStore;
  /** Each tenant's ed25519 key pairs (`v1a` signatures) and their published public halves. */
  signingKeys: SigningKeyStore;
  events: EventService;
  subscriptions: SubscriptionService;
  /** Poll subscriptions' messages: fetch, long-poll, acknowledge (GET /v1/subscriptions/:id/messages). */
  pollMessages: PollMessages;
  deliveries: DeliveryStore;
  queues: HookfleetQueues;
  eventStore: EventStore;
  operations: OperationStore;
  /** When each subscription's endpoint may be sent to again (its Retry-After or circuit breaker pause). */
  endpointPauses: EndpointPauses;
  /** The kept answers of POSTs sent with an Idempotency-Key (idempotency.ts). */
  idempotency: IdempotencyStore;
  /** Provider ids, per-tenant sequences and idempotency answers of the compat routes. */
  compatStore: CompatStore;
  /** The event catalogue with its JSON Schemas: every profile's documented shapes and the registered types. */
  eventTypes: EventTypeService;
  /** Sends test deliveries (POST /v1/subscriptions/:id/test) through the same guard and timeout as the workers. */
  transport: DeliveryTransport;
  /** Where test deliveries go, by the subscription's destination kind (HTTP through `transport`, the brokers). */
  testDestination: Destination;
  retentionMs: number;
  /** Per-tenant limit on the management API (abuse protection). */
  tenantApiLimit: TokenBuckets;
  /** /readyz: the readiness probe, whose whole result the route answers. */
  isReady: ReadinessProbe;
  /** Counts the writes the store refuses (its 503s). */
  writeHealth?: StoreWriteHealth | undefined;
  /** The public address: base of portal links and of the OpenAPI `servers`. */
  publicUrl: PublicUrlSettings;
  /** HOOKFLEET_ADMIN_UI_ALLOW_RETRIES: the queue admin UI may retry failed jobs. */
  adminUiAllowRetries: boolean;
}

/** What the route handlers use: the app's dependencies, the portal's token signer and the OpenAPI document. */
export function routeServices(dependencies: AppDependencies): RouteServices {
  const openApiDocument = hookfleetOpenApi(nativeRoutes, ...compatOpenApi());
  const openApiDocumentFor = (request?: Request) => (request ? { ...openApiDocument, servers: [{ url: publicBaseUrl(dependencies.publicUrl, request) }] } : openApiDocument);
  return { ...dependencies, portalTokens: new PortalTokens(dependencies.adminToken), openApiDocument: openApiDocumentFor };
}

export function createApp(dependencies: AppDependencies, services: RouteServices = routeServices(dependencies)): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(httpMetrics(dependencies.metrics));
  app.use(securityHeaders);
  app.use(
    QUEUE_ADMIN_PATH,
    queueAdmin({ adminToken: dependencies.adminToken, queues: queueList(dependencies.queues), allowRetries: dependencies.adminUiAllowRetries }),
  );
  app.use(DOCS_ASSETS_PATH, docsAssets());
  app.use(PORTAL_PATH, portalSecurityHeaders);
  app.use(jsonBody());
  // Every native route, from its one declaration (routes/native-routes.ts); the compat APIs live under their own prefixes.
  mountRoutes(app, nativeRoutes, services);
  app.use(compatRoutes(dependencies));
  app.use(portalPages());
  app.use('/v1', ...unknownManagementPaths(services));
  app.use((request, _response, next) => next(new NotFound(`no route for ${request.method} ${request.path}`)));
  app.use(errorHandler(dependencies.logger, dependencies.writeHealth));
  return app;
}
