import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Subscription } from '@hookfleet/client';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { jsonInProcess, runInProcess } from './cli-in-process.js';
import type { CliEnv } from './cli-process.js';
import { ExitCode } from '../src/errors.js';

/** `--ordered`, `--rate-limit` and `--delay`: set on create, changed and put back on update, shown by `show`. */
describe('subscriptions create and update with in-order delivery, a rate limit and a delay', () => {
  let fleet: TestFleet;
  let asTenant: CliEnv;

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    const tenant = await fleet.createTenant();
    asTenant = { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: tenant.api_key };
  });
  afterAll(() => fleet.stop());

  it('creates an ordered subscription and shows that it is one', async () => {
    const created = await jsonInProcess<Subscription>(['subscriptions', 'create', 'http://127.0.0.1:9/hook', '--events', '*', '--ordered'], asTenant);
    expect(created.ordered).toBe(true);
    const shown = await runInProcess(['subscriptions', 'show', created.id], asTenant);
    expect(shown.stdout).toMatch(/^ordered:\s+yes: one at a time, in event order$/m);
  });

  it('sets and puts back the order, the rate limit and the delay of an existing subscription, one flag at a time', async () => {
    const created = await jsonInProcess<Subscription>(['subscriptions', 'create', 'http://127.0.0.1:9/hook', '--events', '*'], asTenant);
    expect(created).toMatchObject({ ordered: false, rate_limit: null, delay_seconds: 0 });
    const paced = await jsonInProcess<Subscription>(['subscriptions', 'update', created.id, '--ordered', '--rate-limit', '600/m', '--delay', '30s'], asTenant);
    expect(paced).toMatchObject({ ordered: true, rate_limit: { per_minute: 600 }, delay_seconds: 30 });
    // Each flag changes only what it names.
    const unordered = await jsonInProcess<Subscription>(['subscriptions', 'update', created.id, '--no-ordered'], asTenant);
    expect(unordered).toMatchObject({ ordered: false, rate_limit: { per_minute: 600 }, delay_seconds: 30 });
    const reset = await jsonInProcess<Subscription>(['subscriptions', 'update', created.id, '--no-rate-limit', '--delay', '0'], asTenant);
    expect(reset).toMatchObject({ ordered: false, rate_limit: null, delay_seconds: 0 });
    expect((await runInProcess(['subscriptions', 'show', created.id], asTenant)).stdout).toMatch(/^ordered:\s+no$/m);
  });

  it('refuses a flag given with the flag that undoes it, or a bad rate, naming the flags, before anything is sent', async () => {
    const created = await jsonInProcess<Subscription>(['subscriptions', 'create', 'http://127.0.0.1:9/hook', '--events', '*'], asTenant);
    expect(await runInProcess(['subscriptions', 'update', created.id, '--ordered', '--no-ordered'], asTenant)).toMatchObject({
      code: ExitCode.usage,
      stderr: expect.stringContaining('give --ordered or --no-ordered, not both'),
    });
    expect(await runInProcess(['subscriptions', 'update', created.id, '--rate-limit', '10/s', '--no-rate-limit'], asTenant)).toMatchObject({
      code: ExitCode.usage,
      stderr: expect.stringContaining('give --rate-limit or --no-rate-limit, not both'),
    });
    expect(await runInProcess(['subscriptions', 'update', created.id, '--rate-limit', 'fast'], asTenant)).toMatchObject({
      code: ExitCode.usage,
      stderr: expect.stringContaining('--rate-limit must look like 10/s or 600/m, got "fast"'),
    });
    expect(await jsonInProcess<Subscription>(['subscriptions', 'show', created.id], asTenant)).toMatchObject({ ordered: false, rate_limit: null });
  });
});
