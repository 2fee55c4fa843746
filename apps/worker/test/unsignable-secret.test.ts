import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deliveryIdFor, newId, type Subscription } from '@hookfleet/core';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';

/** Fails the Standard Webhooks key decoder: `-` is not base64 (issue 21, item 2). */
const UNSIGNABLE = 'my-webhook-secret';

describe('a secret that cannot sign', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver().start();
    fleet = await startFleet();
    tenant = await fleet.createTenant('unsignable');
  });

  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  async function createGood(path: string, events = ['sign.*']): Promise<Subscription> {
    const created = await fleet.call('POST', '/v1/subscriptions', { tenant: tenant.id, url: receiver.url(path), events });
    expect(created.status).toBe(201);
    return created.body as Subscription;
  }

  it('is refused where it enters: create, PATCH and rotation answer 400 naming the field and the format', async () => {
    const created = await fleet.call('POST', '/v1/subscriptions', { tenant: tenant.id, url: receiver.url('/refused'), events: ['sign.*'], secret: UNSIGNABLE });
    expect(created.status).toBe(400);
    expect(created.body.issues).toEqual([{ path: 'secret', message: expect.stringContaining('whsec_ followed by a base64-encoded key') }]);

    const good = await createGood('/patched');
    const patched = await fleet.call('PATCH', `/v1/subscriptions/${good.id}`, { secret: 'whsec_not base64!' });
    expect(patched.status).toBe(400);
    expect(patched.body.issues).toEqual([{ path: 'secret', message: expect.stringContaining('not valid base64') }]);
    const rotated = await fleet.call('POST', `/v1/subscriptions/${good.id}/rotate-secret`, { secret: UNSIGNABLE });
    expect(rotated.status).toBe(400);
    expect(rotated.body.issues[0].path).toBe('secret');
    // The subscription kept its signing secret.
    const after = await fleet.call('GET', `/v1/subscriptions/${good.id}`);
    expect(after.body.secret).toBe(good.secret);
    // A good one is still taken.
    expect((await fleet.call('POST', `/v1/subscriptions/${good.id}/rotate-secret`, { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })).status).toBe(200);
  });

  it('stored before the check: its deliveries end dead with the reason, the rest of the fan-out is delivered, and /test answers 422', async () => {
    const good = await createGood('/good', ['stored.*']);
    // Data from before the fix: the store holds a secret the profile cannot sign with (the API would refuse it now).
    const stale: Subscription = { ...good, id: newId('sub'), url: receiver.url('/stale'), secret: UNSIGNABLE, previous_secrets: [] };
    const worker = fleet.workers[0]!.context;
    await worker.subscriptions.save(stale);
    await waitFor(() => worker.index.get(stale.id), { message: 'the worker sees the stored subscription' });
    const events = ['e1', 'e2', 'e3'].map((suffix) => `evt_unsignable_${suffix}_${Date.now()}`);
    for (const id of events) {
      const published = await fleet.call('POST', '/v1/events', { id, tenant: tenant.id, profile: 'standard', type: 'stored.created', data: { id } });
      expect(published.status).toBe(202);
    }
    await waitFor(() => receiver.forPath('/good').length >= events.length, { message: 'the good subscription gets every event' });
    const dead = await waitFor(async () => {
      const states = await Promise.all(events.map((id) => fleet.call('GET', `/v1/deliveries/${deliveryIdFor(id, stale.id)}`)));
      return states.every((state) => state.body?.status === 'dead') ? states : null;
    }, { message: 'the unsignable deliveries end dead' });
    for (const state of dead) expect(state.body.attempts).toBe(1);
    const log = await fleet.call('GET', `/v1/subscriptions/${stale.id}/attempts`);
    expect(log.body.data).toHaveLength(events.length);
    for (const attempt of log.body.data) expect(attempt).toMatchObject({ ok: false, status_code: null, error: expect.stringMatching(/not built \(permanent/) });
    expect(receiver.forPath('/stale')).toHaveLength(0);
    const test = await fleet.call('POST', `/v1/subscriptions/${stale.id}/test`, {});
    expect(test.status).toBe(422);
    expect(test.body).toMatchObject({ code: 'unprocessable', issues: [{ path: 'secret', message: expect.stringContaining('whsec_') }] });
  });
});
