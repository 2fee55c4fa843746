import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Subscription } from '@hookfleet/client';
import { jsonInProcess, runInProcess } from './cli-in-process.js';
import type { CliEnv } from './cli-process.js';
import { startTenantCli } from './tenant-cli.js';

/** `subscriptions rotate-secret` against a running fleet: the SDK's rotateSecret from the terminal. */
describe('the CLI rotating a subscription secret', () => {
  let started: Awaited<ReturnType<typeof startTenantCli>>;
  let asTenant: CliEnv;

  beforeAll(async () => {
    started = await startTenantCli();
    asTenant = started.asTenant;
  });
  afterAll(() => started.fleet.stop());

  const create = () => jsonInProcess<Subscription>(['subscriptions', 'create', 'http://127.0.0.1:9/hook', '--events', '*'], asTenant);

  it('prints a new generated secret, which the subscription then shows, and until when the old one still signs', async () => {
    const subscription = await create();
    const rotated = await runInProcess(['subscriptions', 'rotate-secret', subscription.id], asTenant);
    expect(rotated.code).toBe(0);
    const secret = /^secret:\s+(whsec_\S+)$/m.exec(rotated.stdout)?.[1];
    expect(secret).toBeDefined();
    expect(secret).not.toBe(subscription.secret);
    const until = /^previous secret signs until:\s+(.+)$/m.exec(rotated.stdout)?.[1];
    expect(until).toBeDefined();
    expect(until).not.toBe('-');
    const shown = await jsonInProcess<Subscription>(['subscriptions', 'show', subscription.id], asTenant);
    expect(shown.secret).toBe(secret);
    const left = Date.parse(shown.previous_secret_expires_at as string) - Date.now();
    expect(left).toBeGreaterThan(23 * 3600_000);
    expect(left).toBeLessThanOrEqual(24 * 3600_000);
  });

  it('takes the secret given, and answers --json with the subscription', async () => {
    const subscription = await create();
    const given = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const rotated = await jsonInProcess<Subscription>(['subscriptions', 'rotate-secret', subscription.id, '--secret', given], asTenant);
    expect([rotated.id, rotated.secret]).toEqual([subscription.id, given]);
  });

  it('refuses a secret the profile cannot use, naming the flag, and an unknown subscription with exit 5', async () => {
    const subscription = await create();
    const refused = await runInProcess(['subscriptions', 'rotate-secret', subscription.id, '--secret', 'not-a-whsec-secret'], asTenant);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/secret/);
    expect((await jsonInProcess<Subscription>(['subscriptions', 'show', subscription.id], asTenant)).secret).toBe(subscription.secret);
    expect((await runInProcess(['subscriptions', 'rotate-secret', 'sub_doesnotexist'], asTenant)).code).toBe(5);
  });
});
