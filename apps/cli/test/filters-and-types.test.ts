import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Subscription } from '@hookfleet/client';
import { ADMIN_TOKEN, startFleet, type TestFleet } from '../../../test/fleet.js';
import { jsonInProcess, runInProcess } from './cli-in-process.js';
import type { CliEnv } from './cli-process.js';

describe('the CLI: --filter and event-types create/update', () => {
  let fleet: TestFleet;
  let asTenant: CliEnv;
  let asOperator: CliEnv;

  beforeAll(async () => {
    fleet = await startFleet();
    const tenant = await fleet.createTenant();
    asTenant = { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: tenant.api_key };
    asOperator = { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: ADMIN_TOKEN };
  });
  afterAll(async () => {
    await fleet.stop();
  });

  it('creates a subscription with a filter, changes it, removes it, and names a bad operator', async () => {
    const created = await runInProcess(['subscriptions', 'create', 'http://127.0.0.1:9/hook', '--events', 'order.*', '--filter', '{"data.amount":{"$gte":100}}'], asTenant);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^filter:\s+\{"data\.amount":\{"\$gte":100\}\}$/m);
    const id = /^id:\s+(sub_\S+)$/m.exec(created.stdout)?.[1] as string;
    const updated = await jsonInProcess<Subscription>(['subscriptions', 'update', id, '--filter', '{"type":"order.paid"}'], asTenant);
    expect(updated.filter).toEqual({ type: 'order.paid' });
    const removed = await runInProcess(['subscriptions', 'update', id, '--filter', 'null'], asTenant);
    expect(removed.stdout).toMatch(/^filter:\s+none$/m);
    const refused = await runInProcess(['subscriptions', 'update', id, '--filter', '{"data.amount":{"$gtt":1}}'], asTenant);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('filter.data.amount.$gtt');
    expect((await runInProcess(['subscriptions', 'update', id], asTenant)).stderr).toContain('nothing to change');
  });

  it('registers, changes and deprecates an event type, and lists it with its schema', async () => {
    const created = await runInProcess(['event-types', 'create', 'cli.typed', '--description', 'typed from the CLI', '--schema', '{"type":"object","required":["id"]}'], asOperator);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^schema:\s+\{"type":"object","required":\["id"\]\}$/m);
    const updated = await runInProcess(['event-types', 'update', 'cli.typed', '--deprecated'], asOperator);
    expect(updated.stdout).toMatch(/^deprecated:\s+yes$/m);
    const listed = await jsonInProcess<{ data: Array<{ type: string; schema: unknown; deprecated: boolean }> }>(['event-types', '--profile', 'standard'], asTenant);
    expect(listed.data).toContainEqual({ profile: 'standard', type: 'cli.typed', description: 'typed from the CLI', schema: { type: 'object', required: ['id'] }, deprecated: true });
    const invalid = await runInProcess(['event-types', 'create', 'cli.bad', '--schema', '{"type":"strnig"}'], asOperator);
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toContain('schema.type');
  });
});
