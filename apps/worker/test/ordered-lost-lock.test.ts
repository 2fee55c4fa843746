// An ordered job drains its subscription's whole backlog in one run, so it is the job most exposed to losing its
// BullMQ lock (its worker held up past the 6 s lock: a long pause, a worker cut off from Redis for a while). BullMQ
// then hands the job to another run, which takes the subscription's turn back as the same job. The run that lost
// its lock must stop before its next head, or both runs send the backlog side by side: every delivery twice and two
// requests in flight to an endpoint promised one at a time.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { ScriptedReceiver } from '../../../test/scripted-receiver.js';
import { waitFor } from '../../../test/wait.js';
import { publishNumbered, range } from './numbered-events.js';

/** At 40 ms an answer, some 8 s of backlog: the stalled check (every 2 s) hands the job over well before its end. */
const EVENTS = 200;

describe('an ordered job whose run lost its lock', () => {
  let fleet: TestFleet;
  let receiver: ScriptedReceiver;
  const arrivals: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;

  beforeAll(async () => {
    receiver = await new ScriptedReceiver((request, response) => {
      arrivals.push(Number((JSON.parse(request.body) as { data: { index: number } }).data.index));
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      // Slow enough that the backlog outlasts the stalled check that hands the job to a second run.
      receiver.later(40, () => {
        inFlight -= 1;
        response.writeHead(200).end();
      });
    }).start();
    fleet = await startFleet();
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  it('stops before its next head, so the run that took over sends the rest alone, in order', async () => {
    const tenant = await fleet.createTenant();
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/ordered'), events: ['lost.*'], ordered: true }, tenant.api_key);
    expect(created.status).toBe(201);
    await publishNumbered(fleet, tenant.id, 'lost', range(0, EVENTS));
    await waitFor(() => arrivals.length >= 10, { message: 'the first deliveries' });

    // The lock of the run draining the backlog is gone, as when its worker was held up past it: the stalled check
    // gives the job to a second run (this worker has free slots) while the first run is still sending.
    const queues = fleet.workers[0]?.context.queues;
    if (!queues) throw new Error('no worker');
    const active = await waitFor(async () => (await Promise.all(queues.deliveries.map(async (queue) => ({ queue, jobs: await queue.getActive() })))).find((entry) => entry.jobs.length > 0), {
      message: 'the ordered job running',
    });
    const job = active.jobs[0];
    if (!job?.id) throw new Error('no active job');
    await fleet.workers[0]?.context.redis.del(`${active.queue.toKey(job.id)}:lock`);
    await waitFor(async () => ((await active.queue.getJob(job.id as string))?.attemptsStarted ?? 0) >= 2, { timeoutMs: 10_000, message: 'a second run' });
    // The second run began while the backlog was still being sent: both runs had work left to overlap on.
    expect(new Set(arrivals).size).toBeLessThan(EVENTS - 10);

    await waitFor(() => new Set(arrivals).size >= EVENTS, { timeoutMs: 30_000, message: 'every event delivered' });
    // Whatever was in flight when the second run began may go twice (at least once), nothing more, and in order.
    const collapsed = arrivals.filter((index, position) => position === 0 || arrivals[position - 1] !== index);
    expect(collapsed).toEqual(range(0, EVENTS));
    expect(arrivals.length).toBeLessThanOrEqual(EVENTS + 2);
  });
});
