import { describe, expect, it } from '@jest/globals';
import { decodePollCursor, encodePollCursor } from './poll-cursor.js';

describe('poll cursors', () => {
  it.each(['0-0', '1733300000000-0', '1733300000000-17'])('gives back the position %s it was made from, the same cursor each time', (position) => {
    expect(decodePollCursor(encodePollCursor(position, 'sub_a'), 'sub_a')).toBe(position);
    expect(encodePollCursor(position, 'sub_a')).toBe(encodePollCursor(position, 'sub_a'));
  });

  it('refuses another subscription’s cursor, whose position would acknowledge this one’s messages unread', () => {
    expect(decodePollCursor(encodePollCursor('1733300000000-0', 'sub_a'), 'sub_b')).toBeNull();
  });

  it('takes a cursor given out before cursors named their subscription, so a subscriber goes on across an upgrade', () => {
    expect(decodePollCursor(Buffer.from('p1:1733300000000-4').toString('base64url'), 'sub_a')).toBe('1733300000000-4');
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'a+b/c='],
    ['another version', Buffer.from('p3:1-0').toString('base64url')],
    ['no position', Buffer.from('p1:').toString('base64url')],
    ['a position that is not one', Buffer.from('p1:12abc').toString('base64url')],
    ['a tagged cursor without its tag', Buffer.from('p2:1-0').toString('base64url')],
    ['an untagged cursor with a tag', Buffer.from('p1:abcdefgh:1-0').toString('base64url')],
    ['a raw stream id', '1733300000000-0'],
    ['another subscription’s cursor with a part appended', Buffer.from(`${Buffer.from(encodePollCursor('1733300000000-0', 'sub_b'), 'base64url').toString('utf8')}:x`).toString('base64url')],
    ['this subscription’s cursor with a part appended', Buffer.from(`${Buffer.from(encodePollCursor('1733300000000-0', 'sub_a'), 'base64url').toString('utf8')}:x`).toString('base64url')],
    ['too long', 'a'.repeat(65)],
  ])('refuses %s', (_name, cursor) => {
    expect(decodePollCursor(cursor, 'sub_a')).toBeNull();
  });
});
