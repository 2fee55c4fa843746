import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectRedis, Keys, SigningKeyStore } from '@hookfleet/store';
import { startFleet, type TestFleet } from '../../../test/fleet.js';

/** The `signature` field of a subscription and the signing-key routes: what is stored, shown, published and refused. */
describe('signature schemes and signing keys', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };
  let other: { id: string; api_key: string };

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    tenant = await fleet.createTenant('signer');
    other = await fleet.createTenant('other');
  });
  afterAll(() => fleet.stop());

  const create = (body: Record<string, unknown>) => fleet.call('POST', '/v1/subscriptions', { url: 'http://127.0.0.1:9/hook', events: ['a.b'], ...body }, tenant.api_key);

  it('shows v1 by default, takes v1a on create and PATCH, and refuses anything else naming the field', async () => {
    const plain = await create({});
    expect(plain.body.signature).toBe('v1');
    const listed = await fleet.call('GET', '/v1/subscriptions', undefined, tenant.api_key);
    expect(listed.body.data.every((subscription: { signature: string }) => subscription.signature === 'v1')).toBe(true);
    const patched = await fleet.call('PATCH', `/v1/subscriptions/${plain.body.id}`, { signature: 'v1a' }, tenant.api_key);
    expect(patched.status).toBe(200);
    expect(patched.body.signature).toBe('v1a');
    const back = await fleet.call('PATCH', `/v1/subscriptions/${plain.body.id}`, { signature: 'v1' }, tenant.api_key);
    expect(back.body.signature).toBe('v1');
    const bad = await create({ signature: 'v2' });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((issue: { path: string }) => issue.path)).toEqual(['signature']);
  });

  it.each(['paymo', 'gigapay', 'hubplanner'])('refuses v1a for %s, whose own signature scheme is its only one', async (profile) => {
    const events = { paymo: ['*'], gigapay: ['Employee.created'], hubplanner: ['project.update'] }[profile];
    const refused = await create({ profile, events, signature: 'v1a' });
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([{ path: 'signature', message: expect.stringContaining(`profile ${profile} signs with its own scheme`) }]);
    const fine = await create({ profile, events });
    expect(fine.status).toBe(201);
    expect(fine.body.signature).toBe('v1');
    const patched = await fleet.call('PATCH', `/v1/subscriptions/${fine.body.id}`, { signature: 'v1a' }, tenant.api_key);
    expect(patched.status).toBe(400);
  });

  it('publishes the same JWKS document at both addresses, without credentials, and never a private key', async () => {
    const listed = await fleet.call('GET', `/v1/tenants/${tenant.id}/signing-keys`, undefined, null);
    const wellKnown = await fleet.call('GET', `/.well-known/hookfleet/${tenant.id}/jwks.json`, undefined, null);
    expect(listed.status).toBe(200);
    expect(wellKnown.body).toEqual(listed.body);
    expect(listed.headers.get('cache-control')).toMatch(/max-age/);
    expect(listed.body.keys).toHaveLength(1);
    expect(Object.keys(listed.body.keys[0]).sort()).toEqual(['crv', 'kid', 'kty', 'status', 'x']);
    const redis = connectRedis(fleet.config);
    const stored = await new SigningKeyStore(redis, new Keys(fleet.config.prefix)).list(tenant.id).finally(() => redis.quit());
    expect(stored).toHaveLength(1);
    const everything = JSON.stringify([listed.body, wellKnown.body]);
    expect(everything).not.toContain(stored[0]?.secret_key.slice('whsk_'.length));
  });

  it('answers 404 for an unknown tenant, and for a rotation of another tenant by a tenant key', async () => {
    expect((await fleet.call('GET', '/v1/tenants/ten_nobody/signing-keys', undefined, null)).status).toBe(404);
    expect((await fleet.call('GET', '/.well-known/hookfleet/ten_nobody/jwks.json', undefined, null)).status).toBe(404);
    expect((await fleet.call('POST', `/v1/tenants/${tenant.id}/signing-keys/rotate`, undefined, other.api_key)).status).toBe(404);
    expect((await fleet.call('POST', '/v1/tenants/ten_nobody/signing-keys/rotate')).status).toBe(404);
    expect((await fleet.call('POST', `/v1/tenants/${tenant.id}/signing-keys/rotate`, undefined, null)).status).toBe(401);
  });

  it('lets the operator rotate: the old key stays published as previous until its expires_at', async () => {
    const before = await fleet.call('GET', `/v1/tenants/${other.id}/signing-keys`, undefined, null);
    const rotated = await fleet.call('POST', `/v1/tenants/${other.id}/signing-keys/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.keys).toEqual([
      expect.objectContaining({ status: 'current' }),
      { ...before.body.keys[0], status: 'previous', expires_at: expect.any(String) },
    ]);
    expect(rotated.body.keys[0].kid).not.toBe(before.body.keys[0].kid);
  });
});
