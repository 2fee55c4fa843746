import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { MAX_REGISTERED_EVENT_TYPES, type RegisteredEventType } from '@hookfleet/core';
import { connectRedis, EventTypeStore, Keys } from '@hookfleet/store';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { deleteKeys, testRedisTarget } from '../../../test/redis.js';

const entry = (type: string, schema: Record<string, unknown> = { type: 'object' }): RegisteredEventType => ({
  profile: 'standard',
  type,
  description: null,
  schema,
  deprecated: false,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
});

/**
 * The registered event types are one catalogue for the fleet (docs/api.md, "Event types"), read by every API process
 * each second under traffic and by `GET /v1/event-types` a page at a time: it has a cap, and an unchanged catalogue is
 * not read again.
 */
describe('the event type catalogue', () => {
  describe('in the store', () => {
    const redis = connectRedis(testRedisTarget());
    const keys = new Keys(`tcat${randomBytes(4).toString('hex')}`);
    // Two API processes on one Redis.
    const here = new EventTypeStore(redis, keys);
    const there = new EventTypeStore(redis, keys);
    afterAll(async () => {
      redis.disconnect();
      await deleteKeys(testRedisTarget(), keys.prefix);
    });

    it('answers the same copy while nothing changed, and a change made by another process at once', async () => {
      expect(await there.create(entry('cat.one'), 10)).toBe('created');
      const first = await here.allRaw();
      expect(Object.keys(first)).toEqual(['standard:cat.one']);
      // Not read (or parsed) again: the very same object.
      expect(await here.allRaw()).toBe(first);
      expect(await here.allRaw()).toBe(first);

      await there.save({ ...entry('cat.one', { type: 'string' }), deprecated: true });
      const changed = await here.allRaw();
      expect(changed).not.toBe(first);
      expect(JSON.parse(changed['standard:cat.one'] as string)).toMatchObject({ deprecated: true, schema: { type: 'string' } });

      expect(await there.create(entry('cat.two'), 10)).toBe('created');
      expect(Object.keys(await here.allRaw()).sort()).toEqual(['standard:cat.one', 'standard:cat.two']);
      expect(await here.allRaw()).toBe(await here.allRaw());
    });

    it('registers no more than the cap, even when registrations race for the last places', async () => {
      const capKeys = new Keys(`tcap${randomBytes(4).toString('hex')}`);
      const store = new EventTypeStore(redis, capKeys);
      try {
        const answers = await Promise.all(Array.from({ length: 8 }, (_, index) => store.create(entry(`cap.t${index}`), 5)));
        expect(answers.filter((answer) => answer === 'created')).toHaveLength(5);
        expect(answers.filter((answer) => answer === 'full')).toHaveLength(3);
        expect(await store.create(entry('cap.t0'), 5)).toBe('exists');
        expect(Object.keys(await store.allRaw())).toHaveLength(5);
      } finally {
        await deleteKeys(testRedisTarget(), capKeys.prefix);
      }
    });
  });

  describe('through the API', () => {
    let fleet: TestFleet;

    beforeAll(async () => {
      fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    });
    afterAll(() => fleet.stop());

    it(`registers at most ${MAX_REGISTERED_EVENT_TYPES} types: one more is a 409 naming the limit; the registered ones are still listed and changed`, async () => {
      // All but one place taken, written as an operator's registrations would be.
      const redis = connectRedis(testRedisTarget());
      const keys = new Keys(fleet.config.prefix);
      try {
        const fields = Array.from({ length: MAX_REGISTERED_EVENT_TYPES - 1 }, (_, index) => [`standard:fill.t${index}`, JSON.stringify(entry(`fill.t${index}`))]);
        await redis.hset(keys.eventTypes(), Object.fromEntries(fields));
      } finally {
        redis.disconnect();
      }
      const register = (type: string) => fleet.call('POST', '/v1/event-types', { profile: 'standard', type, schema: { type: 'object', required: ['id'] } });

      expect((await register('fill.last')).status).toBe(201);
      const refused = await register('fill.over');
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'conflict', error: expect.stringContaining(`${MAX_REGISTERED_EVENT_TYPES} event types are registered, the most allowed`) });
      expect((await register('fill.last')).body.error).toMatch(/already registered/);

      expect((await fleet.call('PATCH', '/v1/event-types/standard/fill.t0', { deprecated: true })).status).toBe(200);
      // A page at a time (docs/api.md, "Event types"): the whole catalogue in one answer was up to 64 MB.
      const listed: Array<{ type: string; deprecated: boolean }> = [];
      let cursor: string | null = null;
      do {
        const page = await fleet.call('GET', `/v1/event-types?profile=standard&limit=500${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        listed.push(...page.body.data);
        cursor = page.body.next_cursor;
      } while (cursor);
      const registered = listed.filter((item) => item.type.startsWith('fill.'));
      expect(registered).toHaveLength(MAX_REGISTERED_EVENT_TYPES);
      expect(registered.find((item) => item.type === 'fill.t0')?.deprecated).toBe(true);
      expect(registered.some((item) => item.type === 'fill.over')).toBe(false);
    });
  });
});
