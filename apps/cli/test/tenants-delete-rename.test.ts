import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CreatedTenant, Tenant } from '@hookfleet/client';
import { ADMIN_TOKEN, startFleet, type TestFleet } from '../../../test/fleet.js';
import { jsonInProcess, runInProcess } from './cli-in-process.js';
import type { CliEnv } from './cli-process.js';

/** `tenants rename` and `tenants delete` against a running fleet. */
describe('the CLI renames and deletes tenants', () => {
  let fleet: TestFleet;
  let asOperator: CliEnv;
  const asTenant = (key: string): CliEnv => ({ HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: key });

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    asOperator = { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: ADMIN_TOKEN };
  });
  afterAll(() => fleet.stop());

  it('renames a tenant, with its own key too, and says what the API refused', async () => {
    const tenant = await jsonInProcess<CreatedTenant>(['tenants', 'create', 'old name'], asOperator);
    const renamed = await runInProcess(['tenants', 'rename', tenant.id, 'New Name'], asOperator);
    expect(renamed.code).toBe(0);
    expect(renamed.stdout).toMatch(/^name:\s+New Name$/m);
    expect(await jsonInProcess<Tenant>(['tenants', 'rename', tenant.id, 'Own Name'], asTenant(tenant.api_key))).toMatchObject({ id: tenant.id, name: 'Own Name' });
    expect(await runInProcess(['tenants', 'rename', tenant.id], asOperator)).toMatchObject({ code: 2, stderr: expect.stringContaining('missing <name>') });
    expect(await runInProcess(['tenants', 'rename', 'ten_nobody', 'x'], asOperator)).toMatchObject({ code: 5 });
  });

  it('asks a person at a terminal before deleting (no: nothing deleted), never a script, and not with --yes; the key stops working', async () => {
    const works = async (key: string) => (await runInProcess(['subscriptions', 'list'], asTenant(key))).code === 0;
    const kept = await jsonInProcess<CreatedTenant>(['tenants', 'create', 'kept'], asOperator);
    const declined = await runInProcess(['tenants', 'delete', kept.id], asOperator, { stdinTty: true, stdin: 'n\n' });
    expect(declined).toMatchObject({ code: 1, stdout: '' });
    expect(declined.stderr).toMatch(new RegExp(`^delete tenant ${kept.id}\\? .*cannot be undone \\[y/N\\] error: nothing deleted\\n$`));
    expect(await works(kept.api_key)).toBe(true);

    const confirmed = await jsonInProcess<CreatedTenant>(['tenants', 'create', 'confirmed'], asOperator);
    expect(await runInProcess(['tenants', 'delete', confirmed.id], asOperator, { stdinTty: true, stdin: 'y\n' })).toMatchObject({ code: 0, stdout: `deleted ${confirmed.id}\n` });
    expect(await works(confirmed.api_key)).toBe(false);

    const forced = await jsonInProcess<CreatedTenant>(['tenants', 'create', 'forced'], asOperator);
    expect(await jsonInProcess(['tenants', 'delete', forced.id, '--yes'], asOperator, { stdinTty: true })).toEqual({ deleted: [forced.id] });
    // A script (stdin not a terminal) is never asked.
    expect(await runInProcess(['tenants', 'delete', kept.id], asOperator)).toMatchObject({ code: 0, stdout: `deleted ${kept.id}\n`, stderr: '' });
    expect(await works(kept.api_key)).toBe(false);
    // Gone already: 404's exit code; a tenant key may not delete.
    expect(await runInProcess(['tenants', 'delete', kept.id, '--yes'], asOperator)).toMatchObject({ code: 5, stderr: expect.stringContaining(`tenant ${kept.id} not found`) });
    const other = await jsonInProcess<CreatedTenant>(['tenants', 'create', 'other'], asOperator);
    expect(await runInProcess(['tenants', 'delete', other.id, '--yes'], asTenant(other.api_key))).toMatchObject({ code: 4 });
  });
});
