import { afterEach, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { providerAuth } from './compat-auth.js';

/** Gigapay's `next` and `previous` are links a client follows: they start at the public address, as portal links do. */
describe('Gigapay page links behind a proxy', () => {
  let fleet: TestFleet | undefined;
  afterEach(() => fleet?.stop());

  async function twoPages(overrides: Record<string, string>, headers: Record<string, string> = {}) {
    fleet = await startFleet({ WORKER_ROLES: 'matcher', ...overrides }, { workers: 0 });
    const { api_key: key } = await fleet.createTenant('gigapay-links');
    const auth = { ...providerAuth.gigapay(key, 'int-1'), ...headers };
    for (const index of [1, 2]) await fleet.call('POST', '/gigapay/v2/webhooks/', { url: `https://jobmatchr.se/webhooks/${index}/`, events: ['Payout.created'] }, null, auth);
    const first = await fleet.call('GET', '/gigapay/v2/webhooks/?page_size=1', undefined, null, auth);
    const second = await fleet.call('GET', '/gigapay/v2/webhooks/?page=2&page_size=1', undefined, null, auth);
    return { next: first.body.next, previous: second.body.previous };
  }

  it('start at HOOKFLEET_PUBLIC_URL', async () => {
    expect(await twoPages({ HOOKFLEET_PUBLIC_URL: 'https://hooks.example.com/fleet' })).toEqual({
      next: 'https://hooks.example.com/fleet/gigapay/v2/webhooks/?page=2&page_size=1',
      previous: 'https://hooks.example.com/fleet/gigapay/v2/webhooks/?page=1&page_size=1',
    });
  });

  it('start at the forwarded scheme and host when HOOKFLEET_TRUST_PROXY says a proxy sets them', async () => {
    const links = await twoPages({ HOOKFLEET_TRUST_PROXY: 'true' }, { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.org' });
    expect(links.next).toBe('https://api.example.org/gigapay/v2/webhooks/?page=2&page_size=1');
  });
});
