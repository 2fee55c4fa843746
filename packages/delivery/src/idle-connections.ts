import type { Connection, ConnectionDiscarder } from './http1-exchange.js';
import { InFlightList } from './in-flight-list.js';

/**
 * The keep-alive connections that wait idle for an origin's next request, and how long each may wait. Functions over
 * the pool's own map (http1-pool.ts), not an object of their own: a connection is taken and given back here at every
 * request, and this adds no object to reach through on the way.
 */

/** Idle connections per origin, the most recently used last (taken first: its socket is warmest). */
export type IdleConnections = Map<string, InFlightList<Connection>>;

/** A server's keep-alive hint is cut by this much, so that a request is never written as the server closes. */
const KEEP_ALIVE_MARGIN_MS = 1000;

/** How often idle connections are checked against their keep-alive time (a timer per pool, not one per connection). */
export const IDLE_SWEEP_MS = 250;

/**
 * The origin's idle connection that is still within its keep-alive time, or undefined; those past it are closed, not
 * written to (the sweep runs only every IDLE_SWEEP_MS). The origin's list stays when it empties (the sweep drops it):
 * under load a connection goes idle and is taken again at every request, and deleting the origin's entry and adding a
 * new list each time churned the map's table.
 */
export function takeIdle(idle: IdleConnections, origin: string, pool: ConnectionDiscarder): Connection | undefined {
  const list = idle.get(origin);
  if (!list) return undefined;
  const now = performance.now();
  for (let connection = list.pop(); connection; connection = list.pop()) {
    if (now - connection.idleSince < connection.keepAliveMs) return connection;
    pool.discard(connection);
  }
  return undefined;
}

/**
 * Puts a connection whose exchange is over on its origin's idle list, for the server's `Keep-Alive: timeout` less
 * KEEP_ALIVE_MARGIN_MS (at most `idleTimeoutMs`, which applies when the server gives none). False when that leaves no
 * time at all: the connection is to be closed.
 */
export function keepIdle(idle: IdleConnections, connection: Connection, hintMs: number | undefined, idleTimeoutMs: number): boolean {
  connection.keepAliveMs = hintMs === undefined ? idleTimeoutMs : Math.min(idleTimeoutMs, hintMs - KEEP_ALIVE_MARGIN_MS);
  if (connection.keepAliveMs <= 0) return false;
  let list = idle.get(connection.origin);
  if (!list) idle.set(connection.origin, (list = new InFlightList()));
  connection.idleSince = performance.now();
  connection.reused = true;
  list.add(connection);
  return true;
}

/** Takes a connection off its origin's idle list, if it is there, and forgets the origin once its list is empty. */
export function forgetIdle(idle: IdleConnections, connection: Connection): void {
  const list = idle.get(connection.origin);
  if (list?.remove(connection) && list.size === 0) idle.delete(connection.origin);
}

/** Closes the connections idle past their keep-alive time and forgets the origins left with none. */
export function sweepIdle(idle: IdleConnections, pool: ConnectionDiscarder): void {
  const now = performance.now();
  for (const [origin, list] of [...idle]) {
    list.forEachFromEnd((connection) => {
      if (now - connection.idleSince >= connection.keepAliveMs) pool.discard(connection);
    });
    if (list.size === 0) idle.delete(origin);
  }
}
