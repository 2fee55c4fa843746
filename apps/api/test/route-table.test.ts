import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { toOpenApiPath } from '../src/openapi/index.js';
import { nativeRoutes } from '../src/routes/native-routes.js';
import { routeErrors, type NativeRoute } from '../src/routes/route-table.js';
import { errorAnswerSchema } from '../src/routes/answer-schemas.js';
import { OperationStore } from '@hookfleet/store';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';

/** The portal's pages send this header; the cookie routes want it. */
const PORTAL_HEADER = { 'x-hookfleet-portal': '1' };

describe('every declared native route answers what it declares', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };
  let portalToken = '';
  /** The published document: each answer is checked against its JSON Schema there too (closed objects included). */
  let published: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>> };
  const fixtures: Record<string, string> = {};

  beforeAll(async () => {
    receiver = await new TestReceiver().start();
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.0001' });
    tenant = await fleet.createTenant('routes');
    fixtures.tenants = tenant.id;
    const subscription = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/routes'), events: ['*'] }, tenant.api_key);
    fixtures.subscriptions = subscription.body.id;
    fixtures.poll = (await fleet.call('POST', '/v1/subscriptions', { destination: { type: 'poll' }, events: ['*'] }, tenant.api_key)).body.id;
    const event = await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'routes.seed', data: { n: 1 } });
    fixtures.events = event.body.id;
    await waitFor(() => receiver.forPath('/routes').length > 0, { message: 'the seed delivery' });
    fixtures.deliveries = String(receiver.forPath('/routes')[0]?.headers['webhook-id']);
    const recover = await fleet.call('POST', `/v1/subscriptions/${fixtures.subscriptions}/recover`, { since: '1h' }, tenant.api_key);
    fixtures.operations = recover.body.operation_id;
    // An operation still running, for the cancel route (the recover above may have ended by the time it is canceled).
    fixtures.cancelable = (await new OperationStore(fleet.workers[0]!.context.redis, fleet.workers[0]!.context.keys).create('replay', tenant.id, fixtures.subscriptions)).id;
    const link = await fleet.call('POST', '/v1/portal-sessions', {}, tenant.api_key);
    portalToken = decodeURIComponent(String(link.body.url).split('#token=')[1] ?? '');
    published = (await fleet.call('GET', '/openapi.json', undefined, null)).body;
  });

  afterAll(async () => {
    await fleet?.stop();
    await receiver?.stop();
  });

  /** A request each route accepts: its fixture id, a valid query and body, and a caller it admits. */
  function validRequest(route: NativeRoute): { path: string; body?: unknown } {
    const key = `${route.method} ${route.path}`;
    const bodies: Record<string, unknown> = {
      'post /v1/tenants': { name: 'declared' },
      'patch /v1/tenants/:id': { name: 'renamed' },
      'post /v1/events': { tenant: tenant.id, profile: 'standard', type: 'routes.one', data: {} },
      'post /v1/events/batch': { events: [{ tenant: tenant.id, profile: 'standard', type: 'routes.many', data: {} }] },
      'post /v1/subscriptions': { url: receiver.url('/routes-created'), events: ['routes.*'], tenant: tenant.id },
      'patch /v1/subscriptions/:id': { description: 'declared' },
      'post /v1/subscriptions/:id/recover': { since: '1h' },
      'post /v1/subscriptions/:id/replay': { since: '1h' },
      'post /v1/subscriptions/:id/test': {},
      'post /v1/subscriptions/:id/rotate-secret': {},
      'post /v1/portal-sessions': { tenant: tenant.id },
      'post /portal/session': { tenant: tenant.id },
      'post /v1/event-types': { profile: 'standard', type: 'routes.typed', schema: { type: 'object' } },
      'patch /v1/event-types/:profile/:type': { deprecated: true },
    };
    const queries: Record<string, string> = {
      'get /v1/subscriptions': `?tenant=${tenant.id}`,
      'get /v1/events': `?tenant=${tenant.id}`,
      'get /v1/deliveries': `?subscription=${fixtures.subscriptions}`,
    };
    // Only a poll subscription has messages and a backlog.
    const collection = /\/(messages|backlog)$/.test(route.path) ? 'poll' : route.path.endsWith('/cancel') ? 'cancelable' : (/^\/v1\/([a-z-]+)\/:id/.exec(route.path)?.[1] ?? '');
    const path = `${route.path.replace(':id', fixtures[collection] ?? 'none').replace(':tenant', tenant.id).replace(':profile/:type', 'standard/routes.typed')}${queries[key] ?? ''}`;
    return { path, ...(key in bodies ? { body: bodies[key] } : route.body ? { body: {} } : {}) };
  }

  // The deleting routes run last, so the others still find the subscription; the tenant's (which deletes everything) last of all.
  const lateness = (route: NativeRoute) => (route.method !== 'delete' ? 0 : route.path.startsWith('/v1/tenants/') ? 2 : 1);
  const ordered = [...nativeRoutes].sort((a, b) => lateness(a) - lateness(b));

  it.each(ordered.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route] as const))('%s', async (_label, route) => {
    const request = validRequest(route);
    // The operator where the route admits it (undefined: the fleet's admin token), else a portal session.
    const token = route.auth.includes('none') ? null : route.auth.includes('operator') ? undefined : portalToken;
    const answer = await fleet.call(route.method.toUpperCase(), request.path, request.body, token, PORTAL_HEADER);
    const declared = route.answers[answer.status];
    expect({ status: answer.status, declared: declared !== undefined, body: declared ? undefined : answer.body }).toEqual({ status: answer.status, declared: true, body: undefined });
    if (declared?.schema) {
      const parsed = declared.schema.safeParse(answer.body);
      expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
      const jsonSchema = published.paths[toOpenApiPath(route.path)]?.[route.method]?.responses[String(answer.status)]?.content?.['application/json']?.schema;
      expect(jsonSchema).toBeDefined();
      const againstDocument = z.fromJSONSchema(jsonSchema as Parameters<typeof z.fromJSONSchema>[0]).safeParse(answer.body);
      expect(againstDocument.success ? [] : againstDocument.error.issues).toEqual([]);
    } else if (declared?.type) {
      expect(answer.headers.get('content-type')).toContain(declared.type.split('/')[1]);
    } else {
      expect(answer.body).toBeNull();
    }
  });

  it('declares a portal scope check on exactly the routes portal sessions may call', () => {
    for (const route of nativeRoutes) expect({ route: route.path, admits: route.auth.includes('portal') }).toEqual({ route: route.path, admits: route.portal !== undefined });
  });

  it('answers a request no schema accepts with the declared error shape and a declared code', async () => {
    for (const route of nativeRoutes.filter((candidate) => candidate.body && candidate.auth.includes('operator'))) {
      const request = validRequest(route);
      const answer = await fleet.call(route.method.toUpperCase(), request.path, { not_a_field: 1 }, undefined, PORTAL_HEADER);
      const label = `${route.method} ${route.path}`;
      expect({ label, status: answer.status }).toEqual({ label, status: 400 });
      expect(errorAnswerSchema.safeParse(answer.body).success).toBe(true);
      expect(routeErrors(route)).toContain(answer.body.code);
    }
  });
});
