import { LOG_POSITION } from '@hookfleet/store';

/** The version tag inside a cursor, so its shape can change without old cursors being misread. */
const CURSOR_VERSION = 'p1';

/** A log position as the opaque `next` cursor subscribers hand back: the same position always gives the same cursor. */
export function encodePollCursor(position: string): string {
  return Buffer.from(`${CURSOR_VERSION}:${position}`).toString('base64url');
}

/** The log position inside a cursor, or null when it is not one this API made. */
export function decodePollCursor(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return null;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const [version, position] = text.split(':');
  if (version !== CURSOR_VERSION || position === undefined || !LOG_POSITION.test(position)) return null;
  return position;
}
