import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectRedis, Keys, TenantStore } from '@hookfleet/store';
import { startFleet, type TestFleet } from '../../../test/fleet.js';

const tokenOf = (url: string) => new URL(url).hash.replace(/^#token=/, '');

/** `GET /v1/tenants[/:id]` and `POST /v1/tenants/:id/api-key/rotate`: the list, which keys work after a rotation, and who may rotate. */
describe('tenant API keys', () => {
  let fleet: TestFleet;

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
  });
  afterAll(() => fleet.stop());

  const works = async (key: string) => (await fleet.call('GET', '/v1/subscriptions', undefined, key)).status;
  const rotate = (tenant: string, body: unknown, key?: string) => fleet.call('POST', `/v1/tenants/${tenant}/api-key/rotate`, body, key);

  it('shows a tenant to the operator and to itself, never its key; another tenant gets a 404', async () => {
    const tenant = await fleet.createTenant('shown');
    const other = await fleet.createTenant('other');
    const asOperator = await fleet.call('GET', `/v1/tenants/${tenant.id}`);
    expect(asOperator.status).toBe(200);
    expect(asOperator.body).toEqual({ id: tenant.id, name: 'shown', created_at: expect.any(String), previous_key_expires_at: null });
    expect((await fleet.call('GET', `/v1/tenants/${tenant.id}`, undefined, tenant.api_key)).body).toEqual(asOperator.body);
    expect((await fleet.call('GET', `/v1/tenants/${tenant.id}`, undefined, other.api_key)).status).toBe(404);
    expect((await fleet.call('GET', '/v1/tenants/ten_nobody')).status).toBe(404);
    expect((await fleet.call('GET', `/v1/tenants/${tenant.id}`, undefined, null)).status).toBe(401);
  });

  it('keeps the old key working for the default 24 h, and shows until when', async () => {
    const tenant = await fleet.createTenant('graceful');
    const rotated = await rotate(tenant.id, {}, tenant.api_key);
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ id: tenant.id, name: 'graceful', api_key: expect.stringMatching(/^hfk_/) });
    expect(rotated.body.api_key).not.toBe(tenant.api_key);
    const left = Date.parse(rotated.body.previous_key_expires_at) - Date.now();
    expect(left).toBeGreaterThan(86_000_000);
    expect(left).toBeLessThanOrEqual(86_400_000);
    expect(await works(tenant.api_key)).toBe(200);
    expect(await works(rotated.body.api_key)).toBe(200);
    expect((await fleet.call('GET', `/v1/tenants/${tenant.id}`)).body.previous_key_expires_at).toBe(rotated.body.previous_key_expires_at);
  });

  it('revokes the old key at once with previous_key_expires_in 0, and every older key on each rotation', async () => {
    const tenant = await fleet.createTenant('leaked');
    const second = (await rotate(tenant.id, { previous_key_expires_in: 3600 })).body.api_key as string;
    expect(await works(tenant.api_key)).toBe(200);
    // A second rotation revokes the first key although its hour is not up: at most two keys work.
    const third = (await rotate(tenant.id, { previous_key_expires_in: 3600 }, second)).body.api_key as string;
    expect(await works(tenant.api_key)).toBe(401);
    expect(await works(second)).toBe(200);
    const fourth = await rotate(tenant.id, { previous_key_expires_in: 0 }, third);
    expect(fourth.status).toBe(200);
    expect(fourth.body.previous_key_expires_at).toBeNull();
    expect(await works(second)).toBe(401);
    expect(await works(third)).toBe(401);
    expect(await works(fourth.body.api_key)).toBe(200);
    expect((await fleet.call('GET', `/v1/tenants/${tenant.id}`)).body.previous_key_expires_at).toBeNull();
  });

  it('lets an old key expire by itself when its time is up', async () => {
    const tenant = await fleet.createTenant('expiring');
    const rotated = await rotate(tenant.id, { previous_key_expires_in: 1 });
    expect(await works(tenant.api_key)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect(await works(tenant.api_key)).toBe(401);
    expect(await works(rotated.body.api_key)).toBe(200);
    expect((await fleet.call('GET', `/v1/tenants/${tenant.id}`)).body.previous_key_expires_at).toBeNull();
  });

  it('refuses another tenant, a portal session, no credentials, and a bad body naming the field', async () => {
    const tenant = await fleet.createTenant('guarded');
    const other = await fleet.createTenant('intruder');
    expect((await rotate(tenant.id, {}, other.api_key)).status).toBe(404);
    expect((await rotate('ten_nobody', {})).status).toBe(404);
    expect((await rotate(tenant.id, {}, null)).status).toBe(401);
    const session = await fleet.call('POST', '/v1/portal-sessions', {}, tenant.api_key);
    const portalToken = tokenOf(session.body.url);
    expect((await rotate(tenant.id, {}, portalToken)).status).toBe(403);
    expect((await fleet.call('GET', `/v1/tenants/${tenant.id}`, undefined, portalToken)).status).toBe(403);
    for (const body of [{ previous_key_expires_in: -1 }, { previous_key_expires_in: 8 * 86400 }, { previous_key_expires_in: 1.5 }, { previous_key_expires_in: '1h' }]) {
      const refused = await rotate(tenant.id, body);
      expect(refused.status).toBe(400);
      expect(refused.body.issues.map((issue: { path: string }) => issue.path)).toEqual(['previous_key_expires_in']);
    }
    const misspelt = await rotate(tenant.id, { previous_key_expire_in: 0 });
    expect(misspelt.status).toBe(400);
    expect(await works(tenant.api_key)).toBe(200);
  });

  it('lists every tenant to the operator alone, oldest first, page by page', async () => {
    const made = [await fleet.createTenant('listed-1'), await fleet.createTenant('listed-2'), await fleet.createTenant('listed-3')];
    const seen: Array<{ id: string; name: string }> = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: any } = await fleet.call('GET', `/v1/tenants?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      for (const tenant of page.body.data) expect(Object.keys(tenant).sort()).toEqual(['created_at', 'id', 'name', 'previous_key_expires_at']);
      seen.push(...page.body.data);
      cursor = page.body.next_cursor;
    } while (cursor);
    const ids = seen.map((tenant) => tenant.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    // Oldest first to the millisecond (ids are time-ordered): three made in one millisecond may list in any order.
    expect(ids.slice(-3).sort()).toEqual(made.map((tenant) => tenant.id).sort());
    expect((await fleet.call('GET', '/v1/tenants', undefined, made[0]?.api_key)).status).toBe(403);
    expect((await fleet.call('GET', '/v1/tenants?limit=0')).status).toBe(400);
  });

  it('adds tenants stored before the index existed, once, and lists them', async () => {
    const redis = connectRedis(fleet.config);
    const keys = new Keys(fleet.config.prefix);
    try {
      const store = new TenantStore(redis, keys);
      const old = { id: 'ten_0000before0index', name: 'from before', created_at: '2026-01-01T00:00:00.000Z', key_hash: 'f'.repeat(64) };
      // The API ran the backfill at its start (nothing to add then).
      expect(await redis.exists(keys.allTenantsBackfilled())).toBe(1);
      await redis.set(keys.tenant(old.id), JSON.stringify(old));
      await redis.del(keys.allTenantsBackfilled());
      expect((await fleet.call('GET', '/v1/tenants?limit=500')).body.data.map((tenant: { id: string }) => tenant.id)).not.toContain(old.id);
      expect(await store.backfillIndex()).toBe(1);
      const listed = (await fleet.call('GET', '/v1/tenants?limit=1')).body;
      expect(listed.data).toEqual([{ id: old.id, name: 'from before', created_at: old.created_at, previous_key_expires_at: null }]);
      await redis.zrem(keys.allTenants(), old.id);
      expect(await store.backfillIndex()).toBe(0);
    } finally {
      redis.disconnect();
    }
  });

  it('of two rotations at once, each answer holds a key that works or is a 409 that changed nothing', async () => {
    const tenant = await fleet.createTenant('racing');
    const answers = await Promise.all([1, 2, 3, 4].map(() => rotate(tenant.id, { previous_key_expires_in: 600 })));
    expect(answers.every((answer) => answer.status === 200 || answer.status === 409)).toBe(true);
    const winners = answers.filter((answer) => answer.status === 200);
    expect(winners.length).toBeGreaterThanOrEqual(1);
    for (const loser of answers.filter((answer) => answer.status === 409)) expect(loser.body.error).toMatch(/rotated by another request/);
    // At most two keys work (the current one and the one before it), whichever rotations won.
    const working = await Promise.all([tenant.api_key, ...winners.map((winner) => winner.body.api_key as string)].map(works));
    expect(working.filter((code) => code === 200).length).toBeGreaterThanOrEqual(1);
    expect(working.filter((code) => code === 200).length).toBeLessThanOrEqual(2);
  });
});
