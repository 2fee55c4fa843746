import { describe, expect, it } from '@jest/globals';
import { decodePollCursor, encodePollCursor } from './poll-cursor.js';

describe('poll cursors', () => {
  it.each(['0-0', '1733300000000-0', '1733300000000-17'])('gives back the position %s it was made from, the same cursor each time', (position) => {
    expect(decodePollCursor(encodePollCursor(position))).toBe(position);
    expect(encodePollCursor(position)).toBe(encodePollCursor(position));
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'a+b/c='],
    ['another version', Buffer.from('p2:1-0').toString('base64url')],
    ['no position', Buffer.from('p1:').toString('base64url')],
    ['a position that is not one', Buffer.from('p1:12abc').toString('base64url')],
    ['a raw stream id', '1733300000000-0'],
    ['too long', 'a'.repeat(65)],
  ])('refuses %s', (_name, cursor) => {
    expect(decodePollCursor(cursor)).toBeNull();
  });
});
