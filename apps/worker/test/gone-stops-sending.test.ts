// A 410 Gone disables the subscription (docs/delivery.md, "Disabling"), and an inactive subscription receives nothing:
// its waiting deliveries end dead. The job whose attempt got the 410 must stop there too. It holds the subscription
// it loaded when it started (the worker's index learns of the disable a poll later), so it went on sending the rest
// of its deliveries to the endpoint that had said it was gone: a group of 200, every one; an ordered backlog, on
// until the index caught up.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { numberedEvent, range } from './numbered-events.js';

const EVENTS = 200;

describe('a job whose attempt got 410 Gone', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver(() => ({ status: 410 })).start();
    fleet = await startFleet();
    tenant = await fleet.createTenant();
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  const subscribeAndPublish = async (path: string, type: string, ordered: boolean) => {
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(path), events: [`${type}.*`], ordered }, tenant.api_key);
    expect(created.status).toBe(201);
    const events = range(0, EVENTS).map((index) => numberedEvent(tenant.id, type, index));
    expect((await fleet.call('POST', '/v1/events/batch', { events })).status).toBe(202);
    return created.body as { id: string };
  };

  /** Every delivery ended dead (the subscription is over), and the subscription is disabled as gone. */
  const expectAllDeadAndDisabled = async (subscriptionId: string) => {
    await waitFor(
      async () => {
        const page = (await fleet.call('GET', `/v1/deliveries?subscription=${subscriptionId}&status=dead&limit=500`, undefined, tenant.api_key)).body;
        return page.data.length === EVENTS;
      },
      { message: 'every delivery dead' },
    );
    const subscription = (await fleet.call('GET', `/v1/subscriptions/${subscriptionId}`, undefined, tenant.api_key)).body;
    expect(subscription).toMatchObject({ active: false, disabled_reason: 'gone' });
  };

  it('sends a group no further than the part that was in flight', async () => {
    const subscription = await subscribeAndPublish('/group', 'group', false);
    await expectAllDeadAndDisabled(subscription.id);
    // The first part (32 while the worker has not heard from the endpoint) was under way; nothing after it.
    expect(receiver.forPath('/group').length).toBeLessThanOrEqual(32);
  });

  it('sends an ordered backlog nothing after the head that got it', async () => {
    const subscription = await subscribeAndPublish('/ordered', 'ordered', true);
    await expectAllDeadAndDisabled(subscription.id);
    expect(receiver.forPath('/ordered').length).toBe(1);
  });
});
