import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Operation, Page } from '@hookfleet/client';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { jsonInProcess, runInProcess } from './cli-in-process.js';
import type { CliEnv } from './cli-process.js';

/** `operations list` and `operations cancel` against a running fleet whose operations never start (no operations worker). */
describe('the CLI lists and stops recovers and replays', () => {
  let fleet: TestFleet;
  let asTenant: CliEnv;

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'delivery' });
    const tenant = await fleet.createTenant('cli-operations');
    asTenant = { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: tenant.api_key };
  });
  afterAll(() => fleet.stop());

  it('lists newest first, stops a running one, refuses one that ended, and a waited one that was stopped exits 1', async () => {
    const subscription = await jsonInProcess<{ id: string }>(['subscriptions', 'create', 'https://example.com/ops', '--events', 'ops.*'], asTenant);
    const first = await jsonInProcess<{ operation_id: string }>(['replay', subscription.id, '--since', '1h', '--detach'], asTenant);
    const second = await jsonInProcess<{ operation_id: string }>(['recover', subscription.id, '--since', '1h', '--detach'], asTenant);
    const listed = await jsonInProcess<Page<Operation>>(['operations', 'list', subscription.id], asTenant);
    expect(listed.data.map((operation) => operation.id)).toEqual([second.operation_id, first.operation_id]);
    const table = await runInProcess(['operations', 'list', subscription.id], asTenant);
    expect(table.stdout).toMatch(new RegExp(`^${second.operation_id}\\s+recover\\s+running\\s+0/0`, 'm'));

    const canceled = await runInProcess(['operations', 'cancel', first.operation_id], asTenant);
    expect(canceled).toMatchObject({ code: 0, stdout: `replay ${first.operation_id} canceled: 0/0 events\n` });
    const again = await runInProcess(['operations', 'cancel', first.operation_id], asTenant);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already ended');
    // Followed to its end, a canceled operation did not do what it was asked: exit 1, saying how far it got.
    const waited = await runInProcess(['operations', 'show', first.operation_id, '--wait'], asTenant);
    expect(waited).toMatchObject({ code: 1, stderr: expect.stringContaining('canceled') });
  });
});
