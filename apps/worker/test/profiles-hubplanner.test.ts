import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { hubPlannerProfile } from '@hookfleet/profiles';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { providerAuth } from '../../api/test/compat-auth.js';
import { hubPlannerSeedBodies as seed } from '../../../packages/profiles/src/hubplanner/seed-bodies.js';
import { expectCommonHeaders, expectGapsFollowLadder, gapsOf, headerOf, publish, waitForDeliveryStatus } from './profile-harness.js';

// Our Hub Planner ladder is 7 h 42 min 30 s in all: at this scale about 2.8 s.
const SCALE = 0.0001;

describe('Hub Planner deliveries on real Redis', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver((request, count) => {
      if (request.path === '/accepted') return { status: 202 };
      if (request.path === '/flaky') return { status: count === 1 ? 202 : count === 2 ? 500 : 201 };
      if (request.path === '/no-content') return { status: 204 };
      return { status: 200 };
    }).start();
    fleet = await startFleet({ RETRY_DELAY_SCALE: String(SCALE) });
    tenant = await fleet.createTenant('hubplanner-deliveries');
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  async function subscribe(event: string, path: string, token?: string): Promise<string> {
    const response = await fleet.call('POST', '/hubplanner/subscription', { event, target_url: receiver.url(path), ...(token ? { authorization_token: token } : {}) }, null, providerAuth.hubplanner(tenant.api_key));
    expect(response.status).toBe(201);
    return response.body._id as string;
  }
  const event = (type: string, data: unknown) => ({ tenant: tenant.id, profile: 'hubplanner', type, data });

  it('delivers every example of the document byte for byte, with the hubplanner-token header', async () => {
    const published: Array<[string, string]> = [
      ['project.update', 'project.update'],
      ['resource.update', 'resource.update'],
      ['booking.create', 'booking.create'],
      ['timeEntry.create', 'timeEntry.create'],
      ['timeEntry.update', 'timeEntry.update'],
      ['timeEntry.delete', 'timeEntry.delete'],
      ['booking.update', 'booking.update'],
      ['booking.delete', 'booking.delete'],
      ['booking.delete.multiple', 'booking.delete.multiple'],
    ];
    for (const [type] of published) await subscribe(type, `/doc/${type}`, 'secret-token-123');
    for (const [type, key] of published) await publish(fleet, event(type, seed[key as keyof typeof seed]));
    await waitFor(() => published.every(([type]) => receiver.forPath(`/doc/${type}`).length === 1), { message: 'nine deliveries' });
    for (const [type, key] of published) {
      const [request] = receiver.forPath(`/doc/${type}`);
      expect([type, request!.body]).toEqual([type, JSON.stringify(seed[key as keyof typeof seed])]);
      expectCommonHeaders(request!);
      expect(headerOf(request!, 'hubplanner-token')).toBe('secret-token-123');
    }
    expect(Array.isArray(JSON.parse(receiver.forPath('/doc/booking.delete.multiple')[0]!.body))).toBe(true);
  });

  it('sends creates and updates to a timeEntry.create.update subscription, its body saying "timeEntry.create.update"', async () => {
    await subscribe('timeEntry.create.update', '/combined');
    const { event: _event, ...created } = seed['timeEntry.create'];
    await publish(fleet, event('timeEntry.create', created));
    await publish(fleet, event('timeEntry.update', { ...seed['timeEntry.create.update'], event: 'timeEntry.update' }));
    await publish(fleet, event('timeEntry.delete', seed['timeEntry.delete']));
    await waitFor(() => receiver.forPath('/combined').length >= 2);
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
    const bodies = receiver.forPath('/combined').map((request) => request.body);
    expect(bodies.sort()).toEqual([JSON.stringify({ ...seed['timeEntry.create'], event: 'timeEntry.create.update' }), JSON.stringify(seed['timeEntry.create.update'])].sort());
    expect(receiver.forPath('/combined').every((request) => headerOf(request, 'hubplanner-token') === undefined)).toBe(true);
  });

  it('hub planner treats 202 as a failure and retries; 201 and 204 are successes', async () => {
    await subscribe('booking.create', '/flaky');
    await subscribe('booking.create', '/no-content');
    await publish(fleet, event('booking.create', seed['booking.create']));
    await waitFor(() => receiver.forPath('/flaky').length >= 3 && receiver.forPath('/no-content').length >= 1);
    const flakyId = headerOf(receiver.forPath('/flaky')[0]!, 'webhook-id')!;
    const delivered = await waitForDeliveryStatus(fleet, flakyId, 'delivered');
    expect(delivered.attempts).toBe(3);
    await waitForDeliveryStatus(fleet, headerOf(receiver.forPath('/no-content')[0]!, 'webhook-id')!, 'delivered');
    expect(receiver.forPath('/no-content')).toHaveLength(1);
  });

  it('retries an endpoint that keeps answering 202 on our ladder through to dead', async () => {
    await subscribe('resource.update', '/accepted');
    await publish(fleet, event('resource.update', seed['resource.update']));
    const deliveryId = await waitFor(() => (receiver.forPath('/accepted')[0] ? headerOf(receiver.forPath('/accepted')[0]!, 'webhook-id') : null));
    const dead = await waitForDeliveryStatus(fleet, deliveryId, 'dead');
    expect(dead.attempts).toBe(hubPlannerProfile.retryDelaysMs.length + 1);
    const attempts = receiver.forPath('/accepted');
    expect(attempts).toHaveLength(6);
    expectGapsFollowLadder(gapsOf(attempts), hubPlannerProfile.retryDelaysMs, SCALE);
  });

  it('stops delivering once unsubscribed', async () => {
    const id = await subscribe('booking.update', '/unsubscribed');
    const deleted = await fleet.call('DELETE', `/hubplanner/subscription/${id}`, undefined, null, providerAuth.hubplanner(tenant.api_key));
    expect(deleted.status).toBe(200);
    await publish(fleet, event('booking.update', seed['booking.update']));
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
    expect(receiver.forPath('/unsubscribed')).toHaveLength(0);
  });
});
