// An operator's retry, recover or replay puts an ordered subscription's deliveries back into its backlog in their
// event's place (docs/delivery.md, "Ordered subscriptions"), often before a head whose retry the job holding the turn
// sleeps on. That job sent them only when the head's retry fell due (hours later on the standard ladder, a minute
// here): the operator's "one more attempt now" waited as long. Now the job that adds them wakes the holder, and a
// holder about to sleep looks again for an earlier entry first.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deliveryIdFor } from '@hookfleet/core';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { ScriptedReceiver } from '../../../test/scripted-receiver.js';
import { waitFor } from '../../../test/wait.js';
import { publishNumbered, publishNumberedOne, range } from './numbered-events.js';

describe("an operator's attempt into an ordered backlog whose head waits on its ladder", () => {
  let fleet: TestFleet;
  let receiver: ScriptedReceiver;
  let tenant: { id: string; api_key: string };
  /** Per path: the event indexes that arrived, in order, and those answered 500. */
  const arrivals = new Map<string, number[]>();
  const failing = new Map<string, Set<number>>();

  beforeAll(async () => {
    receiver = await new ScriptedReceiver((request, response) => {
      const index = Number((JSON.parse(request.body) as { data: { index: number } }).data.index);
      arrivals.set(request.path, [...(arrivals.get(request.path) ?? []), index]);
      response.writeHead(failing.get(request.path)?.has(index) ? 500 : 200).end();
    }).start();
    // Unscaled: the head's retry is a minute away.
    fleet = await startFleet({ RETRY_DELAY_SCALE: '1' });
    tenant = await fleet.createTenant('operator-wake');
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  const subscribe = async (path: string, type: string) => {
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(path), events: [`${type}.*`], ordered: true, retry: { delays_seconds: [60] } }, tenant.api_key);
    expect(created.status).toBe(201);
    return (created.body as { id: string }).id;
  };
  const statusOf = async (id: string) => (await fleet.call('GET', `/v1/deliveries/${id}`)).body?.status as string;
  const of = (path: string) => arrivals.get(path) ?? [];

  it('recover: the failed head is attempted again now, then its followers in order', async () => {
    const subscriptionId = await subscribe('/recover', 'wake-recover');
    failing.set('/recover', new Set([0]));
    await publishNumbered(fleet, tenant.id, 'wake-recover', range(0, 3));
    await waitFor(async () => (await statusOf(deliveryIdFor('wake-recover-0', subscriptionId))) === 'failed', { message: "the head's first attempt failed" });
    failing.delete('/recover');
    expect((await fleet.call('POST', `/v1/subscriptions/${subscriptionId}/recover`, { since: '10m' }, tenant.api_key)).status).toBe(202);
    // Before: nothing until the head's retry a minute later.
    await waitFor(() => of('/recover').length >= 4, { timeoutMs: 10_000, message: 'the head again and its followers' });
    expect(of('/recover')).toEqual([0, 0, 1, 2]);
  }, 30_000);

  it('retry of an earlier delivery: it goes now, and the head still waits for its ladder', async () => {
    const subscriptionId = await subscribe('/earlier', 'wake-earlier');
    // Event 0 on its own, accepted a millisecond or more before the others: it sorts before them when put back.
    await publishNumberedOne(fleet, tenant.id, 'wake-earlier', 0);
    await waitFor(() => of('/earlier').length >= 1, { message: 'event 0 delivered' });
    failing.set('/earlier', new Set([1]));
    await publishNumbered(fleet, tenant.id, 'wake-earlier', range(1, 3));
    await waitFor(async () => (await statusOf(deliveryIdFor('wake-earlier-1', subscriptionId))) === 'failed', { message: "the head's first attempt failed" });
    expect((await fleet.call('POST', `/v1/deliveries/${deliveryIdFor('wake-earlier-0', subscriptionId)}/retry`, undefined, tenant.api_key)).status).toBe(202);
    await waitFor(() => of('/earlier').length >= 3, { timeoutMs: 10_000, message: 'event 0 again' });
    expect(of('/earlier')).toEqual([0, 1, 0]);
    await waitFor(async () => (await statusOf(deliveryIdFor('wake-earlier-0', subscriptionId))) === 'delivered', { message: 'event 0 delivered again' });
    // Nothing overtook the head, which waits for its retry.
    expect(await statusOf(deliveryIdFor('wake-earlier-1', subscriptionId))).toBe('failed');
    expect(await statusOf(deliveryIdFor('wake-earlier-2', subscriptionId))).toBe('pending');
    expect(of('/earlier')).toEqual([0, 1, 0]);
  }, 30_000);
});
