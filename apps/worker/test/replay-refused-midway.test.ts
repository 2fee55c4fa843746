import { describe, expect, it } from '@jest/globals';
import { deliveryIdFor } from '@hookfleet/core';
import { RefusingRelayFleet, type Refusal } from '../../../test/refusing-relay-fleet.js';
import { numberedEvent, range } from './numbered-events.js';

const EVENTS = 3;

/**
 * A replay whose chunk Redis starts refusing in the middle of the reset to pending (docs/guarantees.md, "Redis
 * refuses writes"): the chunk's job is added, held, and one delivery's reset is taken before the refusal. The chunk runs
 * again once Redis takes writes: it finds the job it handed the chunk to, still held, resets the rest and lets that
 * job go (packages/queue/src/redeliver.ts). A second job for the deliveries still to reset sent them twice: once by
 * it, once by the held job when its hold ran out. Every event is sent once, none left pending.
 */
describe('a replay whose chunk Redis refuses halfway through its reset', () => {
  const relayed = RefusingRelayFleet.forTests();

  it.each(['noreplicas', 'oom'] as const)('sends every event of the chunk once, those it had reset too (%s)', async (refusal: Refusal) => {
    const tenant = await relayed.fleet.createTenant(`refused replay ${refusal}`);
    const since = new Date(Date.now() - 1000).toISOString();
    // Published before the subscription exists: matched to nothing, retained for the replay to send.
    const eventIds = await relayed.publishUnmatched(range(0, EVENTS).map((index) => numberedEvent(tenant.id, `r${refusal}`, index)));
    const path = `/replayed-${refusal}`;
    const subscription = await relayed.subscribe(tenant, path, `r${refusal}.*`);
    const deliveryIds = eventIds.map((id) => deliveryIdFor(id, subscription.id));

    // Redis takes the first delivery's reset to pending and refuses the writes after it.
    const operationId = await relayed.startRefusedMidway(tenant, { kind: 'replay', subscriptionId: subscription.id, since }, deliveryIds, refusal);
    const states = await relayed.deliveries.states(deliveryIds);
    expect(states.filter((state) => state?.status === 'pending')).toHaveLength(1);
    await relayed.writable();

    expect(await relayed.operationEnded(tenant, operationId, 30_000)).toMatchObject({ status: 'done', error: null, done: EVENTS });
    await relayed.everyDelivered(deliveryIds, 30_000);
    await relayed.expectSentOnceEach(path, deliveryIds);
  });
});
