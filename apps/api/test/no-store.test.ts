import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';

/** Answers to credentials (secrets, keys, portal links among them) must not be kept by any cache. */
describe('Cache-Control on authenticated answers', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    tenant = await fleet.createTenant('cached');
  });
  afterAll(() => fleet.stop());

  it('says no-store on every answer that carries a secret, a key or a link', async () => {
    const created = await fleet.call('POST', '/v1/subscriptions', { url: 'http://127.0.0.1:9/hook', events: ['a.b'] }, tenant.api_key);
    const id = created.body.id as string;
    const answers = [
      created,
      await fleet.call('GET', `/v1/subscriptions/${id}`, undefined, tenant.api_key),
      await fleet.call('GET', `/v1/subscriptions/${id}/secret`, undefined, tenant.api_key),
      await fleet.call('POST', `/v1/subscriptions/${id}/rotate-secret`, {}, tenant.api_key),
      await fleet.call('POST', '/v1/tenants', { name: 'another' }),
      await fleet.call('POST', `/v1/tenants/${tenant.id}/api-key/rotate`, { previous_key_expires_in: 60 }),
      await fleet.call('POST', '/v1/portal-sessions', {}, tenant.api_key),
    ];
    for (const answer of answers) {
      expect(answer.status).toBeLessThan(300);
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('leaves the public signing keys cacheable, as receivers fetch them', async () => {
    const keys = await fleet.call('GET', `/v1/tenants/${tenant.id}/signing-keys`, undefined, null);
    expect(keys.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
  });
});
