import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signStandardWebhookV1a } from '@hookfleet/profiles';
import { connectRedis, Keys, SigningKeyStore, type RedisClient } from '@hookfleet/store';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { waitFor } from '../../../test/wait.js';
import { startInProcess } from './cli-in-process.js';

interface PrintedDelivery {
  webhook_id: string;
  signature: string;
  error: string | null;
}

/**
 * `listen --tenant` keeps each published key's `expires_at`: a rotated-out key verifies what it signed before then,
 * and nothing it signed after (the fleet no longer signs with it, so such a signature is someone else's).
 */
describe('listen --tenant and a rotated-out key past its expires_at', () => {
  let fleet: TestFleet;
  let redis: RedisClient;

  beforeAll(async () => {
    fleet = await startFleet();
    redis = connectRedis(fleet.config);
  });
  afterAll(async () => {
    await redis.quit();
    await fleet.stop();
  });

  it('verifies a delivery the old key signed before its expires_at and refuses one it signed after', async () => {
    const tenant = await fleet.createTenant('listen-expiry');
    // The first read makes the tenant's first key; the rotation then replaces it.
    expect((await fleet.call('GET', `/v1/tenants/${tenant.id}/signing-keys`)).status).toBe(200);
    expect((await fleet.call('POST', `/v1/tenants/${tenant.id}/signing-keys/rotate`)).status).toBe(200);
    // The old key's 24 h brought within the verifiers' 5-minute window, so a signature after it can be made now.
    const store = new SigningKeyStore(redis, new Keys(fleet.config.prefix));
    const expiresAt = Date.now() + 60_000;
    const [current, previous] = await store.list(tenant.id);
    if (!current || !previous) throw new Error('expected a current and a previous key after the rotation');
    await redis.set(new Keys(fleet.config.prefix).signingKeys(tenant.id), JSON.stringify([current, { ...previous, expires_at: new Date(expiresAt).toISOString() }]));

    const listener = startInProcess(['listen', '--port', '0', '--tenant', tenant.id, '--json'], { HOOKFLEET_URL: fleet.api.url });
    try {
      const url = (await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(listener.stderr())?.[1], { message: 'listening' })) as string;
      const send = async (id: string, secretKey: string, kid: string, signedAt: Date) => {
        const body = JSON.stringify({ type: 'keys.expiry', timestamp: signedAt.toISOString(), data: {} });
        const headers = {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
          'webhook-signature': signStandardWebhookV1a(secretKey, id, signedAt, body),
          'webhook-key-id': kid,
        };
        expect((await fetch(`${url}/hook`, { method: 'POST', headers, body })).status).toBe(200);
      };
      const printed = (id: string) =>
        listener
          .stdout()
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as PrintedDelivery)
          .find((line) => line.webhook_id === id);

      await send('dlv_old_before', previous.secret_key, previous.kid, new Date());
      // Two minutes after the old key's expires_at, still inside the 5-minute tolerance.
      const afterExpiry = new Date(expiresAt + 120_000);
      await send('dlv_old_after', previous.secret_key, previous.kid, afterExpiry);
      await send('dlv_current_after', current.secret_key, current.kid, afterExpiry);

      expect(await waitFor(() => printed('dlv_old_before'))).toMatchObject({ signature: 'verified' });
      expect(await waitFor(() => printed('dlv_current_after'))).toMatchObject({ signature: 'verified' });
      expect(await waitFor(() => printed('dlv_old_after'))).toMatchObject({ signature: 'invalid', error: expect.stringMatching(/expired/) });
    } finally {
      expect(await listener.stop()).toBe(0);
    }
  });
});
