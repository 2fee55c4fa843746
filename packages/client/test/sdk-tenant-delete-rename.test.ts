import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClient, HookfleetClientError, type HookfleetClient, type Tenant } from '../src/index.js';
import { ADMIN_TOKEN, startFleet, type TestFleet } from '../../../test/fleet.js';

/** `tenants.update` and `tenants.delete` against a running fleet. */
describe('the SDK renames and deletes tenants', () => {
  let fleet: TestFleet;
  let operator: HookfleetClient;

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    operator = createClient({ url: fleet.api.url, token: ADMIN_TOKEN, retry: { limit: 2, baseDelayMs: 50 } });
  });
  afterAll(() => fleet.stop());

  it('renames (a bad name refused before sending), deletes, and then answers 404 for the tenant and 401 for its key', async () => {
    const tenant = await operator.createTenant('sdk-before');
    const own = operator.withToken(tenant.api_key);
    const renamed: Tenant = await own.tenants.update(tenant.id, { name: 'sdk-after' });
    expect(renamed).toEqual({ id: tenant.id, name: 'sdk-after', created_at: tenant.created_at, previous_key_expires_at: null });
    await expect(operator.tenants.update(tenant.id, { name: '' })).rejects.toBeInstanceOf(HookfleetClientError);
    await expect(own.tenants.delete(tenant.id)).rejects.toMatchObject({ status: 403 });

    await expect(operator.tenants.delete(tenant.id)).resolves.toBeUndefined();
    await expect(operator.tenants.get(tenant.id)).rejects.toMatchObject({ status: 404 });
    await expect(own.subscriptions.list()).rejects.toMatchObject({ status: 401 });
    await expect(operator.tenants.delete(tenant.id)).rejects.toMatchObject({ status: 404 });
    await expect(operator.tenants.update(tenant.id, { name: 'ghost' })).rejects.toMatchObject({ status: 404 });
  });
});
