import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Subscription } from '@hookfleet/client';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { jsonInProcess, runInProcess } from './cli-in-process.js';
import type { CliEnv } from './cli-process.js';
import { ExitCode } from '../src/errors.js';

/** `--metadata` on create and update: a JSON object, which an update replaces whole (the API's PATCH); `{}` empties it. */
describe('subscriptions create and update with --metadata', () => {
  let fleet: TestFleet;
  let asTenant: CliEnv;

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    const tenant = await fleet.createTenant();
    asTenant = { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: tenant.api_key };
  });
  afterAll(() => fleet.stop());

  const create = (flags: string[]) => runInProcess(['subscriptions', 'create', 'http://127.0.0.1:9/hook', '--events', '*', ...flags], asTenant);

  it('replaces the stored metadata on update, {} empties it, and show prints it', async () => {
    const created = await jsonInProcess<Subscription>(['subscriptions', 'create', 'http://127.0.0.1:9/hook', '--events', '*', '--metadata', '{"customer":"c_1","plan":"pro"}', '--description', 'kept'], asTenant);
    expect(created.metadata).toEqual({ customer: 'c_1', plan: 'pro' });
    const replaced = await jsonInProcess<Subscription>(['subscriptions', 'update', created.id, '--metadata', '{"customer":"c_2"}'], asTenant);
    expect(replaced).toMatchObject({ metadata: { customer: 'c_2' }, description: 'kept' });
    expect((await runInProcess(['subscriptions', 'show', created.id], asTenant)).stdout).toMatch(/^metadata:\s+\{"customer":"c_2"\}$/m);
    const emptied = await jsonInProcess<Subscription>(['subscriptions', 'update', created.id, '--metadata', '{}'], asTenant);
    expect(emptied.metadata).toEqual({});
    expect((await runInProcess(['subscriptions', 'show', created.id], asTenant)).stdout).toMatch(/^metadata:\s+none$/m);
  });

  it.each([
    ['null', 'null'],
    ['[1]', 'a list'],
    ['"c_1"', 'string'],
  ])('refuses --metadata %s with the same usage error on create and update, before anything is sent', async (value, got) => {
    const message = `error: --metadata must be a JSON object such as {"customer":"c_1"} ({} for none), got ${got}`;
    const refusedCreate = await create(['--metadata', value]);
    expect([refusedCreate.code, refusedCreate.stderr]).toEqual([ExitCode.usage, expect.stringContaining(message)]);
    const refusedUpdate = await runInProcess(['subscriptions', 'update', 'sub_unread', '--metadata', value], asTenant);
    expect([refusedUpdate.code, refusedUpdate.stderr]).toEqual([ExitCode.usage, expect.stringContaining(message)]);
  });

  it('says --metadata is not JSON in the same words on create and update', async () => {
    const refusedCreate = await create(['--metadata', '{customer}']);
    const refusedUpdate = await runInProcess(['subscriptions', 'update', 'sub_unread', '--metadata', '{customer}'], asTenant);
    expect(refusedCreate.stderr).toMatch(/^error: --metadata is not JSON: /);
    expect(refusedUpdate.stderr.split(' (see')[0]).toBe(refusedCreate.stderr.split(' (see')[0]);
  });
});
