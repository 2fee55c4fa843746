import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { spawnApi, type ApiProcess } from '../../../test/api-process.js';
import { apiClient } from '../../../test/http-client.js';
import { auditDeliveries, dataKey, pause } from '../../../test/delivery-audit.js';
import { waitFor } from '../../../test/wait.js';

const SINGLE_PRODUCERS = 6;
const BATCH_PRODUCERS = 2;
const BATCH_SIZE = 20;

describe('API crash', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let api: ApiProcess;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver().start();
    // Workers in this process; producers talk to an API process that gets SIGKILLed.
    fleet = await startFleet();
    api = await spawnApi(fleet.config);
    tenant = await fleet.createTenant('crash');
  });

  afterAll(async () => {
    await api?.stop();
    await fleet?.stop();
    await receiver?.stop();
  });

  it('never answers 202 for an event it then loses, and a producer retrying an unanswered event gets it delivered once', async () => {
    await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/crash'), events: ['crash.*'] }, tenant.api_key);
    const call = apiClient(() => api.url);
    const accepted = new Set<string>();
    const unanswered = new Set<string>();
    const unexpected: string[] = [];
    let running = true;
    let next = 0;
    const event = (key: string) => ({ tenant: tenant.id, profile: 'standard', type: 'crash.tick', id: key, data: { key } });

    const singles = Array.from({ length: SINGLE_PRODUCERS }, async () => {
      while (running) {
        const key = `crash-${next++}`;
        try {
          const answer = await call('POST', '/v1/events', event(key), undefined, { timeoutMs: 10_000 });
          if (answer.status === 202) accepted.add(key);
          else unexpected.push(`${key}: ${answer.status}`);
        } catch {
          unanswered.add(key);
        }
      }
    });
    const batches = Array.from({ length: BATCH_PRODUCERS }, async () => {
      while (running) {
        const keys = Array.from({ length: BATCH_SIZE }, () => `crash-${next++}`);
        try {
          const answer = await call('POST', '/v1/events/batch', { events: keys.map(event) }, undefined, { timeoutMs: 10_000 });
          if (answer.status === 202) keys.forEach((key) => accepted.add(key));
          else unexpected.push(`${keys[0]}…: ${answer.status}`);
        } catch {
          keys.forEach((key) => unanswered.add(key));
        }
      }
    });

    await waitFor(() => accepted.size >= 1_000, { timeoutMs: 20_000, message: '1,000 events accepted' });
    await api.kill();
    // Producers see the dead API for a moment: every call fails fast.
    await waitFor(() => unanswered.size > 0, { message: 'calls failing after the kill' });
    await pause(200);
    running = false;
    await Promise.all([...singles, ...batches]);

    // Every 202 is delivered, with the API still dead.
    await waitFor(() => [...accepted].every((key) => receiver.forPath('/crash').some((request) => dataKey(request) === key)) || null, {
      timeoutMs: 30_000,
      intervalMs: 250,
      message: 'every accepted event delivered',
    }).catch(() => undefined);
    const afterCrash = auditDeliveries(receiver.forPath('/crash'), accepted, dataKey);
    const deliveredAnyway = [...unanswered].filter((key) => receiver.forPath('/crash').some((request) => dataKey(request) === key)).length;

    // The producer retries what got no answer on a new API process: each is then accepted or known, and delivered.
    api = await spawnApi(fleet.config);
    const retried = [...unanswered];
    const retryStatuses = new Map<number, number>();
    for (let offset = 0; offset < retried.length; offset += 100) {
      const answers = await Promise.all(retried.slice(offset, offset + 100).map((key) => call('POST', '/v1/events', event(key))));
      for (const answer of answers) retryStatuses.set(answer.status, (retryStatuses.get(answer.status) ?? 0) + 1);
    }
    const everything = [...accepted, ...unanswered];
    await waitFor(() => new Set(receiver.forPath('/crash').map(dataKey)).size >= everything.length, { timeoutMs: 30_000, message: 'every event delivered after the retries' });
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0, { message: 'queues drained' });
    const final = auditDeliveries(receiver.forPath('/crash'), everything, dataKey);
    console.log(
      `api crash: ${accepted.size} accepted before the SIGKILL, ${afterCrash.missing.length} of them lost; ${unanswered.size} unanswered ` +
        `(${deliveredAnyway} delivered anyway); retried: ${[...retryStatuses].map(([status, count]) => `${count}×${status}`).join(', ')}; ` +
        `${final.duplicates} duplicates in the end`,
    );

    expect(unexpected).toEqual([]);
    expect(afterCrash.missing).toEqual([]);
    expect([...retryStatuses.keys()].every((status) => status === 202 || status === 200)).toBe(true);
    expect(final.missing).toEqual([]);
    expect(final.inconsistent).toEqual([]);
    // A producer's retry of an event the dead API had already queued is deduplicated, not delivered twice.
    expect(final.duplicates).toBe(0);
  }, 60_000);
});
