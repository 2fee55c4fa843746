import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ADMIN_TOKEN, startFleet, type TestFleet } from '../../../test/fleet.js';
import { createClient, HookfleetApiError, HookfleetValidationError, type HookfleetClient } from '../src/index.js';

describe('the SDK: payload filters and typed events', () => {
  let fleet: TestFleet;
  let operator: HookfleetClient;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    fleet = await startFleet();
    operator = createClient({ url: fleet.api.url, token: ADMIN_TOKEN, retry: { limit: 0 } });
    tenant = await operator.createTenant('sdk-typed');
  });
  afterAll(async () => {
    await fleet.stop();
  });

  it('creates, updates and removes a filter, and refuses a bad operator before sending', async () => {
    const asTenant = operator.withToken(tenant.api_key);
    const created = await asTenant.subscriptions.create({ url: 'http://127.0.0.1:9/x', events: ['order.*'], filter: { 'data.amount': { $gte: 100 } } });
    expect(created.filter).toEqual({ 'data.amount': { $gte: 100 } });
    const updated = await asTenant.subscriptions.update(created.id, { filter: { $or: [{ type: 'order.paid' }, { 'actor.id': 7 }] } });
    expect(updated.filter).toEqual({ $or: [{ type: 'order.paid' }, { 'actor.id': 7 }] });
    expect((await asTenant.subscriptions.update(created.id, { filter: null })).filter).toBeNull();
    const refused = await (async () => asTenant.subscriptions.update(created.id, { filter: { 'data.amount': { $gtt: 1 } } }))().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HookfleetValidationError);
    expect((refused as HookfleetValidationError).issues).toEqual([{ path: 'filter.data.amount.$gtt', message: expect.stringContaining('unknown operator') }]);
  });

  it('registers and changes an event type, and publishing against it answers the paths', async () => {
    const schema = { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } };
    const registered = await operator.eventTypes.create({ profile: 'standard', type: 'sdk.typed', description: 'typed by the SDK', schema });
    expect(registered).toMatchObject({ profile: 'standard', type: 'sdk.typed', schema, deprecated: false });
    const refused = await operator.publish({ tenant: tenant.id, profile: 'standard', type: 'sdk.typed', data: { id: 'x' } }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HookfleetApiError);
    expect((refused as HookfleetApiError).issues).toEqual([{ path: 'data.id', message: 'must be integer' }]);
    expect(await operator.publish({ tenant: tenant.id, profile: 'standard', type: 'sdk.typed', data: { id: 1 } })).toMatchObject({ deduplicated: false });
    const deprecated = await operator.eventTypes.update('standard', 'sdk.typed', { deprecated: true });
    expect(deprecated.deprecated).toBe(true);
    const listed = await operator.eventTypes.list({ profile: 'standard' });
    expect(listed.data).toContainEqual({ profile: 'standard', type: 'sdk.typed', description: 'typed by the SDK', schema, deprecated: true });
  });
});
