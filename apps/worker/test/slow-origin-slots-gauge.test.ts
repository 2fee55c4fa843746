import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ServerResponse } from 'node:http';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { ScriptedReceiver } from '../../../test/scripted-receiver.js';
import { waitFor } from '../../../test/wait.js';

/** Request slots of the worker: slow and unknown origins may hold half of them (packages/delivery/src/slow-origins.ts). */
const DELIVERY_CONCURRENCY = 4;
const SLOW_ORIGIN_SHARE = DELIVERY_CONCURRENCY / 2;

/**
 * `hookfleet_slow_origin_slots`: how many of a worker's request slots slow and unknown origins hold, read when /metrics
 * is scraped (the transport's count), so the requests themselves update nothing. An endpoint never heard from that
 * holds every request it gets fills the share; once it answers, the slots are free.
 */
describe("the worker's gauge of request slots held by slow origins", () => {
  let fleet: TestFleet;
  let receiver: ScriptedReceiver;
  const held: ServerResponse[] = [];

  const gauge = async () =>
    Number(/^hookfleet_slow_origin_slots (\S+)$/m.exec(await (await fetch(`http://127.0.0.1:${fleet.workers[0]!.metricsPort}/metrics`)).text())?.[1]);
  const releaseHeld = () => {
    for (const response of held.splice(0)) response.writeHead(200).end();
  };

  beforeAll(async () => {
    receiver = await new ScriptedReceiver((_request, response) => {
      held.push(response);
    }).start();
    fleet = await startFleet({ DELIVERY_CONCURRENCY: String(DELIVERY_CONCURRENCY) });
  });

  afterAll(async () => {
    releaseHeld();
    await fleet?.stop();
    await receiver?.stop();
  });

  it('reads the slots the share holds while an endpoint holds its requests, and 0 once they are answered', async () => {
    expect(await gauge()).toBe(0);
    const tenant = await fleet.createTenant('slow-slots');
    expect((await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/held'), events: ['slow.*'] }, tenant.api_key)).status).toBe(201);
    for (let index = 0; index < 6; index += 1) {
      expect((await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'slow.tick', data: { index } })).status).toBe(202);
    }
    await waitFor(async () => (await gauge()) === SLOW_ORIGIN_SHARE, { message: 'the share full' });
    expect(fleet.workers[0]!.context.transport.slowOriginSlotsInUse).toBe(SLOW_ORIGIN_SHARE);
    // Answered as they come from here on: every delivery ends, and no slot stays held.
    await waitFor(
      async () => {
        releaseHeld();
        return receiver.forPath('/held').length >= 6 && (await unfinishedJobs(fleet)) === 0;
      },
      { message: 'every delivery answered' },
    );
    releaseHeld();
    await waitFor(async () => (await gauge()) === 0, { message: 'no slot held' });
  });
});
