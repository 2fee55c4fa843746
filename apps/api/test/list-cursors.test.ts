import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';

// GET /v1/events and GET /v1/deliveries page by a cursor (docs/api.md, "Errors and limits"): every entry once, newest
// first, while the log changes. A batch's events share their received millisecond (apps/api/src/event-service.ts),
// so these lists are mostly ties.
describe('list cursors', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };
  let failing = true;

  beforeAll(async () => {
    receiver = await new TestReceiver(() => ({ status: failing ? 500 : 200 })).start();
    fleet = await startFleet();
    tenant = await fleet.createTenant();
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  const publish = async (ids: string[], type = 'list.tick') => {
    const events = ids.map((id) => ({ tenant: tenant.id, profile: 'standard', type, id, data: {} }));
    expect((await fleet.call('POST', '/v1/events/batch', { events })).status).toBe(202);
  };

  /** Every page of a list from its first, as the caller reads them. */
  const readAll = async (path: string, limit: number) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page += 1) {
      const response = await fleet.call('GET', `${path}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, undefined, tenant.api_key);
      expect(response.status).toBe(200);
      ids.push(...response.body.data.map((entry: { id: string }) => entry.id));
      cursor = response.body.next_cursor;
      if (!cursor) return ids;
    }
    throw new Error('more than 100 pages');
  };

  it('pages through a batch of 500 events received in one millisecond, each once', async () => {
    const ids = Array.from({ length: 500 }, (_, index) => `tie-${String(index).padStart(3, '0')}`);
    await publish(ids, 'tie.tick');
    const listed = await readAll('/v1/events?type=tie.tick', 100);
    expect(listed).toHaveLength(500);
    expect(new Set(listed).size).toBe(500);
  });

  it('pages through events whose ids hold colons', async () => {
    const ids = ['order:1', 'order:2', 'order:3', 'order:4', 'order:5'];
    await publish(ids, 'colon.tick');
    const listed = await readAll('/v1/events?type=colon.tick', 2);
    expect(listed).toEqual([...ids].reverse());
  });

  it('goes on past a dead delivery that left the dead-letter list between pages', async () => {
    const subscription = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/dead'), events: ['dead.*'], retry: { delays_seconds: [], max_attempts: 1 } }, tenant.api_key)).body;
    await publish(Array.from({ length: 10 }, (_, index) => `dead-${index}`), 'dead.tick');
    const deadList = `/v1/deliveries?subscription=${subscription.id}&status=dead`;
    await waitFor(async () => (await fleet.call('GET', `${deadList}&limit=50`, undefined, tenant.api_key)).body.data.length === 10, { message: '10 dead deliveries' });
    const first = await fleet.call('GET', `${deadList}&limit=3`, undefined, tenant.api_key);
    expect(first.body.data).toHaveLength(3);
    // The page's last delivery is retried and delivered: it is no longer dead when the next page is asked for.
    failing = false;
    const last = first.body.data[2].id as string;
    expect((await fleet.call('POST', `/v1/deliveries/${last}/retry`, undefined, tenant.api_key)).status).toBe(202);
    await waitFor(async () => (await fleet.call('GET', `/v1/deliveries/${last}`, undefined, tenant.api_key)).body.status === 'delivered', { message: 'retried delivery delivered' });
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
    const rest: string[] = [];
    let cursor: string | null = first.body.next_cursor;
    while (cursor) {
      const page = await fleet.call('GET', `${deadList}&limit=3&cursor=${cursor}`, undefined, tenant.api_key);
      rest.push(...page.body.data.map((entry: { id: string }) => entry.id));
      cursor = page.body.next_cursor;
    }
    const all = (await fleet.call('GET', `${deadList}&limit=50`, undefined, tenant.api_key)).body.data.map((entry: { id: string }) => entry.id);
    expect(all).toHaveLength(9);
    expect(rest).toEqual(all.slice(2));
  });
});
