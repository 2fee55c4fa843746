import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Subscription } from '@hookfleet/client';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { jsonInProcess, runInProcess } from './cli-in-process.js';
import type { CliEnv } from './cli-process.js';
import { ExitCode } from '../src/errors.js';

/** A value the API (or the SDK, with the API's schema) refuses is named by the flag it came from, in the flag's units. */
describe('errors about values built from flags', () => {
  let fleet: TestFleet;
  let asTenant: CliEnv;
  let subscriptionId: string;

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    const tenant = await fleet.createTenant();
    asTenant = { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: tenant.api_key };
    subscriptionId = (await jsonInProcess<Subscription>(['subscriptions', 'create', 'http://127.0.0.1:9/hook', '--events', '*'], asTenant)).id;
  });
  afterAll(() => fleet.stop());

  const create = (flags: string[]) => runInProcess(['subscriptions', 'create', 'http://127.0.0.1:9/hook', '--events', '*', ...flags], asTenant);
  const update = (flags: string[]) => runInProcess(['subscriptions', 'update', subscriptionId, ...flags], asTenant);

  it.each([
    [['--timeout', '31s'], '--timeout: must be at most 30s (timeout_ms ≤ 30000)'],
    [['--timeout', '500ms'], '--timeout: must be at least 1s (timeout_ms ≥ 1000)'],
    [['--delay', '2d'], '--delay: must be at most 1d (delay_seconds ≤ 86400)'],
    [['--retry', '10s,2d'], '--retry: must be at most 1d (retry.delays_seconds.1 ≤ 86400)'],
    [['--batch', '5', '--batch-wait', '2m'], '--batch-wait: must be at most 1m (batch.max_wait_ms ≤ 60000)'],
    [['--rate-limit', '200000/s'], '--rate-limit: must be at most 100000/s (rate_limit.per_second ≤ 100000)'],
    [['--header', 'Content-Type: text/plain'], '--header: Content-Type is written by the delivery itself (headers.Content-Type)'],
  ])('create %j names the flag (a usage error: nothing was sent)', async (flags, told) => {
    const result = await create(flags);
    expect([result.code, result.stderr]).toEqual([ExitCode.usage, `error: invalid subscription: ${told}\n`]);
  });

  it('names the flag in a refusal only the API can make (a 400)', async () => {
    const result = await create(['--batch', '10', '--ordered']);
    expect(result.code).toBe(ExitCode.failed);
    expect(result.stderr).toMatch(/^error: .*: --batch: an ordered subscription sends one delivery at a time; choose batch or ordered \(400\)\n$/);
  });

  it('names the flag on update too, and --endpoint for the url', async () => {
    expect((await update(['--timeout', '31s'])).stderr).toBe('error: invalid subscription update: --timeout: must be at most 30s (timeout_ms ≤ 30000)\n');
    expect((await update(['--endpoint', 'ftp://127.0.0.1/x'])).stderr).toMatch(/^error: invalid subscription update: --endpoint: .+ \(url\)\n$/);
  });

  it('keeps the API path of a field the user wrote as raw JSON', async () => {
    const result = await runInProcess(['subscriptions', 'create', '--events', '*', '--destination', '{"type":"nats","servers":[],"subject":"x"}'], asTenant);
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toMatch(/^error: invalid subscription: destination\.servers: /);
  });

  it('names --since in a replay the API refuses', async () => {
    const result = await runInProcess(['replay', subscriptionId, '--since', '30d'], asTenant);
    expect(result.code).toBe(ExitCode.failed);
    expect(result.stderr).toMatch(/--since: /);
  });

  it.each([
    [['subscriptions', 'update', 'sub_unread', '--events', ',,']],
    [['subscriptions', 'create', 'http://127.0.0.1:9/hook', '--events', ' , ']],
    [['replay', 'sub_unread', '--since', '1h', '--types', ',']],
  ])('refuses a list flag given empty: %j', async (args) => {
    const result = await runInProcess(args, asTenant);
    const flag = args.includes('--types') ? '--types' : '--events';
    expect([result.code, result.stderr]).toEqual([ExitCode.usage, expect.stringContaining(`error: ${flag} is empty: give one or more, comma-separated`)]);
  });

  it('refuses listen --secret given empty instead of verifying nothing', async () => {
    const result = await runInProcess(['listen', '--port', '0', '--secret', ''], asTenant);
    expect([result.code, result.stderr]).toEqual([ExitCode.usage, expect.stringContaining('error: --secret is empty')]);
  });
});
