import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TestReceiver } from '../../../test/receiver.js';
import { runInProcess } from './cli-in-process.js';

/**
 * `publish --file` with more than 500 events sends them 500 a request; when a later request is refused, the first
 * ones are already accepted. A stub API refuses the second request, as the real one does for an event whose data
 * does not fit its registered schema.
 */
describe('publish --file: a refusal after the first 500 events says what was accepted', () => {
  const api = new TestReceiver((request) => {
    const { events } = JSON.parse(request.body) as { events: Array<{ id: string }> };
    if (events.length < 500)
      return {
        status: 400,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ error: 'invalid event', code: 'validation_failed', issues: [{ path: 'events.200.data.total', message: 'must be integer' }] }),
      };
    return { status: 202, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ results: events.map(({ id }) => ({ id, deduplicated: false })) }) };
  });
  const dir = mkdtempSync(join(tmpdir(), 'hookfleet-cli-publish-'));
  const file = (name: string, events: unknown[]) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(events));
    return path;
  };
  const event = (index: number, withId: boolean) => ({ tenant: 'ten_1', type: 'invoice.paid', data: { total: index }, ...(withId ? { id: `inv-${index}` } : {}) });

  beforeAll(async () => {
    await api.start();
  });
  afterAll(async () => {
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the events accepted before the refusal and says sending them again is safe when each has an id', async () => {
    const path = file('with-ids.json', Array.from({ length: 700 }, (_, index) => event(index, true)));
    const result = await runInProcess(['publish', '--file', path], { HOOKFLEET_URL: api.url('/ids'), HOOKFLEET_TOKEN: 'op' });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'error: invalid event: events.700.data.total: must be integer (400); the first 500 of the 700 events (0-499) were accepted before this refusal, ' +
        'none after them; sending the same events again is safe: the accepted ones keep their ids, so they are not delivered twice\n',
    );
  });

  it('warns that accepted events without an id would be delivered twice if the whole file were sent again', async () => {
    const path = file('without-ids.json', Array.from({ length: 700 }, (_, index) => event(index, index >= 3)));
    const result = await runInProcess(['publish', '--file', path, '--json'], { HOOKFLEET_URL: api.url('/no-ids'), HOOKFLEET_TOKEN: 'op' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the first 500 of the 700 events \(0-499\) were accepted before this refusal, none after them; /);
    expect(result.stderr).toMatch(/3 accepted events had no "id" .* delivered twice: send only the events from 500 on, or give every event an "id"\n$/);
    // The accepted events' ids, the generated ones too, are on stdout for the script.
    const { results } = JSON.parse(result.stdout) as { results: Array<{ id: string; deduplicated: boolean }> };
    expect(results).toHaveLength(500);
    expect(results.slice(0, 3).map((entry) => entry.id)).toEqual([expect.stringMatching(/^evt_/), expect.stringMatching(/^evt_/), expect.stringMatching(/^evt_/)]);
  });

  it('says nothing more when the first request is the one refused', async () => {
    const path = file('small.json', Array.from({ length: 3 }, (_, index) => event(index, true)));
    const result = await runInProcess(['publish', '--file', path], { HOOKFLEET_URL: api.url('/small'), HOOKFLEET_TOKEN: 'op' });
    expect(result).toMatchObject({ code: 1, stderr: 'error: invalid event: events.200.data.total: must be integer (400)\n' });
  });
});
