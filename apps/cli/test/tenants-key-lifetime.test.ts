import { describe, expect, it } from '@jest/globals';
import { runInProcess } from './cli-in-process.js';

/** `tenants rotate-key --previous-key-expires-in` past the 7-day limit: refused in the flag's terms, before any request. */
describe('tenants rotate-key with too long a lifetime for the old key', () => {
  // Nothing listens there: the refusal must come before the CLI asks the API anything.
  const env = { HOOKFLEET_URL: 'http://127.0.0.1:9', HOOKFLEET_TOKEN: 'hfadm_unused' };

  it('names the flag, what was typed and the limit as a duration, and exits 2 (usage)', async () => {
    const refused = await runInProcess(['tenants', 'rotate-key', 'ten_123', '--previous-key-expires-in', '8d'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: --previous-key-expires-in: "8d" is too long: the old key may keep working at most 7d/);
    expect(refused.stdout).toBe('');
  });

  it('takes 7d itself (it then goes on to the API, which is not there)', async () => {
    const sent = await runInProcess(['tenants', 'rotate-key', 'ten_123', '--previous-key-expires-in', '7d'], env);
    expect(sent.code).toBe(3);
    expect(sent.stderr).toMatch(/cannot reach hookfleet/);
  });
});
