import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { gigapayProfile } from '@hookfleet/profiles';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver, type ReceivedRequest } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { providerAuth } from '../../api/test/compat-auth.js';
import { gigapayEmployee } from '../../../packages/profiles/src/gigapay/fixtures.js';
import { expectCommonHeaders, expectGapsFollowLadder, gapsOf, headerOf, publish, waitForDeliveryStatus } from './profile-harness.js';

// Ten exponential retries, 1 023 minutes in all: at this scale about 3 s (the first gap 3 ms, the last 1.5 s).
const SCALE = 0.00005;
const INTEGRATION = '79606358-97af-4196-b64c-5f719433d56b';

/** How a receiver verifies Gigapay-Signature, following Gigapay's docs with SHA-256. */
function verify(request: ReceivedRequest, secretKey: string): boolean {
  const [t, v1] = (headerOf(request, 'gigapay-signature') ?? '').split(',');
  const timestamp = t?.split('=')[1] ?? '';
  const signature = v1?.split('=')[1];
  const calculated = createHmac('sha256', secretKey).update(`${timestamp}.${request.body}`).digest('hex');
  return signature === calculated && Math.abs(Number(timestamp) - Date.now() / 1000) < 60;
}

describe('Gigapay deliveries on real Redis', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver((request) => (request.path === '/down' ? { status: 502 } : { status: request.path === '/accepted' ? 202 : 200 })).start();
    fleet = await startFleet({ RETRY_DELAY_SCALE: String(SCALE) });
    tenant = await fleet.createTenant('gigapay-deliveries');
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  async function register(path: string, events: string[], integration: string | null = INTEGRATION): Promise<{ id: string; secret_key: string }> {
    const response = await fleet.call('POST', '/gigapay/v2/webhooks/', { url: receiver.url(path), events }, null, providerAuth.gigapay(tenant.api_key, integration ?? undefined));
    expect(response.status).toBe(201);
    return response.body;
  }
  const event = (type: string, data: unknown, extra: Record<string, unknown> = {}) => ({ tenant: tenant.id, profile: 'gigapay', type, data, ...extra });

  it('sends the object that triggered the event byte for byte, signed with the webhook secret_key', async () => {
    const webhook = await register('/employees', ['Employee.verified']);
    await publish(fleet, event('Employee.verified', gigapayEmployee));
    const [request] = await waitFor(() => (receiver.forPath('/employees').length > 0 ? receiver.forPath('/employees') : null));
    expect(request!.body).toBe(JSON.stringify(gigapayEmployee));
    expectCommonHeaders(request!);
    expect(headerOf(request!, 'gigapay-signature')).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verify(request!, webhook.secret_key)).toBe(true);
    expect(verify(request!, 'another-secret-key-of-32-chars!!')).toBe(false);
  });

  it('sends an integration\'s events to its own webhooks only; Registration events to the user\'s', async () => {
    await register('/mine', ['Payout.created']);
    await register('/theirs', ['Payout.created'], 'another-integration');
    await register('/registrations', ['Registration.verified'], null);
    await publish(fleet, event('Payout.created', { id: 'p1' }, { visible_to: [INTEGRATION] }));
    await publish(fleet, event('Registration.verified', { id: 'r1' }, { visible_to: [INTEGRATION] }));
    await waitFor(() => receiver.forPath('/mine').length === 1 && receiver.forPath('/registrations').length === 1);
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
    expect(receiver.forPath('/theirs')).toHaveLength(0);
  });

  it('counts any 2xx as success', async () => {
    await register('/accepted', ['Payrun.paid']);
    await publish(fleet, event('Payrun.paid', { id: 'run-1' }));
    const deliveryId = await waitFor(() => (receiver.forPath('/accepted')[0] ? headerOf(receiver.forPath('/accepted')[0]!, 'webhook-id') : null));
    await waitForDeliveryStatus(fleet, deliveryId, 'delivered');
  });

  it('retries up to 10 times with exponential backoff, then the delivery is dead; each retry freshly signed', async () => {
    const webhook = await register('/down', ['Payout.notified']);
    await publish(fleet, event('Payout.notified', { id: 'p2', amount: '100.00' }));
    const deliveryId = await waitFor(() => (receiver.forPath('/down')[0] ? headerOf(receiver.forPath('/down')[0]!, 'webhook-id') : null));
    const dead = await waitForDeliveryStatus(fleet, deliveryId, 'dead', 40_000);
    expect(dead.attempts).toBe(11);
    const attempts = receiver.forPath('/down');
    expect(attempts).toHaveLength(11);
    expectGapsFollowLadder(gapsOf(attempts), gigapayProfile.retryDelaysMs, SCALE);
    for (const attempt of attempts) expect(verify(attempt, webhook.secret_key)).toBe(true);
  });
});
