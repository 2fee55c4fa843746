import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';

/**
 * An operator's (or a portal user's) "retry now" of a delivery that is still on its ladder: should the endpoint fail
 * again, the delivery keeps the retries it had left; only a dead (or delivered) one ends dead again.
 */
describe('an operator attempt at a delivery still on its ladder', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver(() => ({ status: 500 })).start();
    // Unscaled: the ladder's next step is an hour away, so the delivery waits on it while the test asks.
    fleet = await startFleet({ RETRY_DELAY_SCALE: '1' });
    tenant = await fleet.createTenant();
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  const delivery = async (id: string) => (await fleet.call('GET', `/v1/deliveries/${id}`, undefined, tenant.api_key)).body as { status: string; attempts: number; next_attempt_at: string | null };

  it('leaves a failed delivery on its ladder when the attempt asked for now fails too', async () => {
    const subscription = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/laddered'), events: ['laddered.*'], retry: { delays_seconds: [3600, 3600] } }, tenant.api_key)).body;
    await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'laddered.one', id: 'laddered-1', data: {} });
    const deliveryId = await waitFor(async () => {
      const page = await fleet.call('GET', `/v1/deliveries?subscription=${subscription.id}&status=failed`, undefined, tenant.api_key);
      return page.body.data[0]?.id as string | undefined;
    });
    expect(await delivery(deliveryId)).toMatchObject({ status: 'failed', attempts: 1 });

    expect((await fleet.call('POST', `/v1/deliveries/${deliveryId}/retry`, undefined, tenant.api_key)).status).toBe(202);
    await waitFor(() => receiver.forPath('/laddered').length === 2, { message: 'the attempt asked for' });
    const after = await waitFor(async () => {
      const state = await delivery(deliveryId);
      return state.attempts === 2 && state.status !== 'pending' ? state : null;
    });
    // Its third and last attempt still ahead, about an hour after the second.
    expect(after.status).toBe('failed');
    expect(Date.parse(after.next_attempt_at as string) - Date.now()).toBeGreaterThan(30 * 60_000);
  });
});
