import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { HookfleetMetrics } from '@hookfleet/metrics';
import type { DeliveryStore, TenantStore } from '@hookfleet/store';
import { NotFound } from '@hookfleet/core';
import { authenticate } from './auth.js';
import { errorHandler } from './error-handler.js';
import { httpMetrics } from './http-metrics.js';
import type { EventService } from './event-service.js';
import type { SubscriptionService } from './subscription-service.js';
import { healthRoutes } from './routes/health.js';
import { tenantRoutes } from './routes/tenants.js';
import { eventRoutes } from './routes/events.js';
import { subscriptionRoutes } from './routes/subscriptions.js';
import { deliveryRoutes } from './routes/deliveries.js';

export interface AppDependencies {
  adminToken: string;
  logger: Logger;
  metrics: HookfleetMetrics;
  tenants: TenantStore;
  events: EventService;
  subscriptions: SubscriptionService;
  deliveries: DeliveryStore;
  isReady: () => Promise<boolean>;
}

/** 1 MiB: a larger body is a 413. */
export const BODY_LIMIT = '1mb';

export function createApp(dependencies: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(httpMetrics(dependencies.metrics));
  app.use(healthRoutes(dependencies.metrics.registry, dependencies.isReady));
  app.use(express.json({ limit: BODY_LIMIT, type: () => true }));
  const auth = authenticate(dependencies.adminToken, dependencies.tenants);
  app.use('/v1', auth);
  app.use(tenantRoutes(dependencies.tenants));
  app.use(eventRoutes(dependencies.events));
  app.use(subscriptionRoutes(dependencies.subscriptions, dependencies.deliveries));
  app.use(deliveryRoutes(dependencies.deliveries, dependencies.subscriptions));
  app.use((request, _response, next) => next(new NotFound(`no route for ${request.method} ${request.path}`)));
  app.use(errorHandler(dependencies.logger));
  return app;
}
