import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PAYBOOK_DISABLE_AFTER, paybookProfile } from '@hookfleet/profiles';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { providerAuth } from '../../api/test/compat-auth.js';
import { paybookSeedBodies as seed } from '../../../packages/profiles/src/paybook/seed-bodies.js';
import { expectCommonHeaders, expectGapsFollowLadder, gapsOf, headerOf, publish, waitForDeliveryStatus } from './profile-harness.js';

// Our Paybook ladder is 621 minutes in all: at this scale about 3.7 s.
const SCALE = 0.0001;

describe('Paybook Sync deliveries on real Redis', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver((request) => (request.path.startsWith('/down') ? { status: 500 } : { status: 200 })).start();
    fleet = await startFleet({ RETRY_DELAY_SCALE: String(SCALE) });
    tenant = await fleet.createTenant('paybook-deliveries');
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  async function createWebhook(path: string, events: string[], delay?: number): Promise<string> {
    const response = await fleet.call('POST', '/paybook/v1/webhooks', { url: receiver.url(path), events, ...(delay === undefined ? {} : { delay }) }, null, providerAuth.paybook(tenant.api_key));
    expect(response.body.status).toBe(true);
    return response.body.response.id_webhook as string;
  }
  async function webhook(id: string) {
    const listed = await fleet.call('GET', '/paybook/v1/webhooks', undefined, null, providerAuth.paybook(tenant.api_key));
    return listed.body.response.find((entry: { id_webhook: string }) => entry.id_webhook === id);
  }
  const event = (type: string, data: unknown) => ({ tenant: tenant.id, profile: 'paybook', type, data });

  it('delivers the three documented events byte for byte', async () => {
    await createWebhook('/all', ['credential_create', 'credential_update', 'refresh']);
    for (const type of ['credential_create', 'credential_update', 'refresh'] as const) await publish(fleet, event(type, seed[type]));
    await waitFor(() => receiver.forPath('/all').length === 3);
    const bodies = receiver.forPath('/all').map((request) => request.body).sort();
    expect(bodies).toEqual([seed.credential_create, seed.credential_update, seed.refresh].map((body) => JSON.stringify(body)).sort());
    for (const request of receiver.forPath('/all')) expectCommonHeaders(request);
  });

  it('waits `delay` seconds (scaled) after the event before the first attempt', async () => {
    await createWebhook('/delayed', ['refresh'], 3600);
    const publishedAt = Date.now();
    await publish(fleet, event('refresh', seed.refresh));
    const [request] = await waitFor(() => (receiver.forPath('/delayed').length > 0 ? receiver.forPath('/delayed') : null));
    expect(request!.at - publishedAt).toBeGreaterThanOrEqual(3600 * 1000 * SCALE * 0.9);
    expect(request!.body).toBe(JSON.stringify(seed.refresh));
  });

  it('retries a failing webhook on our ladder through to dead, counting ct_failed', async () => {
    const id = await createWebhook('/down-once', ['credential_update']);
    await publish(fleet, event('credential_update', seed.credential_update));
    const deliveryId = await waitFor(() => (receiver.forPath('/down-once')[0] ? headerOf(receiver.forPath('/down-once')[0]!, 'webhook-id') : null));
    const dead = await waitForDeliveryStatus(fleet, deliveryId, 'dead');
    expect(dead.attempts).toBe(paybookProfile.retryDelaysMs.length + 1);
    const attempts = receiver.forPath('/down-once');
    expect(attempts).toHaveLength(7);
    expectGapsFollowLadder(gapsOf(attempts), paybookProfile.retryDelaysMs, SCALE);
    await waitFor(async () => (await webhook(id)).ct_failed === 7, { message: 'ct_failed 7' });
    expect((await webhook(id)).is_disabled).toBe(0);
  });

  it(`disables a webhook after ${PAYBOOK_DISABLE_AFTER} failed attempts in a row, after which it gets nothing`, async () => {
    const id = await createWebhook('/down-always', ['credential_create']);
    const events = Math.ceil(PAYBOOK_DISABLE_AFTER / (paybookProfile.retryDelaysMs.length + 1));
    const response = await fleet.call('POST', '/v1/events/batch', { events: Array.from({ length: events }, (_, index) => event('credential_create', { ...seed.credential_create, id_job: `job-${index}` })) });
    expect(response.status).toBe(202);
    await waitFor(async () => (await webhook(id)).is_disabled === 1, { timeoutMs: 30_000, message: 'webhook disabled' });
    const native = await fleet.call('GET', '/v1/subscriptions?profile=paybook&limit=500', undefined, tenant.api_key);
    expect(native.body.data.find((entry: { url: string }) => entry.url === receiver.url('/down-always'))).toMatchObject({ active: false, disabled_reason: 'failing' });
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0, { timeoutMs: 30_000 });
    const shown = await webhook(id);
    expect(shown.ct_failed).toBeGreaterThanOrEqual(PAYBOOK_DISABLE_AFTER);
    const received = receiver.forPath('/down-always').length;
    expect(received).toBe(shown.ct_failed);
    await publish(fleet, event('credential_create', seed.credential_create));
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
    expect(receiver.forPath('/down-always')).toHaveLength(received);
  });
});
