// The layout of a payload key's value: `[<marker> ]<event JSON>[\n[+]<subscription ids>]…` (payload-value.ts).
import { describe, expect, it } from '@jest/globals';
import { handedOverIdsOfPayload, handedOverLine, HANDED_OVER_LINE_PREFIX, markedPayload, payloadJson, subscriptionIdsOfPayload } from './payload-value.js';

const json = JSON.stringify({ id: 'evt_1', data: { text: 'a line\nand a space, + a plus', n: 1 } });

describe('a payload key\'s value', () => {
  // [what it is, the value, every subscription, those handed over at acceptance]
  const table: Array<[string, string, string[], string[]]> = [
    ['the JSON alone (stored beside a marker key, or by an earlier version)', json, [], []],
    ['a single Redis marker (the flush id) before it', markedPayload('Ab-9_zq1k', json), [], []],
    ['a cluster marker', markedPayload('1', json), [], []],
    ['one line of subscriptions after it', `${json}\nsub_a sub_b`, ['sub_a', 'sub_b'], []],
    ['a marker and lines of subscriptions, an id repeated by a re-run', `${markedPayload('0', json)}\nsub_a sub_b\nsub_c\nsub_a`, ['sub_a', 'sub_b', 'sub_c'], []],
    ['a handed-over line alone', `${json}\n+sub_h sub_i`, ['sub_h', 'sub_i'], ['sub_h', 'sub_i']],
    ['a marker and a handed-over line', `${markedPayload('Ab-9_zq1k', json)}\n+sub_h`, ['sub_h'], ['sub_h']],
    ['a handed-over line, then lines of subscriptions', `${markedPayload('0', json)}\n+sub_h sub_i\nsub_a\nsub_b sub_c`, ['sub_h', 'sub_i', 'sub_a', 'sub_b', 'sub_c'], ['sub_h', 'sub_i']],
    ['lines of subscriptions, then a handed-over line', `${json}\nsub_a\n+sub_h`, ['sub_a', 'sub_h'], ['sub_h']],
    // Stored again unconfirmed, a payload keeps its earlier lines after its new one (accept-events.ts).
    ['ids repeated across handed-over and plain lines', `${markedPayload('1', json)}\n+sub_h sub_i\nsub_a sub_h\n+sub_h sub_i\nsub_a`, ['sub_h', 'sub_i', 'sub_a'], ['sub_h', 'sub_i']],
    ['an id handed over after a plain line named it', `${json}\nsub_a\n+sub_a sub_h`, ['sub_a', 'sub_h'], ['sub_a', 'sub_h']],
  ];
  it.each(table)('%s', (_, stored, subscriptions, handedOver) => {
    expect(payloadJson(stored)).toBe(json);
    expect(JSON.parse(payloadJson(stored))).toEqual({ id: 'evt_1', data: { text: 'a line\nand a space, + a plus', n: 1 } });
    expect(subscriptionIdsOfPayload(stored)).toEqual(subscriptions);
    expect(handedOverIdsOfPayload(stored)).toEqual(handedOver);
  });

  it('holds no subscriptions when there is no value', () => {
    expect(subscriptionIdsOfPayload(null)).toEqual([]);
    expect(subscriptionIdsOfPayload(undefined)).toEqual([]);
    expect(handedOverIdsOfPayload(null)).toEqual([]);
    expect(handedOverIdsOfPayload(undefined)).toEqual([]);
  });

  it('gives the JSON back as the same string when there is nothing around it', () => {
    // No copy for the common read of a value an earlier version stored.
    expect(payloadJson(json)).toBe(json);
    expect(markedPayload('f1', '')).toBe('f1 ');
  });

  it('makes a handed-over line as the accept script writes it: a line break, a plus, the ids', () => {
    expect(HANDED_OVER_LINE_PREFIX).toBe('\n+');
    expect(handedOverLine(['sub_h', 'sub_i'])).toBe('\n+sub_h sub_i');
    expect(handedOverLine([])).toBe('');
    const stored = markedPayload('0', json) + handedOverLine(['sub_h', 'sub_i']);
    expect(handedOverIdsOfPayload(stored)).toEqual(['sub_h', 'sub_i']);
    expect(payloadJson(stored)).toBe(json);
  });
});
