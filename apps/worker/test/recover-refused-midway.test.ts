import { describe, expect, it } from '@jest/globals';
import { deliveryIdFor } from '@hookfleet/core';
import { RefusingRelayFleet, type Refusal } from '../../../test/refusing-relay-fleet.js';
import { numberedEvent, range } from './numbered-events.js';

const DEAD = 3;

/**
 * A recover whose chunk Redis starts refusing in the middle of the reset to pending (docs/guarantees.md, "Redis
 * refuses writes"): the delivery whose reset was taken reads pending, the others still dead. The chunk runs again once
 * Redis takes writes and lists only those still dead; the one it reset is sent by the job added, held, before the
 * reset (packages/queue/src/redeliver.ts). Nothing is left pending with no attempt coming, nothing is sent twice.
 */
describe('a recover whose chunk Redis refuses halfway through its reset', () => {
  const relayed = RefusingRelayFleet.forTests();

  // NOREPLICAS refuses every write; at its memory limit Redis still takes those that need no memory (ZREM, EXPIRE).
  it.each(['noreplicas', 'oom'] as const)('sends every dead delivery once, the one it had reset too (%s)', async (refusal: Refusal) => {
    const { fleet, deliveries } = relayed;
    const tenant = await fleet.createTenant(`refused recover ${refusal}`);
    const since = new Date(Date.now() - 1000).toISOString();
    // Published before the subscription exists: matched to nothing, kept for the recover to send.
    const eventIds = await relayed.publishUnmatched(range(0, DEAD).map((index) => numberedEvent(tenant.id, refusal, index)));
    const path = `/refused-${refusal}`;
    const subscription = await relayed.subscribe(tenant, path, `${refusal}.*`);
    // Dead, as spent ladders leave them.
    const records = eventIds.map((id) => ({ id: deliveryIdFor(id, subscription.id), eventId: id, subscriptionId: subscription.id }));
    await deliveries.createPending(records);
    await deliveries.markDead(records.map((record) => ({ id: record.id, subscriptionId: subscription.id, attempts: 0 })));
    const deliveryIds = records.map((record) => record.id);

    // Redis takes the first delivery's reset to pending and refuses the writes after it.
    const operationId = await relayed.startRefusedMidway(tenant, { kind: 'recover', subscriptionId: subscription.id, since }, deliveryIds, refusal);
    const states = await deliveries.states(deliveryIds);
    expect(states.map((state) => state?.status).sort()).toEqual(['dead', 'dead', 'pending']);
    // Those still dead are still listed so: a recover run again finds them.
    const listed = await fleet.call('GET', `/v1/deliveries?subscription=${subscription.id}&status=dead`, undefined, tenant.api_key);
    expect(listed.body.data).toHaveLength(2);
    await relayed.writable();

    await relayed.everyDelivered(deliveryIds, 45_000);
    expect(await relayed.operationEnded(tenant, operationId)).toMatchObject({ status: 'done', error: null });
    await relayed.expectSentOnceEach(path, deliveryIds);
  });
});
