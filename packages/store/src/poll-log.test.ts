import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Keys } from './keys.js';
import type { PollMessage } from '@hookfleet/core';
import { LOG_POSITION, POLL_PAGE_MAX_BYTES, PollLog, pollLogOptionsFor } from './poll-log.js';
import { connectRedis } from './redis.js';
import { deleteKeys, testRedisTarget } from '../../../test/redis.js';

const message = (id: string): PollMessage => ({ id, event_id: `evt_${id}`, type: 'a.b', timestamp: '2026-01-01T00:00:00.000Z', body: `{"id":"${id}"}`, headers: { 'webhook-id': id } });
const entries = (...ids: string[]) => ids.map((id) => ({ message: message(id), eventReceivedAt: 1000 }));

describe('the message log of a poll subscription', () => {
  const redis = connectRedis(testRedisTarget());
  const keys = new Keys(`tpoll${randomBytes(4).toString('hex')}`);
  const log = new PollLog(redis, keys, pollLogOptionsFor(24));
  afterAll(async () => {
    redis.disconnect();
    await deleteKeys(testRedisTarget(), keys.prefix);
  });
  const ids = async (subscriptionId: string, after: string | null = null) => (await log.read(subscriptionId, after, 100)).map((entry) => entry.message.id);

  it('keeps one copy of a message appended again while it waits (a part that ran twice), in the first order', async () => {
    expect(await log.append('sub_a', entries('d1', 'd2'))).toBe(2);
    expect(await log.append('sub_a', entries('d2', 'd1', 'd3'))).toBe(1);
    expect(await ids('sub_a')).toEqual(['d1', 'd2', 'd3']);
    expect((await log.read('sub_a', null, 1))[0]?.message).toEqual(message('d1'));
  });

  it('acknowledges up to a position once, never backwards, never past the end, and reads on after it', async () => {
    await log.append('sub_b', entries('d1', 'd2', 'd3'));
    const [first, second, third] = await log.read('sub_b', null, 100);
    expect((await log.acknowledge('sub_b', second!.position))!.map((entry) => entry.message.id)).toEqual(['d1', 'd2']);
    expect(await log.acknowledge('sub_b', second!.position)).toEqual([]);
    expect(await log.acknowledge('sub_b', first!.position)).toEqual([]);
    expect(await log.acknowledged('sub_b')).toBe(second!.position);
    // Without a position, reading starts after the acknowledged one; from an older position, it reads again.
    expect(await ids('sub_b')).toEqual(['d3']);
    expect(await ids('sub_b', first!.position)).toEqual(['d2', 'd3']);
    expect((await log.acknowledge('sub_b', third!.position))!.map((entry) => entry.message.id)).toEqual(['d3']);
    expect(await log.acknowledged('sub_b')).toBe(third!.position);
    expect(await log.acknowledge('sub_empty', '1-0')).toEqual([]);
  });

  it('refuses a position past anything the log gave out, acknowledging nothing: it would mark unread messages delivered', async () => {
    await log.append('sub_f', entries('d1', 'd2'));
    const [first, second] = await log.read('sub_f', null, 100);
    await log.acknowledge('sub_f', first!.position);
    const [ms, seq] = second!.position.split('-').map(Number);
    expect(await log.acknowledge('sub_f', `${ms! + 60_000}-0`)).toBeNull();
    expect(await log.acknowledge('sub_f', `${ms}-${seq! + 1}`)).toBeNull();
    expect(await log.acknowledged('sub_f')).toBe(first!.position);
    expect(await ids('sub_f')).toEqual(['d2']);
    // No log at all: a position from the server's future was never given out; one from its past passes nothing.
    expect(await log.acknowledge('sub_none', `${Date.now() + 3_600_000}-0`)).toBeNull();
    expect(await log.acknowledge('sub_none', `${Date.now() - 3_600_000}-0`)).toEqual([]);
  });

  it('appends an acknowledged message again (a replay), and counts the backlog of what waits', async () => {
    await log.append('sub_c', entries('d1', 'd2'));
    expect(await log.backlogs(['sub_c', 'sub_none'])).toEqual([
      { messages: 2, oldestAppendedAt: expect.any(Number) },
      { messages: 0, oldestAppendedAt: null },
    ]);
    const [, second] = await log.read('sub_c', null, 100);
    await log.acknowledge('sub_c', second!.position);
    expect((await log.backlogs(['sub_c']))[0]).toEqual({ messages: 0, oldestAppendedAt: null });
    expect(await log.append('sub_c', entries('d1'))).toBe(1);
    expect(await ids('sub_c')).toEqual(['d1']);
    expect(await ids('sub_c', '0-0')).toEqual(['d1', 'd2', 'd1']);
  });

  it('with retention 0, drops a message once acknowledged', async () => {
    const dropping = new PollLog(redis, keys, pollLogOptionsFor(0));
    await dropping.append('sub_d', entries('d1', 'd2'));
    const [first] = await dropping.read('sub_d', null, 100);
    await dropping.acknowledge('sub_d', first!.position);
    expect((await dropping.read('sub_d', '0-0', 100)).map((entry) => entry.message.id)).toEqual(['d2']);
    // Every message dropped, the log's last position is still one it gave out.
    const [second] = await dropping.read('sub_d', null, 100);
    expect((await dropping.acknowledge('sub_d', second!.position))?.map((entry) => entry.message.id)).toEqual(['d2']);
    expect(await dropping.read('sub_d', '0-0', 100)).toEqual([]);
    expect(await dropping.acknowledge('sub_d', second!.position)).toEqual([]);
  });

  it('reads large messages a budget at a time, and acknowledges a range larger than one budget whole', async () => {
    const large = (id: string) => ({ message: { ...message(id), body: JSON.stringify({ id, filler: 'x'.repeat(POLL_PAGE_MAX_BYTES / 3) }) }, eventReceivedAt: 1000 });
    await log.append('sub_g', ['l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7'].map(large));
    const page = await log.read('sub_g', null, 100);
    expect(page.map((entry) => entry.message.id)).toEqual(['l1', 'l2']);
    // One message past the budget on its own still comes: a page is never empty while the log holds more.
    await log.append('sub_h', [{ message: { ...message('huge'), body: 'x'.repeat(POLL_PAGE_MAX_BYTES + 1) }, eventReceivedAt: 1000 }]);
    expect((await log.read('sub_h', null, 100)).map((entry) => entry.message.id)).toEqual(['huge']);
    // The whole log read page by page, then acknowledged at its end in one go: every entry passed, once.
    const all = [...page];
    for (let next = await log.read('sub_g', page.at(-1)!.position, 100); next.length > 0; next = await log.read('sub_g', all.at(-1)!.position, 100)) all.push(...next);
    expect(all.map((entry) => entry.message.id)).toEqual(['l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7']);
    expect((await log.acknowledge('sub_g', all.at(-1)!.position))!.map((entry) => entry.message.id)).toEqual(['l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7']);
  });

  it('tells waiting long-polls of new messages on the log’s channel', async () => {
    const subscriber = redis.duplicate();
    const told = new Promise<string>((resolve) => subscriber.on('message', (_channel: string, count: string) => resolve(count)));
    await subscriber.subscribe(keys.pollChannel('sub_e'));
    await log.append('sub_e', entries('d1', 'd2'));
    expect(await told).toBe('2');
    subscriber.disconnect();
  });

  it.each([
    ['1733300000000-0', true],
    ['0-0', true],
    ['1733300000000', false],
    ['a-b', false],
    ['1-2-3', false],
  ])('takes %s as a log position: %s', (position, valid) => {
    expect(LOG_POSITION.test(position)).toBe(valid);
  });
});
