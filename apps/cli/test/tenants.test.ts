import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CreatedTenant, Tenant } from '@hookfleet/client';
import { ADMIN_TOKEN, startFleet, type TestFleet } from '../../../test/fleet.js';
import { jsonInProcess, runInProcess } from './cli-in-process.js';
import type { CliEnv } from './cli-process.js';

/** `tenants create|show|rotate-key` against a running fleet. */
describe('the CLI and tenants', () => {
  let fleet: TestFleet;
  let asOperator: CliEnv;

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    asOperator = { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: ADMIN_TOKEN };
  });
  afterAll(() => fleet.stop());

  it('creates a tenant whose printed key works, and says the key is shown only now', async () => {
    const created = await runInProcess(['tenants', 'create', 'acme'], asOperator);
    expect(created.code).toBe(0);
    expect(created.stderr).toMatch(/shown only now/);
    const key = /^api key:\s+(hfk_\S+)$/m.exec(created.stdout)?.[1] as string;
    expect(key).toBeDefined();
    const id = /^id:\s+(ten_\S+)$/m.exec(created.stdout)?.[1] as string;
    const shown = await jsonInProcess<Tenant>(['tenants', 'show', id], { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: key });
    expect(shown).toEqual({ id, name: 'acme', created_at: expect.any(String), previous_key_expires_at: null });
  });

  it('rotates a key: the old one works for the time given, or not at all with 0', async () => {
    const tenant = await jsonInProcess<CreatedTenant>(['tenants', 'create', 'rotating'], asOperator);
    const asTenant = (key: string): CliEnv => ({ HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: key });
    const works = async (key: string) => (await runInProcess(['subscriptions', 'list'], asTenant(key))).code === 0;

    const second = await jsonInProcess<CreatedTenant>(['tenants', 'rotate-key', tenant.id, '--previous-key-expires-in', '2h'], asTenant(tenant.api_key));
    const left = Date.parse(second.previous_key_expires_at as string) - Date.now();
    expect(left).toBeGreaterThan(7_100_000);
    expect(left).toBeLessThanOrEqual(7_200_000);
    expect(await works(tenant.api_key)).toBe(true);

    const shown = await runInProcess(['tenants', 'show', tenant.id], asTenant(second.api_key));
    expect(shown.stdout).toMatch(/^previous key:\s+works until /m);

    const third = await jsonInProcess<CreatedTenant>(['tenants', 'rotate-key', tenant.id, '--previous-key-expires-in', '0'], asOperator);
    expect(third.previous_key_expires_at).toBeNull();
    expect(await works(second.api_key)).toBe(false);
    expect(await works(tenant.api_key)).toBe(false);
    expect(await works(third.api_key)).toBe(true);
  });

  it('lists tenants as a table and as JSON, every page with --all', async () => {
    const made = await jsonInProcess<CreatedTenant>(['tenants', 'create', 'listed'], asOperator);
    const table = await runInProcess(['tenants', 'list', '--all'], asOperator);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+NAME\s+CREATED\s+PREVIOUS KEY UNTIL$/m);
    expect(table.stdout).toMatch(new RegExp(`^${made.id}\\s+listed\\s`, 'm'));
    const pages = await jsonInProcess<{ data: Tenant[]; next_cursor: string | null }>(['tenants', 'list', '--limit', '1', '--all'], asOperator);
    expect(pages.next_cursor).toBeNull();
    expect(pages.data.map((tenant) => tenant.id)).toContain(made.id);
    expect(pages.data.some((tenant) => 'api_key' in tenant)).toBe(false);
  });

  it('refuses a duration it cannot read before calling the API, and names an unknown tenant', async () => {
    const bad = await runInProcess(['tenants', 'rotate-key', 'ten_x', '--previous-key-expires-in', 'soon'], asOperator);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--previous-key-expires-in: "soon" is not a duration/);
    const unknown = await runInProcess(['tenants', 'show', 'ten_nobody'], asOperator);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/ten_nobody/);
    const tooLong = await runInProcess(['tenants', 'rotate-key', 'ten_nobody', '--previous-key-expires-in', '8d'], asOperator);
    expect(tooLong.code).not.toBe(0);
    expect(tooLong.stderr).toMatch(/previous_key_expires_in/);
  });
});
