// delay_seconds holds every delivery's first attempt that long after its event (docs/delivery.md, "The request").
// An ordered subscription's job for each event is delayed by it, but the job holding the turn sends whatever is the
// backlog's head: an event that joined while an earlier one was being sent went right after it, before its own
// delay was up.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deliveryIdFor } from '@hookfleet/core';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { ScriptedReceiver } from '../../../test/scripted-receiver.js';
import { waitFor } from '../../../test/wait.js';
import { publishNumberedOne } from './numbered-events.js';

const DELAY_SECONDS = 2;

describe('an ordered subscription with delay_seconds', () => {
  let fleet: TestFleet;
  let receiver: ScriptedReceiver;
  const arrivals: Array<{ index: number; at: number }> = [];
  let releaseFirst: (() => void) | null = null;

  beforeAll(async () => {
    receiver = await new ScriptedReceiver((request, response) => {
      const index = Number((JSON.parse(request.body) as { data: { index: number } }).data.index);
      arrivals.push({ index, at: Date.now() });
      // The first event's answer waits until the test lets it go: the second joins the backlog meanwhile.
      if (index === 0) releaseFirst = () => void (response.headersSent || response.writeHead(200).end());
      else response.writeHead(200).end();
    }).start();
    // Unscaled: the delay is two real seconds.
    fleet = await startFleet({ RETRY_DELAY_SCALE: '1' });
  });
  afterAll(async () => {
    releaseFirst?.();
    await fleet.stop();
    await receiver.stop();
  });

  it('sends an event that joined while the one before it was sent no sooner than its own delay', async () => {
    const tenant = await fleet.createTenant('ordered-delay');
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/delayed'), events: ['delayed.*'], ordered: true, delay_seconds: DELAY_SECONDS }, tenant.api_key);
    expect(created.status).toBe(201);
    const subscriptionId = (created.body as { id: string }).id;
    await publishNumberedOne(fleet, tenant.id, 'delayed', 0);
    await waitFor(() => releaseFirst !== null, { message: 'the first event being sent' });
    await publishNumberedOne(fleet, tenant.id, 'delayed', 1);
    // Matched: its delivery exists, and it waits in the backlog behind the first.
    await waitFor(async () => (await fleet.call('GET', `/v1/deliveries/${deliveryIdFor('delayed-1', subscriptionId)}`)).status === 200, { message: 'the second event matched' });
    releaseFirst?.();
    await waitFor(() => arrivals.length >= 2, { timeoutMs: 10_000, message: 'both sent' });
    const receivedAt = async (index: number) => Date.parse((await fleet.call('GET', `/v1/events/delayed-${index}`)).body.received_at as string);
    expect(arrivals.map((arrival) => arrival.index)).toEqual([0, 1]);
    for (const arrival of arrivals) expect(arrival.at).toBeGreaterThanOrEqual((await receivedAt(arrival.index)) + DELAY_SECONDS * 1000);
  }, 30_000);
});
