import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Subscription } from '@hookfleet/client';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { jsonInProcess, runInProcess } from './cli-in-process.js';
import type { CliEnv } from './cli-process.js';

describe('subscriptions create with headers, its own retries, timeout and batch', () => {
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

  it.each([
    [['--header', 'no colon'], /--header must look like/],
    [['--max-attempts', '2'], /--max-attempts goes with --retry/],
    [['--header', 'Content-Type: text/plain'], /headers\.Content-Type/],
  ])('refuses %j', async (flags, message) => {
    const result = await runInProcess(['subscriptions', 'create', 'http://127.0.0.1:9/hook', '--events', '*', ...flags], asTenant);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });
});
