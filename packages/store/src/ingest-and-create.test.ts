// The ingest and matcher writes that one script a batch makes on a single Redis (and a script a key on a cluster):
// the dedupe markers (in the payload's value, or a key of their own) and their flush's confirmation, and the delivery
// records created as "pending, 0 attempts".
import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { deliveryIdFor, type StoredEvent } from '@hookfleet/core';
import { findProfile, lastAttemptWithinMs } from '@hookfleet/profiles';
import { DeliveryStore } from './delivery-store.js';
import { EventStore } from './event-store.js';
import { eventJson } from './stored-event-json.js';
import { payloadJson, subscriptionIdsOfPayload } from './payload-value.js';
import { Keys } from './keys.js';
import { connectRedis } from './redis.js';
import { deleteKeys, testRedisTarget } from '../../../test/redis.js';

const eventOf = (id: string): StoredEvent => ({
  id,
  tenant: 'ten_1',
  profile: 'standard',
  type: 'order.created',
  data: { id },
  occurred_at: '2026-12-04T00:00:00.000Z',
  received_at: new Date().toISOString(),
  actor: null,
  fields_changed: null,
  visible_to: null,
});

describe('accepting a flush of events', () => {
  const redis = connectRedis(testRedisTarget());
  const keys = new Keys(`ting${randomBytes(4).toString('hex')}`);
  const events = new EventStore(redis, keys, 24);
  // Forecast's ladder is over in minutes: kept one hour, its payloads are gone before the 24 h dedupe window is.
  const shortKeys = new Keys(`tins${randomBytes(4).toString('hex')}`);
  const shortLived = new EventStore(redis, shortKeys, 1);
  const forecastEventOf = (id: string): StoredEvent => ({ ...eventOf(id), profile: 'forecast', type: 'assignment.created' });
  afterAll(async () => {
    redis.disconnect();
    await deleteKeys(testRedisTarget(), keys.prefix);
    await deleteKeys(testRedisTarget(), shortKeys.prefix);
  });

  const stores: Array<[string, EventStore, (id: string) => StoredEvent]> = [
    ['the payload carries the marker (kept at least the dedupe window)', events, eventOf],
    ['a marker key beside the payload (kept one hour)', shortLived, forecastEventOf],
  ];
  it.each(stores)('answers per event: new, then a duplicate once its flush is confirmed, new again while it is not — %s', async (_, store, make) => {
    const first = await store.accept([make('evt_a'), make('evt_b')]);
    expect(first.isNew).toEqual([true, true]);
    // Not confirmed (the API died before its matcher job was enqueued): the same ids are stored and enqueued again.
    const again = await store.accept([make('evt_a'), make('evt_c')]);
    expect(again.isNew).toEqual([true, true]);
    await store.confirmEnqueued(again, ['evt_a', 'evt_c']);
    const table: Array<[string, boolean]> = [
      ['evt_a', false], // confirmed in the second flush
      ['evt_c', false],
      ['evt_b', true], // its flush was never confirmed
      ['evt_d', true], // never seen
    ];
    const third = await store.accept(table.map(([id]) => make(id)));
    expect(third.isNew).toEqual(table.map(([, isNew]) => isNew));
    expect((await store.getMany(['evt_a', 'evt_b', 'evt_c', 'evt_d'])).map((event) => event?.id)).toEqual(['evt_a', 'evt_b', 'evt_c', 'evt_d']);
    expect((await store.getManyForDelivery(['evt_a', 'evt_d'])).map((event) => event?.id)).toEqual(['evt_a', 'evt_d']);
  });

  it('keeps the marker in the payload where the payload outlives the dedupe window, in a key of its own where it does not', async () => {
    expect([events.payloadCarriesMarker('standard'), shortLived.payloadCarriesMarker('forecast')]).toEqual([true, false]);
    // Retention 0 drops a payload once its deliveries end, so its marker cannot live there.
    expect(new EventStore(redis, keys, 0).payloadCarriesMarker('standard')).toBe(false);
    await events.accept([eventOf('evt_in_payload')]);
    await shortLived.accept([forecastEventOf('evt_beside')]);
    const exists = async (key: string) => (await redis.exists(key)) === 1;
    expect([await exists(keys.dedupe('evt_in_payload')), await exists(shortKeys.event('evt_beside')), await exists(shortKeys.dedupe('evt_beside'))]).toEqual([false, true, true]);
    const stored = (await redis.get(keys.event('evt_in_payload'))) as string;
    // The marker, one space, then the event's JSON.
    expect(stored.slice(0, stored.indexOf(' '))).toMatch(/^[\w-]+$/);
    expect(payloadJson(stored)).toBe(stored.slice(stored.indexOf(' ') + 1));
    expect(JSON.parse(payloadJson(stored)).id).toBe('evt_in_payload');
    expect(await redis.get(shortKeys.event('evt_beside'))).toBe(eventJson((await shortLived.getMany(['evt_beside']))[0] as StoredEvent));
  });

  it('stores a payload for its profile\'s whole ladder when that is longer than the retention', async () => {
    const ladderMs = findProfile('standard')?.retryDelaysMs ?? [];
    const needSeconds = lastAttemptWithinMs({ ladderMs, delayMs: 0, scale: 1 }) / 1000;
    expect(needSeconds).toBeGreaterThan(24 * 3600);
    await events.accept([eventOf('evt_ttl')]);
    const ttl = await redis.ttl(keys.event('evt_ttl'));
    expect(ttl).toBeGreaterThan(needSeconds - 60);
    expect(ttl).toBeLessThanOrEqual(Math.ceil(needSeconds));
  });

  it.each(stores)('stores each payload of a flush byte for byte, whatever its characters and length — %s', async (_, store, make) => {
    // The single Redis's script gets a flush's payloads packed in one argument, each after its length in bytes.
    const datas = [{ text: 'é 🙂 ü — 漢字' }, { text: 'a line\nand "quotes" and \\ and spaces   ' }, { text: 'x'.repeat(70_000) }, {}];
    const flush = datas.map((data, index) => ({ ...make(`evt_bytes.${index}:x-y_z`), data }));
    expect((await store.accept(flush)).isNew).toEqual([true, true, true, true]);
    expect((await store.getMany(flush.map((event) => event.id))).map((event) => event?.data)).toEqual(datas);
    const storeKeys = store === events ? keys : shortKeys;
    for (const event of flush) expect(payloadJson((await redis.get(storeKeys.event(event.id))) as string)).toBe(eventJson(event));
  });

  it.each(stores)('writes the subscriptions handed over at acceptance as the payload\'s `+` line, kept when stored again — %s', async (_, store, make) => {
    const storeKeys = store === events ? keys : shortKeys;
    const valueOf = async (id: string) => (await redis.get(storeKeys.event(id))) as string;
    const flush = [make('evt_ho1'), make('evt_ho2'), make('evt_ho3')];
    const first = await store.accept(flush, [['sub_h1', 'sub_h2'], undefined, []]);
    expect(first.isNew).toEqual([true, true, true]);
    // The line follows the JSON in the value the accept stored; no ids, no line.
    expect((await valueOf('evt_ho1')).split('\n').slice(1)).toEqual(['+sub_h1 sub_h2']);
    expect(payloadJson(await valueOf('evt_ho1'))).toBe(eventJson(flush[0] as StoredEvent));
    for (const id of ['evt_ho2', 'evt_ho3']) expect(await valueOf(id)).not.toContain('\n');
    // The matcher created a delivery meanwhile (its line appended); the flush never confirmed, the event comes again.
    await redis.append(storeKeys.event('evt_ho1'), '\nsub_m');
    const again = await store.accept([make('evt_ho1')], [['sub_h1']]);
    expect(again.isNew).toEqual([true]);
    expect((await valueOf('evt_ho1')).split('\n').slice(1)).toEqual(['+sub_h1', '+sub_h1 sub_h2', 'sub_m']);
    // Confirmed, a duplicate changes nothing.
    await store.confirmEnqueued(again, ['evt_ho1']);
    const before = await valueOf('evt_ho1');
    expect((await store.accept([make('evt_ho1')], [['sub_z']])).isNew).toEqual([false]);
    expect(await valueOf('evt_ho1')).toBe(before);
  });

  it.each(stores)('keeps the first payload of a duplicate — %s', async (_, store, make) => {
    const accepted = await store.accept([{ ...make('evt_keep'), data: { first: true } }]);
    await store.confirmEnqueued(accepted, ['evt_keep']);
    expect((await store.accept([{ ...make('evt_keep'), data: { first: false } }])).isNew).toEqual([false]);
    expect((await store.getMany(['evt_keep']))[0]?.data).toEqual({ first: true });
  });

  it('reads the markers written before flushes were confirmed as a whole ("0" stored, "1" enqueued)', async () => {
    await redis.set(shortKeys.dedupe('evt_old0'), '0', 'EX', 60);
    await redis.set(shortKeys.dedupe('evt_old1'), '1', 'EX', 60);
    expect((await shortLived.accept([forecastEventOf('evt_old0'), forecastEventOf('evt_old1')])).isNew).toEqual([true, false]);
  });

  it('reads a payload stored without its marker by the marker key stored beside it (an earlier version\'s)', async () => {
    // As an earlier version stored them: the JSON alone, the marker in its own key.
    for (const [id, marker] of [['evt_was0', '0'], ['evt_was1', '1']] as const) {
      await redis.set(keys.event(id), eventJson({ ...eventOf(id), data: { first: true } }), 'EX', 60);
      await redis.set(keys.dedupe(id), marker, 'EX', 60);
    }
    const accepted = await events.accept([eventOf('evt_was0'), eventOf('evt_was1')]);
    expect(accepted.isNew).toEqual([true, false]);
    const [stored0, stored1] = await events.getMany(['evt_was0', 'evt_was1']);
    // Stored, never enqueued: stored again, now carrying its marker; enqueued: kept as it was.
    expect([stored0?.data, stored1?.data]).toEqual([{ id: 'evt_was0' }, { first: true }]);
    expect((await redis.get(keys.event('evt_was0')))?.startsWith('{')).toBe(false);
    await events.confirmEnqueued(accepted, ['evt_was0']);
    expect((await events.accept([eventOf('evt_was0')])).isNew).toEqual([false]);
  });
});

describe('creating delivery records', () => {
  const redis = connectRedis(testRedisTarget());
  const keys = new Keys(`tcre${randomBytes(4).toString('hex')}`);
  const deliveries = new DeliveryStore(redis, keys, 3600);
  const events = new EventStore(redis, keys, 24);
  afterAll(async () => {
    redis.disconnect();
    await deleteKeys(testRedisTarget(), keys.prefix);
  });

  const delivery = (n: number) => ({ id: `dlv_${n}`, eventId: `evt_${n}`, subscriptionId: 'sub_1' });

  it('creates a record once: new, still pending, or moved on', async () => {
    expect(await deliveries.createPending([delivery(1), delivery(2), delivery(3)])).toEqual(['created', 'created', 'created']);
    // A new record is pending with no attempts, indexed under its subscription and its event.
    expect(await deliveries.states(['dlv_1', 'dlv_missing'])).toEqual([{ status: 'pending', attempts: 0, nextAttemptAt: null }, null]);
    expect(await deliveries.get('dlv_1')).toEqual({ id: 'dlv_1', event_id: 'evt_1', subscription_id: 'sub_1', status: 'pending', attempts: 0, next_attempt_at: null });
    await events.accept([eventOf('evt_x')]);
    await deliveries.createPending([{ id: deliveryIdFor('evt_x', 'sub_x'), eventId: 'evt_x', subscriptionId: 'sub_x' }]);
    expect(await deliveries.forEvent('evt_x')).toEqual([{ id: deliveryIdFor('evt_x', 'sub_x'), subscription_id: 'sub_x', status: 'pending' }]);
    expect(await redis.ttl(keys.delivery('dlv_1'))).toBeGreaterThan(3000);
    await deliveries.markDead([{ id: 'dlv_2', subscriptionId: 'sub_1', attempts: 1 }]);
    await deliveries.resetToPending([{ id: 'dlv_3', eventId: 'evt_3', subscriptionId: 'sub_1', eventReceivedAt: Date.now() }]);
    const table: Array<[number, string]> = [
      [1, 'pending'], // created, never attempted
      [2, 'exists'], // moved on (dead)
      [3, 'pending'], // pending again, its status written
      [4, 'created'],
    ];
    expect(await deliveries.createPending(table.map(([n]) => delivery(n)))).toEqual(table.map(([, outcome]) => outcome));
    const listed = await deliveries.list({ subscriptionId: 'sub_1', limit: 10 });
    expect(listed.data.map((entry) => [entry.id, entry.status]).sort()).toEqual([
      ['dlv_1', 'pending'],
      ['dlv_2', 'dead'],
      ['dlv_3', 'pending'],
      ['dlv_4', 'pending'],
    ]);
  });

  it('lists an event\'s subscriptions once each, however often it is matched or replayed, and those of the keys written before', async () => {
    const of = (subscriptionId: string) => ({ id: deliveryIdFor('evt_f', subscriptionId), eventId: 'evt_f', subscriptionId });
    await events.accept([eventOf('evt_f')]);
    await deliveries.createPending([of('sub_a'), of('sub_b')]);
    await deliveries.createPending([of('sub_b'), of('sub_c'), of('sub_a')]);
    await deliveries.resetToPending([{ ...of('sub_c'), id: of('sub_c').id, eventReceivedAt: Date.now() }, { ...of('sub_d'), eventReceivedAt: Date.now() }]);
    await deliveries.resetToPending([{ ...of('sub_d'), eventReceivedAt: Date.now() }]);
    // At the end of the payload, a line each time new ones were added: a replay adds nothing already there.
    const stored = (await redis.get(keys.event('evt_f'))) as string;
    expect(stored.split('\n').slice(1)).toEqual(['sub_a sub_b', 'sub_c', 'sub_d']);
    expect(subscriptionIdsOfPayload(stored)).toEqual(['sub_a', 'sub_b', 'sub_c', 'sub_d']);
    expect(JSON.parse(payloadJson(stored)).id).toBe('evt_f');
    expect((await events.getManyForDelivery(['evt_f']))[0]?.id).toBe('evt_f');
    // Written by earlier versions: a string of ids, and before it a set.
    await redis.set(keys.eventSubscriptions('evt_f'), 'sub_f sub_a', 'EX', 60);
    await redis.sadd(keys.legacyEventDeliveries('evt_f'), 'sub_e', 'sub_a');
    await deliveries.createPending([of('sub_e'), of('sub_f')]);
    const listed = await deliveries.forEvent('evt_f');
    expect(listed.map((entry) => [entry.subscription_id, entry.id, entry.status])).toEqual(['sub_a', 'sub_b', 'sub_c', 'sub_d', 'sub_e', 'sub_f'].map((id) => [id, of(id).id, 'pending']));
  });

  // Kept one hour, a Forecast event's marker has a key of its own beside the payload.
  const beside = new EventStore(redis, keys, 1);
  it.each([
    ['the payload carries the marker', events, 'evt_again', (id: string) => eventOf(id)],
    ['a marker key beside the payload', beside, 'evt_again_beside', (id: string) => ({ ...eventOf(id), profile: 'forecast', type: 'assignment.created' })],
  ] as const)('keeps an event\'s subscriptions when its payload is stored again — %s', async (_, store, eventId, make) => {
    expect((await store.accept([make(eventId)])).isNew).toEqual([true]);
    await deliveries.createPending([{ id: deliveryIdFor(eventId, 'sub_g'), eventId, subscriptionId: 'sub_g' }]);
    // Enqueued but never confirmed (the store refused the confirmation): sent again, it is stored and enqueued again.
    expect((await store.accept([make(eventId)])).isNew).toEqual([true]);
    expect((await deliveries.forEvent(eventId)).map((entry) => entry.subscription_id)).toEqual(['sub_g']);
  });

  it('makes no payload for an event that has none', async () => {
    await deliveries.createPending([{ id: deliveryIdFor('evt_gone', 'sub_g'), eventId: 'evt_gone', subscriptionId: 'sub_g' }]);
    await deliveries.resetToPending([{ id: deliveryIdFor('evt_gone', 'sub_h'), eventId: 'evt_gone', subscriptionId: 'sub_h', eventReceivedAt: Date.now() }]);
    expect(await redis.exists(keys.event('evt_gone'))).toBe(0);
  });

  it('builds each key of a record from its ids, whatever characters an event id may hold', async () => {
    // The single Redis's script gets the ids packed in one argument and makes the keys itself (keyAffixes).
    const eventId = 'Ord-1.2:3_x';
    const subscription = { id: deliveryIdFor(eventId, 'sub_k'), eventId, subscriptionId: 'sub_k' };
    await events.accept([eventOf(eventId)]);
    expect(await deliveries.createPending([subscription])).toEqual(['created']);
    expect(await redis.hgetall(keys.delivery(subscription.id))).toEqual({ e: eventId, s: 'sub_k' });
    expect(await redis.zscore(keys.subscriptionDeliveries('sub_k'), subscription.id)).not.toBeNull();
    expect(subscriptionIdsOfPayload(await redis.get(keys.event(eventId)))).toEqual(['sub_k']);
  });

  it('creates more records than one script takes, in order', async () => {
    // Three subscriptions' deliveries of 401 events, listed by subscription as the matcher lists them.
    const many = Array.from({ length: 1203 }, (_, index) => {
      const eventId = `evt_m${index % 401}`;
      const subscriptionId = `sub_m${Math.floor(index / 401)}`;
      return { id: deliveryIdFor(eventId, subscriptionId), eventId, subscriptionId };
    });
    await events.accept(Array.from({ length: 401 }, (_, index) => eventOf(`evt_m${index}`)));
    await deliveries.createPending(many.filter((_, index) => index % 2 === 0));
    const outcomes = await deliveries.createPending(many);
    expect(outcomes).toEqual(many.map((_, index) => (index % 2 === 0 ? 'pending' : 'created')));
    // Each event's subscriptions written once, though its deliveries came in subscription order across chunks.
    const stored = (await redis.get(keys.event('evt_m0'))) as string;
    expect(stored.split('\n').slice(1).join(' ').split(' ').sort()).toEqual(['sub_m0', 'sub_m1', 'sub_m2']);
    // Each subscription's index holds each of its deliveries once (one ZADD a subscription and chunk, chunks sharing one).
    for (const subscriptionId of ['sub_m0', 'sub_m1', 'sub_m2']) {
      const indexed = await redis.zrange(keys.subscriptionDeliveries(subscriptionId), 0, -1);
      expect(indexed.sort()).toEqual(many.filter((delivery) => delivery.subscriptionId === subscriptionId).map((delivery) => delivery.id).sort());
    }
  });
});
