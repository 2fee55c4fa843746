import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PollPage } from '@hookfleet/client';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { waitFor } from '../../../test/wait.js';
import { jsonInProcess, runInProcess } from './cli-in-process.js';
import type { CliEnv } from './cli-process.js';

describe('hookfleet messages against a running fleet', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };
  let asTenant: CliEnv;

  beforeAll(async () => {
    fleet = await startFleet();
    tenant = await fleet.createTenant();
    asTenant = { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: tenant.api_key };
  });
  afterAll(() => fleet.stop());

  it('prints a poll subscription’s messages and the next cursor, and acknowledges them with --after', async () => {
    const subscription = (await fleet.call('POST', '/v1/subscriptions', { destination: { type: 'poll' }, events: ['cli.*'] }, tenant.api_key)).body as { id: string };
    for (const id of ['cli-1', 'cli-2']) await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'cli.said', id, data: {} });
    const page = await waitFor(async () => {
      const read = await jsonInProcess<PollPage>(['messages', subscription.id, '--limit', '10'], asTenant);
      return read.data.length === 2 ? read : null;
    });
    // Two events sent one after the other are two matcher jobs and two group jobs: a subscription that is not `ordered`
    // may log them in either order (docs/delivery.md, "Pull mode").
    expect(page.data.map((message) => message.event_id).sort()).toEqual(['cli-1', 'cli-2']);

    const table = await runInProcess(['messages', subscription.id], asTenant);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+EVENT\s+TYPE\s+TIMESTAMP$/m);
    expect(table.stderr).toContain(`next: ${page.next}`);

    const after = await runInProcess(['messages', subscription.id, '--after', page.next, '--wait', '0'], asTenant);
    expect(after).toMatchObject({ code: 0, stdout: 'no messages after this cursor\n' });
    const delivery = await fleet.call('GET', `/v1/deliveries/${page.data[0]!.id}`, undefined, tenant.api_key);
    expect(delivery.body.status).toBe('delivered');
  });

  it('refuses a wait over 30 seconds as a usage error', async () => {
    expect((await runInProcess(['messages', 'sub_x', '--wait', '31'], asTenant)).code).toBe(2);
  });
});
