import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';

/** The subscription and tenant lists page by the last id seen: a cursor that is no such id is a 400, as on the other lists. */
describe('id cursors', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    tenant = await fleet.createTenant('paged');
    for (const n of [1, 2, 3]) await fleet.call('POST', '/v1/subscriptions', { url: `http://127.0.0.1:9/${n}`, events: ['a.b'] }, tenant.api_key);
  });
  afterAll(() => fleet.stop());

  it.each([
    ['/v1/subscriptions', 'zzz'],
    ['/v1/subscriptions', 'ten_0mxcziy4bbc512af75e6cc50e'],
    ['/v1/subscriptions', 'sub_../../x'],
    ['/v1/tenants', 'sub_0mxcziy4bbc512af75e6cc50e'],
    ['/v1/tenants', '-'],
  ])('refuses %s?cursor=%s naming the field', async (path, cursor) => {
    const token = path === '/v1/tenants' ? undefined : tenant.api_key;
    const answer = await fleet.call('GET', `${path}?cursor=${encodeURIComponent(cursor)}`, undefined, token);
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([{ path: 'cursor', message: 'not a cursor this API gave out' }]);
  });

  it('still pages with the cursors it gives out', async () => {
    const first = await fleet.call('GET', '/v1/subscriptions?limit=2', undefined, tenant.api_key);
    const second = await fleet.call('GET', `/v1/subscriptions?limit=2&cursor=${first.body.next_cursor}`, undefined, tenant.api_key);
    expect(second.status).toBe(200);
    expect([...first.body.data, ...second.body.data]).toHaveLength(3);
    const tenants = await fleet.call('GET', '/v1/tenants?limit=1');
    expect((await fleet.call('GET', `/v1/tenants?limit=1&cursor=${tenants.body.next_cursor ?? tenants.body.data[0].id}`)).status).toBe(200);
  });
});
