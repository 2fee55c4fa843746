import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';

describe('endpoint control by the pipeline', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };
  let healthy = false;

  beforeAll(async () => {
    receiver = await new TestReceiver((request) => {
      if (request.path === '/gone') return { status: 410 };
      if (request.path === '/flapping') return { status: healthy ? 200 : 500 };
      return { status: 200 };
    }).start();
    // 1 minute of failures → 6 ms; the 30 s pause → 3 ms.
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.0001' });
    tenant = await fleet.createTenant();
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  it('disables a subscription whose endpoint answers 410 Gone', async () => {
    const subscription = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/gone'), events: ['gone.*'] }, tenant.api_key)).body;
    await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'gone.now', data: {} });
    const disabled = await waitFor(async () => {
      const response = await fleet.call('GET', `/v1/subscriptions/${subscription.id}`, undefined, tenant.api_key);
      return response.body.active === false ? response.body : null;
    });
    expect(disabled.disabled_reason).toBe('gone');
    await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'gone.again', data: {} });
    const metrics = await (await fetch(`http://127.0.0.1:${fleet.workers[0]!.metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/hookfleet_subscriptions_disabled_total\{profile="standard",reason="gone"\} 1/);
    expect(receiver.forPath('/gone').length).toBeLessThanOrEqual(2);
  });

  it('backs off an endpoint that fails everything, and resumes by itself when it answers again', async () => {
    const subscription = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/flapping'), events: ['flap.*'] }, tenant.api_key)).body;
    const events = Array.from({ length: 30 }, (_, index) => ({ tenant: tenant.id, profile: 'standard', type: 'flap.tick', id: `flap-${index}`, data: {} }));
    await fleet.call('POST', '/v1/events/batch', { events });
    await waitFor(() => receiver.forPath('/flapping').length >= 40, { message: 'failures and retries' });
    const { redis, keys } = fleet.workers[0]!.context;
    const paused = await waitFor(async () => Number(await redis.get(keys.endpointPause(subscription.id))) > 0, { message: 'circuit opened' });
    expect(paused).toBe(true);
    healthy = true;
    await waitFor(async () => {
      const page = await fleet.call('GET', `/v1/deliveries?subscription=${subscription.id}&status=delivered&limit=100`, undefined, tenant.api_key);
      return page.body.data.length === 30;
    }, { timeoutMs: 30_000, message: 'all 30 delivered after recovery' });
    expect(await redis.exists(keys.endpointHealth(subscription.id))).toBe(0);
  });
});
