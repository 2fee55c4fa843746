import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Subscription } from '@hookfleet/client';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { jsonInProcess, runInProcess } from './cli-in-process.js';
import type { CliEnv } from './cli-process.js';
import { ExitCode } from '../src/errors.js';

describe('subscriptions create and update with headers, its own retries, timeout and batch', () => {
  let fleet: TestFleet;
  let asTenant: CliEnv;

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    const tenant = await fleet.createTenant();
    asTenant = { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: tenant.api_key };
  });
  afterAll(() => fleet.stop());

  it('sends the flags as the API fields and prints them back', async () => {
    const flags = ['--header', 'X-Env: prod', '--header', 'X-Team: billing', '--retry', '10s,5m,1h', '--max-attempts', '3', '--timeout', '5s', '--batch', '100', '--batch-wait', '500ms'];
    const created = await jsonInProcess<Subscription>(['subscriptions', 'create', 'http://127.0.0.1:9/hook', '--events', '*', ...flags, '--json'], asTenant);
    expect(created).toMatchObject({
      headers: { 'X-Env': 'prod', 'X-Team': 'billing' },
      retry: { delays_seconds: [10, 300, 3600], max_attempts: 3 },
      timeout_ms: 5000,
      batch: { max_events: 100, max_wait_ms: 500 },
    });
    const shown = await runInProcess(['subscriptions', 'show', created.id], asTenant);
    expect(shown.stdout).toMatch(/^headers:\s+X-Env: prod; X-Team: billing$/m);
    expect(shown.stdout).toMatch(/^retries:\s+10s,300s,3600s \(3 attempts\)$/m);
    expect(shown.stdout).toMatch(/^timeout:\s+5000ms$/m);
    expect(shown.stdout).toMatch(/^batch:\s+up to 100, waiting at most 500ms$/m);
  });

  it('changes the options and the endpoint with subscriptions update', async () => {
    const created = await jsonInProcess<Subscription>(['subscriptions', 'create', 'http://127.0.0.1:9/hook', '--events', '*', '--json'], asTenant);
    const updated = await jsonInProcess<Subscription>(['subscriptions', 'update', created.id, '--endpoint', 'http://127.0.0.1:9/other', '--header', 'X-Env: staging', '--timeout', '2s', '--json'], asTenant);
    expect(updated).toMatchObject({ url: 'http://127.0.0.1:9/other', headers: { 'X-Env': 'staging' }, timeout_ms: 2000, retry: null });
    const toPoll = await jsonInProcess<Subscription>(['subscriptions', 'update', created.id, '--destination', '{"type":"poll"}', '--json'], asTenant);
    expect(toPoll.destination).toEqual({ type: 'poll' });
  });

  const createWith = (flags: string[]) => jsonInProcess<Subscription>(['subscriptions', 'create', 'http://127.0.0.1:9/hook', '--events', '*', ...flags], asTenant);
  const update = (id: string, flags: string[]) => jsonInProcess<Subscription>(['subscriptions', 'update', id, ...flags], asTenant);

  it('changes only the part of an option an update names, the rest kept as stored', async () => {
    const created = await createWith(['--batch', '100', '--batch-wait', '200ms', '--retry', '10s,5m,1h', '--max-attempts', '3', '--header', 'X-Env: prod', '--header', 'X-Team: billing']);
    expect((await update(created.id, ['--batch', '10'])).batch).toEqual({ max_events: 10, max_wait_ms: 200 });
    expect((await update(created.id, ['--batch-wait', '300ms'])).batch).toEqual({ max_events: 10, max_wait_ms: 300 });
    expect((await update(created.id, ['--max-attempts', '2'])).retry).toEqual({ delays_seconds: [10, 300, 3600], max_attempts: 2 });
    // A ladder cut short stays cut short.
    expect((await update(created.id, ['--retry', '5s,1m'])).retry).toEqual({ delays_seconds: [5, 60], max_attempts: 2 });
    // One header changed (names are case-insensitive), the other kept.
    expect((await update(created.id, ['--header', 'x-env: staging'])).headers).toEqual({ 'X-Team': 'billing', 'x-env': 'staging' });
  });

  it('gives a new ladder every step when the stored one used every step', async () => {
    const created = await createWith(['--retry', '10s,5m']);
    expect((await update(created.id, ['--retry', '5s,1m,10m'])).retry).toEqual({ delays_seconds: [5, 60, 600], max_attempts: 4 });
  });

  it('refuses --batch-wait or --max-attempts alone on a subscription without a batch or a ladder of its own', async () => {
    const created = await createWith([]);
    const wait = await runInProcess(['subscriptions', 'update', created.id, '--batch-wait', '300ms'], asTenant);
    expect([wait.code, wait.stderr]).toEqual([ExitCode.usage, expect.stringMatching(/--batch-wait changes the wait of a batch, and .+ does not batch: give --batch too/)]);
    const attempts = await runInProcess(['subscriptions', 'update', created.id, '--max-attempts', '2'], asTenant);
    expect([attempts.code, attempts.stderr]).toEqual([ExitCode.usage, expect.stringMatching(/--max-attempts changes a retry ladder, and .+ has none of its own: give --retry too/)]);
    expect(await jsonInProcess<Subscription>(['subscriptions', 'show', created.id], asTenant)).toMatchObject({ batch: null, retry: null });
  });

  it('puts options back to their defaults with the --no- flags', async () => {
    const created = await createWith(['--batch', '10', '--retry', '10s', '--timeout', '5s', '--header', 'X-Env: prod', '--rate-limit', '10/s']);
    const cleared = await update(created.id, ['--no-batch', '--no-retry', '--no-timeout', '--no-headers', '--no-rate-limit']);
    expect(cleared).toMatchObject({ batch: null, retry: null, timeout_ms: null, headers: {}, rate_limit: null });
    const replaced = await update(created.id, ['--header', 'X-Env: prod', '--header', 'X-Team: billing']);
    expect((await update(replaced.id, ['--no-headers', '--header', 'X-Only: this'])).headers).toEqual({ 'X-Only': 'this' });
    const help = await runInProcess(['subscriptions', 'update', '--help'], asTenant);
    for (const flag of ['--no-batch', '--no-retry', '--no-timeout', '--no-headers', '--no-rate-limit']) expect(help.stdout).toContain(flag);
  });

  it.each([
    [['--batch', '5', '--no-batch'], 'give --batch or --no-batch, not both'],
    [['--batch-wait', '1s', '--no-batch'], 'give --batch-wait or --no-batch, not both'],
    [['--retry', '5s', '--no-retry'], 'give --retry or --no-retry, not both'],
    [['--max-attempts', '2', '--no-retry'], 'give --max-attempts or --no-retry, not both'],
    [['--timeout', '5s', '--no-timeout'], 'give --timeout or --no-timeout, not both'],
  ])('refuses update %j', async (flags, message) => {
    const result = await runInProcess(['subscriptions', 'update', 'sub_unread', ...flags], asTenant);
    expect([result.code, result.stderr]).toEqual([ExitCode.usage, expect.stringContaining(message)]);
  });

  it.each([
    [['--header', 'no colon'], /--header must look like/],
    [['--max-attempts', '2'], /--max-attempts goes with --retry/],
    [['--header', 'Content-Type: text/plain'], /headers\.Content-Type/],
    // Not rounded to 2s and 3s: the ladder stored must be the one typed.
    [['--retry', '10s,1500ms'], /--retry steps must be whole seconds \(10, 10s, 5m, 1h\), got "1500ms"/],
    [['--retry', '2.5s'], /--retry steps must be whole seconds/],
  ])('refuses %j', async (flags, message) => {
    const result = await runInProcess(['subscriptions', 'create', 'http://127.0.0.1:9/hook', '--events', '*', ...flags], asTenant);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });
});
