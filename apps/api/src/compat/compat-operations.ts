import type { CompatAnswer, CompatApi, CompatRequest, CompatRoute } from '@hookfleet/profiles';
import type { IdempotencyStore } from '@hookfleet/store';
import { runIdempotent } from '../idempotency.js';
import { parseOrThrow } from '../validate.js';
import type { CompatSubscriptions } from './compat-subscriptions.js';

export interface CompatRouteContext {
  route: CompatRoute;
  api: CompatApi;
  subscriptions: CompatSubscriptions;
  idempotency: IdempotencyStore;
  profile: string;
}

function mappingMissing(route: CompatRoute): never {
  throw new Error(`compat route ${route.method} ${route.path} has no mapping for ${route.operation}`);
}

/** Runs one route's operation on the subscription service and renders the answer with the profile. */
async function perform({ route, api, subscriptions }: CompatRouteContext, request: CompatRequest, rawBody: unknown): Promise<CompatAnswer> {
  const where = { tenant: request.tenant, scope: request.scope };
  const body = () => (route.body ? parseOrThrow(route.body, rawBody ?? {}, 'invalid request') : rawBody);
  switch (route.operation) {
    case 'list': {
      const views = await subscriptions.list(where);
      return api.answer({ operation: 'list', status: route.status, items: views.map((view) => api.present(view)) }, request);
    }
    case 'get': {
      const view = await subscriptions.view(await subscriptions.find(where, request.params.id ?? ''));
      return api.answer({ operation: 'get', status: route.status, item: api.present(view) }, request);
    }
    case 'create': {
      if (!route.toCreate) return mappingMissing(route);
      const view = await subscriptions.create(where, route.toCreate(body(), request));
      return api.answer({ operation: 'create', status: route.status, item: api.present(view) }, request);
    }
    case 'update':
    case 'replace': {
      if (!route.toUpdate) return mappingMissing(route);
      const input = body();
      const current = await subscriptions.find(where, request.params.id ?? '');
      const view = await subscriptions.update(where, current, route.toUpdate(input, await subscriptions.view(current), request));
      return api.answer({ operation: route.operation, status: route.status, item: api.present(view) }, request);
    }
    case 'delete': {
      const current = await subscriptions.find(where, request.params.id ?? '');
      const item = api.present(await subscriptions.view(current));
      await subscriptions.remove(where, current);
      return api.answer({ operation: 'delete', status: route.status, item }, request);
    }
  }
}

/**
 * A create with the profile's idempotency header answers what the first request with that key answered, for the
 * key's lifetime, and creates nothing more (Gigapay's `Idempotency-Key`, 24 h): the native routes' mechanism
 * (idempotency.ts), where the provider's key alone names the request, whatever its body.
 */
export async function performCompatRoute(context: CompatRouteContext, request: CompatRequest, rawBody: unknown): Promise<CompatAnswer> {
  const idempotency = context.api.idempotency;
  const key = idempotency ? request.headers[idempotency.header]?.trim() : undefined;
  if (!idempotency || !key || context.route.operation !== 'create') return perform(context, request, rawBody);
  const scope = `compat:${context.profile}:${request.tenant}:${request.scope}`;
  return runIdempotent(context.idempotency, { scope, key, request: context.route.operation, ttlSeconds: idempotency.ttlSeconds }, () => perform(context, request, rawBody));
}
