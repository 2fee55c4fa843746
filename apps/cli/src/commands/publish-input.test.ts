import { describe, expect, it } from '@jest/globals';
import { buildEvents } from './publish-input.js';

describe('buildEvents', () => {
  it('makes one standard event from flags alone', () => {
    expect(buildEvents(undefined, { tenant: 'ten_1', type: 'invoice.paid', data: { total: 42 } })).toEqual([
      { profile: 'standard', tenant: 'ten_1', type: 'invoice.paid', data: { total: 42 } },
    ]);
  });

  it.each([
    ['one event object', { type: 'a', data: 1 }, 1],
    [
      'an array of events',
      [
        { type: 'a', data: 1 },
        { type: 'b', data: 2 },
      ],
      2,
    ],
    [
      'a batch body',
      {
        events: [
          { type: 'a', data: 1 },
          { type: 'b', data: 2 },
          { type: 'c', data: 3 },
        ],
      },
      3,
    ],
  ])('reads %s from a file and applies the flags to every event', (_what, document, count) => {
    const events = buildEvents(document, { tenant: 'ten_1' });
    expect(events).toHaveLength(count);
    expect(events.every((event) => event.tenant === 'ten_1' && event.profile === 'standard')).toBe(true);
  });

  it("lets a flag win over the file, and the file's profile over the default", () => {
    expect(buildEvents({ tenant: 'ten_file', profile: 'paymo', type: 'a', data: {} }, { tenant: 'ten_flag' })).toEqual([
      { tenant: 'ten_flag', profile: 'paymo', type: 'a', data: {} },
    ]);
  });

  it('refuses --id for several events, an empty file and a non-object event', () => {
    expect(() => buildEvents([{}, {}], { id: 'e1' })).toThrow('--id names one event, but the file holds 2');
    expect(() => buildEvents([], {})).toThrow('the events file holds no events');
    expect(() => buildEvents([{}, 'x'], {})).toThrow('event 1 in the file is not a JSON object');
    expect(() => buildEvents(42, {})).toThrow(/an event object, an array of events/);
  });
});
