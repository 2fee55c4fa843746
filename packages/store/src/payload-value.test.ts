// The layout of a payload key's value: `[<marker> ]<event JSON>[\n<subscription ids>]…` (payload-value.ts).
import { describe, expect, it } from '@jest/globals';
import { markedPayload, payloadJson, subscriptionIdsOfPayload } from './payload-value.js';

const json = JSON.stringify({ id: 'evt_1', data: { text: 'a line\nand a space', n: 1 } });

describe('a payload key\'s value', () => {
  const table: Array<[string, string, string[]]> = [
    ['the JSON alone (stored beside a marker key, or by an earlier version)', json, []],
    ['a single Redis marker (the flush id) before it', markedPayload('Ab-9_zq1k', json), []],
    ['a cluster marker', markedPayload('1', json), []],
    ['one line of subscriptions after it', `${json}\nsub_a sub_b`, ['sub_a', 'sub_b']],
    ['a marker and lines of subscriptions, an id repeated by a re-run', `${markedPayload('0', json)}\nsub_a sub_b\nsub_c\nsub_a`, ['sub_a', 'sub_b', 'sub_c']],
  ];
  it.each(table)('%s', (_, stored, subscriptions) => {
    expect(payloadJson(stored)).toBe(json);
    expect(JSON.parse(payloadJson(stored))).toEqual({ id: 'evt_1', data: { text: 'a line\nand a space', n: 1 } });
    expect(subscriptionIdsOfPayload(stored)).toEqual(subscriptions);
  });

  it('holds no subscriptions when there is no value', () => {
    expect(subscriptionIdsOfPayload(null)).toEqual([]);
    expect(subscriptionIdsOfPayload(undefined)).toEqual([]);
  });

  it('gives the JSON back as the same string when there is nothing around it', () => {
    // No copy for the common read of a value an earlier version stored.
    expect(payloadJson(json)).toBe(json);
    expect(markedPayload('f1', '')).toBe('f1 ');
  });
});
