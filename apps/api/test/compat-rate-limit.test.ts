import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { providerAuth } from './compat-auth.js';

/**
 * The compat routes are management requests of a tenant key like the native ones: HOOKFLEET_TENANT_API_RATE holds
 * there too (the same bucket per tenant), answered in the provider's own error style with Retry-After.
 */
describe('the management rate limit on compat routes', () => {
  let fleet: TestFleet;
  const RATE = 5;

  beforeAll(async () => {
    fleet = await startFleet({ HOOKFLEET_TENANT_API_RATE: String(RATE), WORKER_ROLES: 'matcher' });
  });
  afterAll(() => fleet.stop());

  it.each<[string, string, (key: string) => Record<string, string>]>([
    ['hubplanner', '/hubplanner/subscription', providerAuth.hubplanner],
    ['forecast', '/forecast/v1/webhook_subscriptions', providerAuth.forecast],
    ['paymo', '/paymo/api/hooks', providerAuth.paymo],
    ['paybook', '/paybook/v1/webhooks', providerAuth.paybook],
    ['gigapay', '/gigapay/v2/webhooks/', (key) => providerAuth.gigapay(key, 'rate-scope')],
  ])('%s: a tenant key over the rate gets 429 with Retry-After', async (_profile, path, auth) => {
    const tenant = await fleet.createTenant();
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<TestFleet['call']>> | undefined;
    for (let index = 0; index < RATE * 3 && !limited; index += 1) {
      const answer = await fleet.call('GET', path, undefined, null, auth(tenant.api_key));
      statuses.push(answer.status);
      if (answer.status === 429) limited = answer;
    }
    expect(statuses.filter((status) => status !== 200 && status !== 429)).toEqual([]);
    expect(limited).toBeDefined();
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another tenant's bucket is its own.
    const other = await fleet.createTenant();
    expect((await fleet.call('GET', path, undefined, null, auth(other.api_key))).status).toBe(200);
  });

  it('takes from the same bucket as the native routes', async () => {
    const tenant = await fleet.createTenant();
    // Native calls until the bucket is empty (a fixed count let a slow machine refill it between the calls).
    let limited = false;
    for (let index = 0; index < RATE * 4 && !limited; index += 1) limited = (await fleet.call('GET', '/v1/subscriptions', undefined, tenant.api_key)).status === 429;
    expect(limited).toBe(true);
    // Then the compat route at once: a bucket of its own would answer its whole burst (2 × RATE) now; the shared one
    // only what refilled meanwhile (RATE a second, so a loaded machine's slow calls are allowed their refills).
    const started = Date.now();
    const statuses: number[] = [];
    for (let index = 0; index < RATE * 2; index += 1) {
      statuses.push((await fleet.call('GET', '/hubplanner/subscription', undefined, null, providerAuth.hubplanner(tenant.api_key))).status);
    }
    const refilled = Math.floor(((Date.now() - started) / 1000) * RATE) + 1;
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(Math.min(refilled, RATE * 2 - 1));
    expect(statuses).toContain(429);
  });

  it('does not limit the operator', async () => {
    const tenant = await fleet.createTenant();
    for (let index = 0; index < RATE * 3; index += 1) {
      expect((await fleet.call('GET', '/hubplanner/subscription', undefined, undefined, { 'hookfleet-tenant': tenant.id })).status).toBe(200);
    }
  });
});
