import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { StoredEvent } from '@hookfleet/core';
import { standardBody } from '@hookfleet/profiles';
import { eventJson, eventReceivedAtMs, LoadedEvent, loadedForDelivery } from './stored-event-json.js';

const event = (data: unknown, extra: Partial<StoredEvent> = {}): StoredEvent => ({
  id: 'evt_0mip3k2x1a9f8e7d6c5b4a39',
  tenant: 'ten_1',
  profile: 'standard',
  type: 'invoice.paid',
  data,
  occurred_at: '2026-12-05T02:00:40.862Z',
  received_at: '2026-12-05T02:00:40.900Z',
  actor: null,
  fields_changed: null,
  visible_to: null,
  ...extra,
});

// A payload as the versions before stored-event-json.ts wrote it: the event serialised whole, data among its fields.
const earlierJson = (stored: StoredEvent) => JSON.stringify(stored);

describe('eventJson and loadedForDelivery', () => {
  it.each([
    ['an object', { order_id: 'ord_1', amount: 4200, note: 'x' }],
    ['an array', [1, 'two', { three: 3 }]],
    ['a string holding the data key itself', ',"data":{"x":1}}'],
    ['nested data keys', { data: { data: ',"data":' } }],
    ['null', null],
    ['a number', 42],
    ['unicode and escapes', { text: 'ü "quoted" \\ \n \u2028', emoji: '🦊' }],
  ])('stores %s last and loads it back, as text and as a value', (_name, data) => {
    const stored = event(data, { type: 'tricky,"data":.type', actor: { id: 7 }, fields_changed: ['a'], visible_to: [1, 'u'] });
    const raw = eventJson(stored);
    expect(JSON.parse(raw)).toEqual(stored);
    expect(raw.endsWith(`,"data":${JSON.stringify(data)}}`)).toBe(true);
    const loaded = loadedForDelivery(raw);
    expect(loaded).toBeInstanceOf(LoadedEvent);
    expect(loaded.dataJson).toBe(JSON.stringify(data));
    expect(loaded.data).toEqual(data);
    expect(JSON.parse(JSON.stringify(loaded))).toEqual(stored);
    expect({ ...(loaded as LoadedEvent).toJSON() }).toEqual(stored);
  });

  it('parses a payload stored by an earlier version (data among the fields) whole', () => {
    const stored = event({ a: 1 });
    const loaded = loadedForDelivery(earlierJson(stored));
    expect(loaded).not.toBeInstanceOf(LoadedEvent);
    expect(loaded.dataJson).toBeUndefined();
    expect(loaded).toEqual(stored);
  });

  it('stores an event loaded for delivery as it was stored (no dataJson field among its own)', () => {
    const raw = eventJson(event({ a: [1, 2] }));
    expect(eventJson(loadedForDelivery(raw))).toBe(raw);
  });

  it('parses data only when it is read, once', () => {
    const loaded = loadedForDelivery(eventJson(event({ a: { b: 1 } })));
    expect(loaded.data).toBe(loaded.data);
  });

  it('gives the acceptance time in milliseconds for an event loaded for delivery and for one parsed whole', () => {
    const stored = event({ a: 1 });
    const loaded = loadedForDelivery(eventJson(stored));
    expect(loaded).toBeInstanceOf(LoadedEvent);
    expect(eventReceivedAtMs(loaded)).toBe(Date.parse('2026-12-05T02:00:40.900Z'));
    expect(eventReceivedAtMs(loaded)).toBe(Date.parse('2026-12-05T02:00:40.900Z'));
    expect(eventReceivedAtMs(loadedForDelivery(earlierJson(stored)))).toBe(Date.parse('2026-12-05T02:00:40.900Z'));
    expect(eventReceivedAtMs(stored)).toBe(Date.parse('2026-12-05T02:00:40.900Z'));
  });
});

describe('the standard body of an event loaded for delivery', () => {
  it('is byte for byte the body serialised from the parsed data, for any JSON data', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (data, type) => {
        const stored = event(data, { type });
        const loaded = loadedForDelivery(eventJson(stored));
        const parsedBack = JSON.parse(eventJson(stored)) as StoredEvent;
        expect(standardBody(loaded)).toBe(JSON.stringify({ type, timestamp: stored.occurred_at, data: parsedBack.data }));
        expect(standardBody(loaded)).toBe(standardBody(parsedBack));
      }),
      { numRuns: 2_000 },
    );
  });
});
