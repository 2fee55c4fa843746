import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';

/** The `url` / `destination` / `batch` fields of a native subscription: what is stored, shown and refused. */
describe('subscription destinations', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };
  const base = { profile: 'standard', events: ['a.b'] };

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    tenant = await fleet.createTenant();
  });
  afterAll(() => fleet.stop());

  const create = (body: Record<string, unknown>) => fleet.call('POST', '/v1/subscriptions', { tenant: tenant.id, ...base, ...body });

  it('shows a top-level url as an http destination, and takes an http destination as the url', async () => {
    const byUrl = await create({ url: 'http://127.0.0.1:9/a' });
    expect(byUrl.status).toBe(201);
    expect(byUrl.body.destination).toEqual({ type: 'http', url: 'http://127.0.0.1:9/a' });
    expect(byUrl.body.batch).toBeNull();
    const byDestination = await create({ destination: { type: 'http', url: 'http://127.0.0.1:9/b' }, batch: { max_events: 10, max_wait_ms: 100 } });
    expect(byDestination.status).toBe(201);
    expect(byDestination.body.url).toBe('http://127.0.0.1:9/b');
    expect(byDestination.body.batch).toEqual({ max_events: 10, max_wait_ms: 100 });
  });

  it('keeps broker credentials but never shows them', async () => {
    const created = await create({ destination: { type: 'rabbitmq', url: 'amqp://guest:s3cret@127.0.0.1:5672', exchange: 'hooks', routing_key: 'a.b' } });
    expect(created.status).toBe(201);
    expect(created.body.url).toBe('');
    expect(created.body.destination).toEqual({ type: 'rabbitmq', url: 'amqp://guest:***@127.0.0.1:5672', exchange: 'hooks', routing_key: 'a.b' });
    const read = await fleet.call('GET', `/v1/subscriptions/${created.body.id}`);
    expect(JSON.stringify(read.body)).not.toContain('s3cret');
  });

  it.each([
    [{}, 'url'],
    [{ url: 'http://127.0.0.1:9/a', destination: { type: 'poll' } }, 'destination'],
    [{ destination: { type: 'poll' }, batch: { max_events: 5, max_wait_ms: 0 } }, 'batch'],
    [{ destination: { type: 'nats', servers: ['http://127.0.0.1:4222'], subject: 'a' } }, 'destination.servers.0'],
    [{ destination: { type: 'nats', servers: ['nats://127.0.0.1:4222'], subject: 'a.*' } }, 'destination.subject'],
    [{ destination: { type: 'smtp' } }, 'destination.type'],
    [{ url: 'http://127.0.0.1:9/a', batch: { max_events: 1001, max_wait_ms: 0 } }, 'batch.max_events'],
  ])('refuses %j naming %s', async (body, path) => {
    const response = await create(body);
    expect(response.status).toBe(400);
    expect(response.body.issues.map((issue: { path: string }) => issue.path)).toContain(path);
  });

  it('moves a subscription between kinds with PATCH', async () => {
    const created = await create({ url: 'http://127.0.0.1:9/a', batch: { max_events: 10, max_wait_ms: 0 } });
    const toPoll = await fleet.call('PATCH', `/v1/subscriptions/${created.body.id}`, { destination: { type: 'poll' }, batch: null });
    expect(toPoll.status).toBe(200);
    expect(toPoll.body.destination).toEqual({ type: 'poll' });
    const batchOnPoll = await fleet.call('PATCH', `/v1/subscriptions/${created.body.id}`, { batch: { max_events: 2, max_wait_ms: 0 } });
    expect(batchOnPoll.status).toBe(400);
    const back = await fleet.call('PATCH', `/v1/subscriptions/${created.body.id}`, { url: 'http://127.0.0.1:9/c' });
    expect(back.body.destination).toEqual({ type: 'http', url: 'http://127.0.0.1:9/c' });
  });
});
