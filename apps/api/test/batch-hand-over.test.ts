// The API hands a batching subscription its events at acceptance (packages/queue/src/hand-over.ts): the payload's
// `+` line names it, a batch job for it is in its deliveries queue, and the matcher job tells the matcher to skip it.
// No worker runs, so what the API left is read as it left it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Job } from 'bullmq';
import { deliveryIdFor } from '@hookfleet/core';
import { createQueues, GROUP_JOB_RETRIES, groupJobId, type DeliveryJobData, type HookfleetQueues, type MatchJobData, type QueueConnection } from '@hookfleet/queue';
import { connectRedis, Keys, type RedisClient } from '@hookfleet/store';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { testQueueConnection } from '../../../test/redis.js';

const WAITING = ['wait', 'waiting', 'prioritized', 'delayed'] as const;

describe('batch hand-over at acceptance', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };
  let queueConnection: QueueConnection;
  let queues: HookfleetQueues;
  let redis: RedisClient;
  let keys: Keys;

  beforeAll(async () => {
    fleet = await startFleet({}, { workers: 0 });
    tenant = await fleet.createTenant();
    queueConnection = testQueueConnection();
    queues = createQueues(queueConnection.connection, fleet.config.prefix, undefined, fleet.config.partitions);
    redis = connectRedis(fleet.config);
    keys = new Keys(fleet.config.prefix);
  });
  afterAll(async () => {
    await queues.close();
    await queueConnection.close();
    redis.disconnect();
    await fleet.stop();
  });

  async function subscribe(type: string, extra: Record<string, unknown> = {}): Promise<string> {
    const created = await fleet.call('POST', '/v1/subscriptions', { url: 'http://127.0.0.1:9/hook', events: [type], ...extra }, tenant.api_key);
    expect([created.status, created.body.issues]).toEqual([201, undefined]);
    return (created.body as { id: string }).id;
  }

  async function publish(type: string, ids: readonly string[]): Promise<number> {
    const events = ids.map((id, index) => ({ tenant: tenant.id, profile: 'standard', type, id, data: { index } }));
    return (await fleet.call('POST', '/v1/events/batch', { events })).status;
  }

  /** A subscription's jobs in its deliveries queue (which other subscriptions share). */
  const jobsOf = async (subscriptionId: string) =>
    ((await queues.deliveriesFor(subscriptionId).getJobs([...WAITING])) as Array<Job<DeliveryJobData> | undefined>).filter((job) => job?.data.subscriptionId === subscriptionId) as Array<Job<DeliveryJobData>>;
  const matchJobs = async () => (await queues.events.getJobs([...WAITING])).filter(Boolean) as Array<Job<MatchJobData>>;
  const matchJobOf = async (eventId: string) => (await matchJobs()).find((job) => job.data.eventIds.includes(eventId));
  const linesAfterJson = async (eventId: string) => ((await redis.get(keys.event(eventId))) as string).split('\n').slice(1);

  it('hands a batching subscription its events: the `+` line, an unrecorded batch job, the matcher told to skip it', async () => {
    const batching = await subscribe('ho.created', { batch: { max_events: 10, max_wait_ms: 1000 } });
    const plain = await subscribe('ho.created');
    const eventIds = ['ho_1', 'ho_2', 'ho_3'];
    expect(await publish('ho.created', eventIds)).toBe(202);
    for (const eventId of eventIds) expect(await linesAfterJson(eventId)).toEqual([`+${batching}`]);
    // With no record yet, the event lists that delivery as pending (payload-value.ts).
    const shown = await fleet.call('GET', `/v1/events/ho_1`, undefined, tenant.api_key);
    expect(shown.body.deliveries).toEqual([expect.objectContaining({ id: deliveryIdFor('ho_1', batching), subscription_id: batching, status: 'pending' })]);
    const batchJobs = await jobsOf(batching);
    expect(batchJobs.map((job) => [job.name, job.id, job.data, job.opts.attempts])).toEqual([
      ['batch', groupJobId(batching, eventIds), { kind: 'batch', subscriptionId: batching, profile: 'standard', eventIds, unrecorded: true }, GROUP_JOB_RETRIES.attempts],
    ]);
    // The plain subscription is the matcher's, as before.
    expect(await jobsOf(plain)).toEqual([]);
    expect((await matchJobOf('ho_1'))?.data).toEqual({ eventIds, handedOver: [batching] });
    // Counted where they are made: by the API, as the matcher counts the deliveries it makes.
    const exposition = await (await fetch(`${fleet.api.url}/metrics`)).text();
    expect(exposition).toContain('hookfleet_deliveries_enqueued_total{profile="standard"} 3\n');
  });

  it('hands nothing to a batching subscription with a delay, and leaves the matcher job as it was', async () => {
    const delayed = await subscribe('ho.delayed', { batch: { max_events: 10, max_wait_ms: 1000 }, delay_seconds: 5 });
    expect(await publish('ho.delayed', ['ho_d1'])).toBe(202);
    expect(await linesAfterJson('ho_d1')).toEqual([]);
    expect(await jobsOf(delayed)).toEqual([]);
    expect((await matchJobOf('ho_d1'))?.data).toEqual({ eventIds: ['ho_d1'] });
  });

  it('adds nothing for a duplicate', async () => {
    const batching = await subscribe('ho.dup', { batch: { max_events: 10, max_wait_ms: 1000 } });
    expect(await publish('ho.dup', ['ho_dup'])).toBe(202);
    const value = await redis.get(keys.event('ho_dup'));
    const matchCount = (await matchJobs()).length;
    // Sent again, alone and beside a new one.
    expect(await publish('ho.dup', ['ho_dup'])).toBe(202);
    expect(await publish('ho.dup', ['ho_dup', 'ho_dup2'])).toBe(202);
    expect(await redis.get(keys.event('ho_dup'))).toBe(value);
    const batchJobs = await jobsOf(batching);
    expect(batchJobs.map((job) => (job.data.kind === 'batch' ? job.data.eventIds.join() : '')).sort()).toEqual(['ho_dup', 'ho_dup2']);
    // Handed over to the one subscription it matches, the new event needs no matcher job either.
    expect((await matchJobs()).length).toBe(matchCount);
    expect(await matchJobOf('ho_dup2')).toBeUndefined();
  });
});
