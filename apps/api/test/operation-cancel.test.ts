import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';

const tokenOf = (url: string) => new URL(url).hash.replace(/^#token=/, '');

/**
 * Who may cancel an operation (POST /v1/operations/:id/cancel) and list a subscription's operations
 * (GET /v1/subscriptions/:id/operations). No worker takes operations here (role `delivery` only), so every operation
 * started stays `running` until it is canceled.
 */
describe('canceling and listing operations', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };
  let other: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver().start();
    fleet = await startFleet({ WORKER_ROLES: 'delivery' });
    tenant = await fleet.createTenant('operations owner');
    other = await fleet.createTenant('operations other');
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  const createSubscription = async (name: string): Promise<string> => {
    const response = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(`/${name}`), events: ['ops.*'] }, tenant.api_key);
    expect(response.status).toBe(201);
    return response.body.id;
  };
  const start = async (subscriptionId: string, kind: 'recover' | 'replay'): Promise<string> => {
    const response = await fleet.call('POST', `/v1/subscriptions/${subscriptionId}/${kind}`, { since: '1h' }, tenant.api_key);
    expect(response.status).toBe(202);
    return response.body.operation_id;
  };
  const portalSession = async (subscriptionIds: string[]): Promise<string> => {
    const response = await fleet.call('POST', '/v1/portal-sessions', { subscriptions: subscriptionIds }, tenant.api_key);
    expect(response.status).toBe(201);
    return tokenOf(response.body.url);
  };
  const cancel = (operationId: string, token?: string) => fleet.call('POST', `/v1/operations/${operationId}/cancel`, undefined, token);
  const list = (subscriptionId: string, query: string, token?: string) => fleet.call('GET', `/v1/subscriptions/${subscriptionId}/operations${query}`, undefined, token);

  it('cancels for its tenant, the operator and a portal session over its subscription; 404 for anyone else; 409 once ended', async () => {
    const subscriptionId = await createSubscription('cancel');
    const elsewhere = await createSubscription('elsewhere');
    const byTenant = await start(subscriptionId, 'replay');
    const byOperator = await start(subscriptionId, 'recover');
    const byPortal = await start(subscriptionId, 'replay');

    for (const refused of [
      await cancel(byTenant, other.api_key),
      await cancel(byTenant, await portalSession([elsewhere])),
      await cancel('op_unknown', tenant.api_key),
    ]) {
      expect(refused.status).toBe(404);
      expect(refused.body.code).toBe('not_found');
    }
    expect((await fleet.call('GET', `/v1/operations/${byTenant}`, undefined, tenant.api_key)).body.status).toBe('running');

    const canceled = await cancel(byTenant, tenant.api_key);
    expect(canceled.status).toBe(200);
    expect(canceled.body).toEqual({ id: byTenant, kind: 'replay', status: 'canceled', total: 0, done: 0, subscription_id: subscriptionId, created_at: expect.any(String), error: null });
    expect((await fleet.call('GET', `/v1/operations/${byTenant}`, undefined, tenant.api_key)).body).toEqual(canceled.body);
    expect((await cancel(byOperator)).body).toMatchObject({ id: byOperator, kind: 'recover', status: 'canceled' });
    expect((await cancel(byPortal, await portalSession([subscriptionId]))).body).toMatchObject({ id: byPortal, status: 'canceled' });

    const again = await cancel(byTenant, tenant.api_key);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'conflict', error: expect.stringContaining('already ended (canceled)') });
  });

  it('lists a subscription’s operations newest first, in pages, to those who may see it', async () => {
    const subscriptionId = await createSubscription('listed');
    const started: string[] = [];
    for (const kind of ['replay', 'recover', 'replay', 'recover', 'replay'] as const) started.push(await start(subscriptionId, kind));
    // Another subscription's operations are not listed with these.
    await start(await createSubscription('unlisted'), 'replay');
    await cancel(started[1]!, tenant.api_key);
    const newestFirst = [...started].reverse();

    const whole = await list(subscriptionId, '', tenant.api_key);
    expect(whole.status).toBe(200);
    expect(whole.body.data.map((operation: { id: string }) => operation.id)).toEqual(newestFirst);
    expect(whole.body.next_cursor).toBeNull();
    expect(whole.body.data[3]).toEqual({ id: started[1], kind: 'recover', status: 'canceled', total: 0, done: 0, subscription_id: subscriptionId, created_at: expect.any(String), error: null });

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: { data: Array<{ id: string }>; next_cursor: string | null } } = await list(subscriptionId, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`, tenant.api_key);
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((operation) => operation.id));
      cursor = page.body.next_cursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toEqual(newestFirst);

    expect((await list(subscriptionId, '')).body.data).toHaveLength(5);
    expect((await list(subscriptionId, '', await portalSession([subscriptionId]))).body.data).toHaveLength(5);
    expect((await list(subscriptionId, '', other.api_key)).status).toBe(404);
    expect((await list(subscriptionId, '', await portalSession([await createSubscription('scope')]))).status).toBe(404);

    const notOurs = await list(subscriptionId, '?cursor=not-a-cursor', tenant.api_key);
    expect(notOurs.status).toBe(400);
    expect(notOurs.body.issues).toEqual([{ path: 'cursor', message: 'not a cursor this API gave out' }]);
    expect((await list(subscriptionId, '?limit=0', tenant.api_key)).body.issues[0].path).toBe('limit');
  });
});
