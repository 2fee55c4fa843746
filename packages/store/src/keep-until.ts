import type { ChainableCommander } from 'ioredis';
import type { Keys } from './keys.js';

/**
 * Queues what keeps one delivery attemptable until `untilMs`: its event's payload and its record, each kept at least
 * that long and never shortened (PEXPIREAT GT). A key already gone stays gone (PEXPIREAT on a missing key does
 * nothing), so nothing that ended or expired is brought back. A delivery whose next attempt lies past the lifetime
 * it was given (an ordered backlog waiting behind its head, a ladder lengthened by PATCH) needs both: its attempt
 * reads the payload, and its state is its record.
 */
export function queueKeepUntil(pipeline: ChainableCommander, keys: Keys, eventId: string, deliveryId: string, untilMs: number): void {
  const at = Math.ceil(untilMs);
  pipeline.pexpireat(keys.event(eventId), at, 'GT');
  pipeline.pexpireat(keys.delivery(deliveryId), at, 'GT');
}
