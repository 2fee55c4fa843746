import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';

/**
 * Jobs waiting in a rate-limited subscription's line sleep until their turn under the old limit, up to 5 minutes
 * (docs/delivery.md, "Rate limits"). A PATCH that removes or raises the limit wakes them (apps/worker/src/line-wake.ts).
 */
describe('a rate limit raised or removed while jobs wait in its line', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver().start();
    fleet = await startFleet({ HOOKFLEET_TENANT_API_RATE: '0' });
    tenant = await fleet.createTenant();
  });

  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  it.each([
    ['removed', null],
    ['raised', { per_second: 100 }],
  ])('%s: the waiting jobs go at once, each delivery once', async (label, rateLimit) => {
    const path = `/line-${label}`;
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(path), events: [`line${label}.*`], rate_limit: { per_minute: 1 } }, tenant.api_key);
    expect(created.status).toBe(201);
    const subscription = created.body as { id: string };
    // One event a request, a job each: the first goes, the second holds the line, the others join its waiting list
    // (rate-limiter.ts), their turns a minute apart (five minutes and more away).
    const limiter = fleet.workers[0]?.context.limiter;
    const waiting = async () => ((await limiter?.lineTickets(subscription.id)) ?? []).length + ((await limiter?.waitingCount(subscription.id)) ?? 0);
    for (let index = 0; index < 8; index += 1) {
      expect((await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: `line${label}.tick`, id: `line-${label}-${index}`, data: {} })).status).toBe(202);
      await waitFor(async () => (await waiting()) === index || receiver.forPath(path).length > index, {
        timeoutMs: 10_000,
        message: `event ${index} in line`,
      });
    }
    expect(receiver.forPath(path)).toHaveLength(1);
    expect(await limiter?.waitingCount(subscription.id)).toBe(6);

    expect((await fleet.call('PATCH', `/v1/subscriptions/${subscription.id}`, { rate_limit: rateLimit }, tenant.api_key)).status).toBe(200);
    await waitFor(() => receiver.forPath(path).length >= 8, { timeoutMs: 20_000, intervalMs: 100, message: 'the seven waiting deliveries' });
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0, { timeoutMs: 20_000, message: 'no job left' });
    expect(new Set(receiver.forPath(path).map((request) => request.headers['webhook-id'])).size).toBe(8);
    expect(receiver.forPath(path)).toHaveLength(8);
  }, 60_000);
});
