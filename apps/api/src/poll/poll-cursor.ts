import { hash } from 'node:crypto';
import { LOG_POSITION } from '@hookfleet/store';

/**
 * The version tag inside a cursor, so its shape can change without old cursors being misread. `p2` cursors name
 * their subscription; `p1` ones (given out before they did) are still taken, so a subscriber polling across an
 * upgrade goes on where it was.
 */
const CURSOR_VERSION = 'p2';
const UNTAGGED_VERSION = 'p1';

/**
 * A short tag of the subscription a cursor belongs to: another subscription's cursor, whose position may lie further
 * on in time, would acknowledge this one's messages unread (the position is a time, not a count).
 */
function subscriptionTag(subscriptionId: string): string {
  return hash('sha256', subscriptionId, 'base64url').slice(0, 8);
}

/** What a 400 says of an `after` that is not a cursor this subscription's answers gave out. */
export const CURSOR_NOT_GIVEN_OUT = 'not a cursor this subscription gave out (use `next` as it came)';

/** A log position as the opaque `next` cursor subscribers hand back: the same position always gives the same cursor. */
export function encodePollCursor(position: string, subscriptionId: string): string {
  return Buffer.from(`${CURSOR_VERSION}:${subscriptionTag(subscriptionId)}:${position}`).toString('base64url');
}

/** The log position inside a cursor, or null when it is not one this API made for this subscription. */
export function decodePollCursor(cursor: string, subscriptionId: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return null;
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  const [version] = parts;
  // Each version has exactly its parts: a tagged cursor with anything after its position is not one we made (read
  // leniently, another subscription's cursor with `:x` appended would pass without its tag being checked).
  let position: string | undefined;
  if (version === CURSOR_VERSION && parts.length === 3 && parts[1] === subscriptionTag(subscriptionId)) position = parts[2];
  else if (version === UNTAGGED_VERSION && parts.length === 2) position = parts[1];
  return position !== undefined && LOG_POSITION.test(position) ? position : null;
}
