import { NOT_OUR_CURSOR, ValidationFailed } from '@hookfleet/core';

/**
 * A page cursor of a log in time order (a subscription's deliveries, a tenant's events): the score (received at) and
 * id of the page's last entry.
 */
export function encodeCursor(score: number, id: string): string {
  return Buffer.from(`${score}:${id}`).toString('base64url');
}

/** The position a cursor names; a cursor this API did not give out is a 400. */
export function decodeCursor(cursor: string): [number, string] {
  const [score, id] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  if (!Number.isFinite(Number(score)) || !id) throw new ValidationFailed('invalid cursor', [{ path: 'cursor', message: NOT_OUR_CURSOR }]);
  return [Number(score), id];
}
