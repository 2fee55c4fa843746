import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { paymoProfile, paymoSignature } from '@hookfleet/profiles';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { providerAuth } from '../../api/test/compat-auth.js';
import { paymoTaskObject } from '../../../packages/profiles/src/paymo/fixtures.js';
import { expectCommonHeaders, expectGapsFollowLadder, gapsOf, headerOf, publish, waitForDeliveryStatus } from './profile-harness.js';

// Paymo's ladder (ours) is 516 minutes in all: at this scale about 3 s.
const SCALE = 0.0001;

describe('Paymo deliveries on real Redis', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver((request) => {
      if (request.path === '/down') return { status: 500 };
      if (request.path === '/gone') return { status: 410 };
      if (request.path === '/no-content') return { status: 204 };
      return { status: 200 };
    }).start();
    fleet = await startFleet({ RETRY_DELAY_SCALE: String(SCALE) });
    tenant = await fleet.createTenant('paymo-deliveries');
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  async function createHook(body: Record<string, unknown>): Promise<number> {
    const response = await fleet.call('POST', '/paymo/api/hooks', body, null, providerAuth.paymo(tenant.api_key));
    expect(response.status).toBe(201);
    return response.body.hooks[0].id as number;
  }
  const getHook = (id: number) => fleet.call('GET', `/paymo/api/hooks/${id}`, undefined, null, providerAuth.paymo(tenant.api_key));
  const event = (type: string, data: unknown, extra: Record<string, unknown> = {}) => ({ tenant: tenant.id, profile: 'paymo', type, data, ...extra });

  it('sends the task object itself, byte for byte, with X-Paymo-Webhook and X-Paymo-Event, and keeps last_status_code', async () => {
    const id = await createHook({ target_url: receiver.url('/insert-task'), event: 'model.insert.Task' });
    expect((await getHook(id)).body.hooks[0].last_status_code).toBeNull();
    await publish(fleet, event('model.insert.Task', paymoTaskObject));
    const [request] = await waitFor(() => (receiver.forPath('/insert-task').length > 0 ? receiver.forPath('/insert-task') : null));
    expect(request!.body).toBe(JSON.stringify(paymoTaskObject));
    expectCommonHeaders(request!);
    expect(headerOf(request!, 'x-paymo-webhook')).toBe(String(id));
    expect(headerOf(request!, 'x-paymo-event')).toBe('model.insert.Task');
    expect(headerOf(request!, 'x-paymo-signature')).toBeUndefined();
    await waitFor(async () => (await getHook(id)).body.hooks[0].last_status_code === 200, { message: 'last_status_code 200' });
  });

  it('sends only { "id": N } for a delete, signed with the hook secret', async () => {
    await createHook({ target_url: receiver.url('/delete-project'), event: '*.Project', secret: 'secret' });
    await publish(fleet, event('model.delete.Project', { id: '1679584', name: 'gone' }));
    const [request] = await waitFor(() => (receiver.forPath('/delete-project').length > 0 ? receiver.forPath('/delete-project') : null));
    expect(request!.body).toBe('{"id":"1679584"}');
    expect(headerOf(request!, 'x-paymo-signature')).toBe('sha1=dc03736e396e70138bf7af4ffaa2948cde42dcf1');
    expect(headerOf(request!, 'x-paymo-event')).toBe('model.delete.Project');
  });

  it('notifies wildcard hooks of each matching event, named in X-Paymo-Event', async () => {
    await createHook({ target_url: receiver.url('/any-task'), event: '*.Task', secret: 'topsecret' });
    for (const type of ['model.insert.Task', 'model.update.Task', 'model.delete.Task', 'model.insert.Client']) await publish(fleet, event(type, { id: 5, name: type }));
    await waitFor(() => receiver.forPath('/any-task').length >= 3);
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
    const received = receiver.forPath('/any-task');
    expect(received.map((request) => headerOf(request, 'x-paymo-event')).sort()).toEqual(['model.delete.Task', 'model.insert.Task', 'model.update.Task']);
    for (const request of received) expect(headerOf(request, 'x-paymo-signature')).toBe(paymoSignature('topsecret', request.body));
    expect(received.find((request) => headerOf(request, 'x-paymo-event') === 'model.delete.Task')!.body).toBe('{"id":5}');
  });

  it('honours access rights (visible_to against the hook creator) and the where filter', async () => {
    await createHook({ target_url: receiver.url('/rights'), event: 'model.insert.Task', created_by: 1093, where: 'project_id=59032' });
    await publish(fleet, event('model.insert.Task', { ...paymoTaskObject, id: 1 }, { visible_to: [5, 6] }));
    await publish(fleet, event('model.insert.Task', { ...paymoTaskObject, id: 2, project_id: 1 }, { visible_to: [1093] }));
    await publish(fleet, event('model.insert.Task', { ...paymoTaskObject, id: 3 }, { visible_to: [1093] }));
    await publish(fleet, event('model.insert.Task', { ...paymoTaskObject, id: 4 }));
    await waitFor(() => receiver.forPath('/rights').length >= 2);
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
    expect(receiver.forPath('/rights').map((request) => JSON.parse(request.body).id).sort()).toEqual([3, 4]);
  });

  it('counts any 2xx as success', async () => {
    await createHook({ target_url: receiver.url('/no-content'), event: 'model.update.Invoice' });
    await publish(fleet, event('model.update.Invoice', { id: 9 }));
    const deliveryId = await waitFor(() => headerOf(receiver.forPath('/no-content')[0] ?? { headers: {} } as never, 'webhook-id'));
    await waitForDeliveryStatus(fleet, deliveryId, 'delivered');
    expect(receiver.forPath('/no-content')).toHaveLength(1);
  });

  it('retries a failing hook on the ladder through to dead, last_status_code showing the failure', async () => {
    const id = await createHook({ target_url: receiver.url('/down'), event: 'model.insert.Client' });
    await publish(fleet, event('model.insert.Client', { id: 77, name: 'ACME' }));
    const deliveryId = await waitFor(() => headerOf(receiver.forPath('/down')[0] ?? { headers: {} } as never, 'webhook-id'));
    const dead = await waitForDeliveryStatus(fleet, deliveryId, 'dead');
    expect(dead.attempts).toBe(paymoProfile.retryDelaysMs.length + 1);
    const attempts = receiver.forPath('/down');
    expect(attempts).toHaveLength(6);
    expect(new Set(attempts.map((request) => headerOf(request, 'webhook-id'))).size).toBe(1);
    expectGapsFollowLadder(gapsOf(attempts), paymoProfile.retryDelaysMs, SCALE);
    expect((await getHook(id)).body.hooks[0].last_status_code).toBe(500);
    // "On update the webhook's last_response_code will be reset."
    const updated = await fleet.call('PUT', `/paymo/api/hooks/${id}`, { target_url: receiver.url('/down-again') }, null, providerAuth.paymo(tenant.api_key));
    expect(updated.body.hooks[0].last_status_code).toBeNull();
  });

  it('deletes a hook whose URL answers 410 Gone, and its delivery ends', async () => {
    const id = await createHook({ target_url: receiver.url('/gone'), event: 'model.insert.Milestone' });
    await publish(fleet, event('model.insert.Milestone', { id: 3 }));
    const deliveryId = await waitFor(() => headerOf(receiver.forPath('/gone')[0] ?? { headers: {} } as never, 'webhook-id'));
    await waitFor(async () => (await getHook(id)).status === 404, { message: 'hook deleted after 410' });
    await waitForDeliveryStatus(fleet, deliveryId, 'dead');
    await publish(fleet, event('model.insert.Milestone', { id: 4 }));
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
    expect(receiver.forPath('/gone')).toHaveLength(1);
  });
});
