import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createPublicKey, verify } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver, type ReceivedRequest } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';

interface Jwk {
  kid: string;
  kty: string;
  crv: string;
  x: string;
  status: 'current' | 'previous';
  expires_at?: string;
}

/**
 * What a receiver does with nothing but the JWKS document: for each (key id, signature) pair of the delivery, the
 * published key of that id verifies "id.timestamp.body" with node:crypto. True when one of them does.
 */
function verifiesWith(keys: readonly Jwk[], request: Pick<ReceivedRequest, 'headers' | 'body'>): boolean {
  const header = (name: string) => String(request.headers[name] ?? '');
  const kids = header('webhook-key-id').split(' ');
  const signed = Buffer.from(`${header('webhook-id')}.${header('webhook-timestamp')}.${request.body}`);
  return header('webhook-signature')
    .split(' ')
    .some((entry, index) => {
      const [version, signature] = entry.split(',');
      const jwk = keys.find((key) => key.kid === kids[index]);
      if (version !== 'v1a' || !jwk || !signature) return false;
      const publicKey = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' });
      return verify(null, signed, publicKey, Buffer.from(signature, 'base64'));
    });
}

describe('signature v1a on real processes', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };
  let subscriptionId: string;
  let published = 0;

  beforeAll(async () => {
    receiver = await new TestReceiver().start();
    fleet = await startFleet();
    tenant = await fleet.createTenant();
  });

  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  /** The JWKS document as a receiver fetches it: no credentials. */
  async function fetchJwks(): Promise<Jwk[]> {
    const response = await fleet.call('GET', `/.well-known/hookfleet/${tenant.id}/jwks.json`, undefined, null);
    expect(response.status).toBe(200);
    return response.body.keys as Jwk[];
  }

  async function publishAndReceive(): Promise<ReceivedRequest> {
    published += 1;
    const marker = `order-${published}`;
    const response = await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'order.paid', data: { order: marker } });
    expect(response.status).toBe(202);
    return waitFor(() => receiver.forPath('/v1a').find((request) => request.body.includes(`"${marker}"`)), { message: `delivery of ${marker}` });
  }

  it('sends a delivery that the public key from the JWKS document alone verifies; a tampered body fails', async () => {
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/v1a'), events: ['order.*'], signature: 'v1a' }, tenant.api_key);
    expect(created.status).toBe(201);
    expect(created.body.signature).toBe('v1a');
    subscriptionId = created.body.id;
    const keys = await fetchJwks();
    expect(keys).toEqual([{ kid: expect.any(String), kty: 'OKP', crv: 'Ed25519', x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), status: 'current' }]);
    const delivery = await publishAndReceive();
    expect(delivery.headers['webhook-signature']).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    expect(delivery.headers['webhook-key-id']).toBe(keys[0]?.kid);
    expect(verifiesWith(keys, delivery)).toBe(true);
    expect(verifiesWith(keys, { ...delivery, body: delivery.body.replace('order-', 'order+') })).toBe(false);
    expect(verifiesWith(keys, { ...delivery, headers: { ...delivery.headers, 'webhook-timestamp': String(Number(delivery.headers['webhook-timestamp']) + 1) } })).toBe(false);
  });

  it('after a rotation, signs with the new key at once and with the old one alongside, so either verifies', async () => {
    const before = await fetchJwks();
    const rotated = await fleet.call('POST', `/v1/tenants/${tenant.id}/signing-keys/rotate`, undefined, tenant.api_key);
    expect(rotated.status).toBe(200);
    const after = await fetchJwks();
    expect(after).toEqual(rotated.body.keys);
    expect(after.map((key) => key.status)).toEqual(['current', 'previous']);
    expect(after[1]?.kid).toBe(before[0]?.kid);
    const graceMs = Date.parse(after[1]?.expires_at ?? '') - Date.now();
    expect(graceMs).toBeGreaterThan(23 * 3600_000);
    expect(graceMs).toBeLessThanOrEqual(24 * 3600_000);
    const [current, previous] = after as [Jwk, Jwk];
    // Workers cache a tenant's keys for a moment: publish until a delivery is signed by the new key.
    const delivery = await waitFor(async () => {
      const received = await publishAndReceive();
      return String(received.headers['webhook-key-id']).startsWith(current.kid) ? received : null;
    }, { message: 'a delivery signed with the new key' });
    expect(delivery.headers['webhook-key-id']).toBe(`${current.kid} ${previous.kid}`);
    expect(verifiesWith([current], delivery)).toBe(true);
    // A receiver still holding the document fetched before the rotation verifies too.
    expect(verifiesWith(before, delivery)).toBe(true);
    expect(verifiesWith(after, { ...delivery, body: `${delivery.body} ` })).toBe(false);
  });

  it('signs the test delivery the same way', async () => {
    const tested = await fleet.call('POST', `/v1/subscriptions/${subscriptionId}/test`, { type: 'order.tested', data: { order: 'tested' } }, tenant.api_key);
    expect(tested.status).toBe(200);
    expect(tested.body.ok).toBe(true);
    const delivery = receiver.forPath('/v1a').find((request) => request.body.includes('"tested"'));
    expect(delivery && verifiesWith(await fetchJwks(), delivery)).toBe(true);
  });

  it('carries only v1a signatures, which the standardwebhooks package (v1 HMAC only, up to its latest 1.3.0) cannot check', async () => {
    const delivery = receiver.forPath('/v1a')[0] as ReceivedRequest;
    const subscription = await fleet.call('GET', `/v1/subscriptions/${subscriptionId}`, undefined, tenant.api_key);
    // The library skips every signature that is not v1: it finds none to match, whatever the key.
    expect(() => new Webhook(subscription.body.secret).verify(delivery.body, delivery.headers as Record<string, string>)).toThrow(/No matching signature/);
  });
});
