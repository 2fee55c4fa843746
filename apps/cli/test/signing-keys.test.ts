import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SigningKeySet, Subscription } from '@hookfleet/client';
import { ADMIN_TOKEN, startFleet, type TestFleet } from '../../../test/fleet.js';
import { waitFor } from '../../../test/wait.js';
import { jsonInProcess, runInProcess, startInProcess } from './cli-in-process.js';
import type { CliEnv } from './cli-process.js';

/** `--signature`, `signing-keys show|rotate` and `listen --tenant` against a running fleet. */
describe('the CLI and v1a signatures', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };
  let asTenant: CliEnv;
  let asOperator: CliEnv;

  beforeAll(async () => {
    fleet = await startFleet();
    tenant = await fleet.createTenant();
    asTenant = { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: tenant.api_key };
    asOperator = { HOOKFLEET_URL: fleet.api.url, HOOKFLEET_TOKEN: ADMIN_TOKEN };
  });
  afterAll(() => fleet.stop());

  it('listen --tenant verifies v1a deliveries with the published keys, before and after a rotation', async () => {
    const listener = startInProcess(['listen', '--port', '0', '--tenant', tenant.id, '--json'], { HOOKFLEET_URL: fleet.api.url });
    try {
      const url = (await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(listener.stderr())?.[1], { message: 'listening' })) as string;
      const created = await jsonInProcess<Subscription>(['subscriptions', 'create', `${url}/v1a`, '--events', 'keys.*', '--signature', 'v1a'], asTenant);
      expect(created.signature).toBe('v1a');
      const printed = () =>
        listener
          .stdout()
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as { signature: string; profile: string; headers: Record<string, string>; body: { data: { n: number } } });
      await jsonInProcess(['publish', '--tenant', tenant.id, '--type', 'keys.before', '--data', '{"n":1}'], asOperator);
      const before = await waitFor(() => printed().find((line) => line.body.data.n === 1), { message: 'the first delivery printed' });
      expect(before).toMatchObject({ profile: 'standard', signature: 'verified' });

      const rotated = await jsonInProcess<SigningKeySet>(['signing-keys', 'rotate', tenant.id], asTenant);
      expect(rotated.keys.map((key) => key.status)).toEqual(['current', 'previous']);
      // The listener holds only the key fetched before the rotation: the old key signs alongside, so it verifies.
      for (let n = 2; ; n += 1) {
        await jsonInProcess(['publish', '--tenant', tenant.id, '--type', 'keys.after', '--data', JSON.stringify({ n })], asOperator);
        const after = await waitFor(() => printed().find((line) => line.body.data.n === n), { message: `delivery ${n} printed` });
        expect(after.signature).toBe('verified');
        if (String(after.headers['webhook-key-id']).startsWith(rotated.keys[0]?.kid ?? '-')) break;
      }
    } finally {
      expect(await listener.stop()).toBe(0);
    }
  });

  it('shows the public keys as a table and as JSON, and switches a subscription back to v1', async () => {
    const shown = await runInProcess(['signing-keys', 'show', tenant.id], { HOOKFLEET_URL: fleet.api.url });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^KID\s+STATUS\s+EXPIRES\s+X$/m);
    expect(shown.stdout).toMatch(/\scurrent\s+-\s/);
    const asJson = await jsonInProcess<SigningKeySet>(['signing-keys', 'show', tenant.id], { HOOKFLEET_URL: fleet.api.url });
    expect(asJson.keys.length).toBeGreaterThanOrEqual(1);
    const created = await jsonInProcess<Subscription>(['subscriptions', 'create', 'http://127.0.0.1:9/x', '--events', 'keys.*', '--signature', 'v1a'], asTenant);
    const updated = await runInProcess(['subscriptions', 'update', created.id, '--signature', 'v1'], asTenant);
    expect(updated.stdout).toMatch(/^signature:\s+v1$/m);
    expect(await runInProcess(['subscriptions', 'update', created.id, '--signature', 'v2'], asTenant)).toMatchObject({ code: 2, stderr: expect.stringContaining('--signature must be v1 or v1a') });
  });
});
