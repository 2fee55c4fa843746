import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Subscription } from '@hookfleet/client';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { waitFor } from '../../../test/wait.js';
import { jsonInProcess, startInProcess } from './cli-in-process.js';

/**
 * A `v1a` subscription still shows a whsec_ secret (docs/api.md), so `listen --secret <it>` is what a person tries
 * first: the delivery is then unchecked, and the hint must name the flag that checks it, not the one they gave.
 */
describe('listen given a whsec_ secret for a v1a delivery', () => {
  let fleet: TestFleet;

  beforeAll(async () => {
    fleet = await startFleet();
  });
  afterAll(() => fleet.stop());

  it('says to pass --tenant (or a whpk_ key) instead of --secret', async () => {
    const tenant = await fleet.createTenant('listen-v1a');
    const env = { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: tenant.api_key };
    const listener = startInProcess(['listen', '--port', '0', '--secret', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], env);
    try {
      const url = (await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(listener.stderr())?.[1], { message: 'listening' })) as string;
      await jsonInProcess<Subscription>(['subscriptions', 'create', `${url}/hook`, '--events', 'hint.*', '--signature', 'v1a'], env);
      expect((await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'hint.sent', data: {} })).status).toBe(202);
      const printed = await waitFor(() => (listener.stdout().includes('hint.sent') ? listener.stdout() : undefined), { message: 'the delivery printed' });
      expect(printed).toContain('? unchecked');
      expect(printed).toContain('signature: not checked (pass --tenant <its tenant> or --secret whpk_…: it is signed v1a (ed25519), which no whsec_ secret checks)');
    } finally {
      expect(await listener.stop()).toBe(0);
    }
  });
});
