import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PollMessage as Message } from '@hookfleet/core';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';

/**
 * A rate limit that defers part of a job (docs/delivery.md, "Rate limits"): the job that comes back sends the rest,
 * and a batching subscription's POSTs each count against the limit, however many go out together.
 */
describe('rate limits that defer part of a job', () => {
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

  const publish = async (type: string, count: number) => {
    const events = Array.from({ length: count }, (_, index) => ({ tenant: tenant.id, profile: 'standard', type, id: `${type}-${index}`, data: { index } }));
    // One request: one group job holds them all, more than the limit grants before the job hands its slot back.
    expect((await fleet.call('POST', '/v1/events/batch', { events })).status).toBe(202);
  };

  it('hands every event of a group over to a rate-limited poll subscription, the deferred rest included, each once', async () => {
    const created = await fleet.call('POST', '/v1/subscriptions', { destination: { type: 'poll' }, events: ['paced.*'], rate_limit: { per_second: 5 } }, tenant.api_key);
    expect(created.status).toBe(201);
    await publish('paced.tick', 20);
    // 20 at 5 a second: about 4 s, whatever the number of runs the job takes.
    await waitFor(async () => ((await fleet.call('GET', `/v1/subscriptions/${created.body.id}/backlog`, undefined, tenant.api_key)).body as { messages: number }).messages === 20, {
      timeoutMs: 15_000,
      message: 'all 20 messages handed over',
    });
    const page = await fleet.call('GET', `/v1/subscriptions/${created.body.id}/messages?limit=100`, undefined, tenant.api_key);
    const messages = (page.body as { data: Message[] }).data;
    expect(messages.map((message) => message.event_id).sort()).toEqual(Array.from({ length: 20 }, (_, index) => `paced.tick-${index}`).sort());
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0, { timeoutMs: 10_000, message: 'no job left' });
  });

  it('counts each POST of a batching subscription against its rate limit, however many batches go out together', async () => {
    const created = await fleet.call(
      'POST',
      '/v1/subscriptions',
      { url: receiver.url('/batched'), events: ['batched.*'], rate_limit: { per_second: 2 }, batch: { max_events: 2, max_wait_ms: 100 } },
      tenant.api_key,
    );
    expect(created.status).toBe(201);
    await publish('batched.tick', 16);
    await waitFor(() => receiver.forPath('/batched').length >= 8, { timeoutMs: 20_000, message: '8 batches of 2' });
    const arrivals = receiver.forPath('/batched').map((request) => request.at);
    const members = receiver.forPath('/batched').flatMap((request) => (JSON.parse(request.body) as Array<{ id: string }>).map((member) => member.id));
    expect(new Set(members).size).toBe(16);
    expect(members).toHaveLength(16);
    // 2 a second without a burst (rate-limiter.ts): one POST every 500 ms by Redis's clock; the receiver's clock and
    // a busy machine blur that a little.
    const gaps = arrivals.slice(1).map((at, index) => at - (arrivals[index] as number));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(350);
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0, { timeoutMs: 10_000, message: 'no job left' });
  });
});
